// SIMD128 depthwise convolution (groups == C_in, any channel multiplier): each output channel
// filters one input channel, so there is nothing to share across channels; instead a tile
// computes RB output rows x 8 pixels at once from the PaddedInput. A tap costs a vector load per
// multiply there; the 3x3 kernels of stride 1 and 2 (MobileNet's) get tiles of their own whose
// loads of an input row are shared by the output rows that read it. With one padding column on
// each side (the usual padding=1, in any padding mode) they read the input in place: a depthwise
// layer moves little arithmetic per byte, and the padded copy took 30 % of its time (Node CPU
// profile), a third with the present stride-1 tiles (reflect padding, 32x128x128: in place
// 0.63-0.67x the time of copy + tiles, bench/ab.mjs), and at stride 2 the in-place kernel takes
// 0.47-0.54x the time of copy + 4x8 tiles.
#include <algorithm>
#include <vector>

#include "kernels/padded_input.hpp"
#include "kernels/simd.hpp"
#include "kernels/simd_kernels.hpp"

namespace cp {

namespace {

struct DwArgs {
    const float* in;        // padded channel at the first output row's base row, column of x0
    int64_t row_step;       // floats between consecutive output rows in the input (sh * pcols)
    const int32_t* taps;
    int ntaps;
    const float* w;         // ntaps weights
    float bias;
    float* out;             // output at (row 0, x0)
    int64_t out_row;        // floats between output rows
};

template <int RB, int XV>
inline void dw_tile(const DwArgs& a, int n_valid) {
    v128_t acc[RB][XV];
    const v128_t b = wasm_f32x4_splat(a.bias);
    for (int r = 0; r < RB; ++r)
        for (int v = 0; v < XV; ++v) acc[r][v] = b;
    for (int t = 0; t < a.ntaps; ++t) {
        const v128_t wv = wasm_v128_load32_splat(a.w + t);
        const float* p = a.in + a.taps[t];
        for (int r = 0; r < RB; ++r)
            for (int v = 0; v < XV; ++v)
                acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(wasm_v128_load(p + r * a.row_step + 4 * v), wv));
    }
    for (int r = 0; r < RB; ++r)
        for (int v = 0; v < XV; ++v) {
            const int n = n_valid - 4 * v;
            if (n <= 0) break;
            if (n >= 4) wasm_v128_store(a.out + r * a.out_row + 4 * v, acc[r][v]);
            else simd::store_lanes(a.out + r * a.out_row + 4 * v, acc[r][v], n);
        }
}

// RB output rows of one channel. Out of line so V8 tiers it up between calls.
template <int RB>
__attribute__((noinline)) void dw_rows(DwArgs a, int64_t width) {
    const float* in0 = a.in;
    float* out0 = a.out;
    int64_t x = 0;
    for (; x + 8 <= width; x += 8) {
        a.in = in0 + x, a.out = out0 + x;
        dw_tile<RB, 2>(a, 8);
    }
    for (; x < width; x += 4) {
        a.in = in0 + x, a.out = out0 + x;
        dw_tile<RB, 1>(a, int(std::min<int64_t>(4, width - x)));
    }
}

// 3x3, stride 1, dilation 1, from a padded copy (padding other than one column each side): RB
// output rows x 4 pixels. r[i] is padded row (first output row + i) at the padded column of
// output column 0 (r[i][x + kx - 1] is tap kx of output column x); w holds the 9 weights
// splatted once per call. Each input row is read as 3 unaligned vectors (columns x - 1, x, x + 1),
// and each serves every output row that reads it, so RB accumulators, 9 weights and an input
// vector or two are live. Measured in V8 (a stand-alone wasm of the variants, 32 channels at
// 128x128, one process): RB = 1 took 1.16x the time of RB = 2, RB = 3 1.10x, RB = 4 1.23x
// (spills); shifted vectors shuffled from aligned loads 1.15x (the shuffles share the ports of
// the multiplies and adds, loads do not). Per pixel the sum runs bias, then taps in (ky, kx)
// order as in dw_tile, so every tile kind gives the same bits. N_VALID < 4: a tile at the end of
// its row stores only N_VALID lanes (the copy's margin covers its reads).
template <int RB>
struct Rows3 {
    const float* r[RB + 2];
    v128_t w[9];
    v128_t bias;
    // Copies into locals: read through `rows`, clang reloaded the row pointers every tile (the
    // output stores might alias them).
    Rows3(const float* const* rows, int64_t shift, const float* wp, float b) : bias(wasm_f32x4_splat(b)) {
        for (int i = 0; i < RB + 2; ++i) r[i] = rows[i] + shift;
        for (int k = 0; k < 9; ++k) w[k] = wasm_v128_load32_splat(wp + k);
    }
};

template <int RB, int N_VALID = 4>
inline void dw3x3_vec(const float* const (&r)[RB + 2], const v128_t (&w)[9], v128_t bias, int64_t x, float* out,
                      int64_t out_row) {
    v128_t acc[RB];
    CP_UNROLL
    for (int o = 0; o < RB; ++o) acc[o] = bias;
    CP_UNROLL
    for (int i = 0; i < RB + 2; ++i) {
        CP_UNROLL
        for (int kx = 0; kx < 3; ++kx) {
            const v128_t t = wasm_v128_load(r[i] + x + kx - 1);
            CP_UNROLL
            for (int o = i < 2 ? 0 : i - 2; o <= (i < RB ? i : RB - 1); ++o)
                acc[o] = wasm_f32x4_add(acc[o], wasm_f32x4_mul(t, w[(i - o) * 3 + kx]));
        }
    }
    CP_UNROLL
    for (int o = 0; o < RB; ++o) {
        if (N_VALID == 4) wasm_v128_store(out + o * out_row + x, acc[o]);
        else simd::store_lanes(out + o * out_row + x, acc[o], N_VALID);
    }
}

// The edge tiles of the kernels that read the input in place with one padding column each side
// (any padding mode): kLeft, the tile at output column 0, whose column -1 is a padding value (a
// zero, or the input cell that reflect / replicate / circular padding repeats); kRight, a tile
// whose last tap is the padding column right of the row; kBoth, a row of exactly 4. Those
// vectors are shuffled from an in-row load and the splatted padding value, so no vector load
// leaves the row.
enum Edge { kNone, kLeft, kRight, kBoth };

// RB output rows of a padded copy: rows[i] + x is padded column x of padded row (first output
// row + i); every tile may read past the row (the copy has a margin).
template <int RB>
__attribute__((noinline)) void dw3x3_rows_padded(const float* const* rows, const float* wp, float bias, float* out,
                                                 int64_t out_row, int64_t width) {
    const Rows3<RB> a(rows, 1, wp, bias);  // padded column x + 1 = the centre tap of output column x
    int64_t x = 0;
    for (; x + 4 <= width; x += 4) dw3x3_vec<RB>(a.r, a.w, a.bias, x, out, out_row);
    switch (width - x) {
        case 1: dw3x3_vec<RB, 1>(a.r, a.w, a.bias, x, out, out_row); break;
        case 2: dw3x3_vec<RB, 2>(a.r, a.w, a.bias, x, out, out_row); break;
        case 3: dw3x3_vec<RB, 3>(a.r, a.w, a.bias, x, out, out_row); break;
        default: break;
    }
}

// One channel read in place by the 3x3 kernels with one padding column on each side (any padding
// mode, any padding rows): padded row j is input row row_src[j] or the row of zeros, and the
// padding columns are input columns lsrc / rsrc of that row, or zeros where those are -1.
struct Dw3Plane {
    const float* chan;
    const int32_t* row_src;  // PaddedInput::row_src
    const float* zero;       // W zeros (at least 1)
    int64_t W, lsrc, rsrc;

    const float* row(int64_t j) const { return row_src[j] >= 0 ? chan + row_src[j] * W : zero; }
    const float* left(int64_t j) const { return row_src[j] >= 0 && lsrc >= 0 ? chan + row_src[j] * W + lsrc : zero; }
    const float* right(int64_t j) const { return row_src[j] >= 0 && rsrc >= 0 ? chan + row_src[j] * W + rsrc : zero; }
    // Padded row j's columns -1 .. n - 2 (n > W + 1; zeros after the right padding column), for
    // the rows narrower than a tile's reach.
    void narrow(int64_t j, float* seg, int n) const {
        const float* r = row(j);
        seg[0] = *left(j);
        for (int64_t c = 1; c < n; ++c) seg[c] = c <= W ? r[c - 1] : 0.0f;
        seg[W + 1] = *right(j);
    }
};

inline void splat9(const float* wp, v128_t (&w)[9]) {
    for (int k = 0; k < 9; ++k) w[k] = wasm_v128_load32_splat(wp + k);
}

// Makes the accumulator's updates so far happen here, before the next input vector is loaded (an
// empty asm that "changes" it and memory). Without it clang's wasm backend loads a tile's input
// vectors first and computes each accumulator's chain at once, keeping them all live: V8 then
// spilled and reloaded 13 vectors per 2-row tile of the stride-1 kernel and ran 38 instructions
// per output vector, against 2 and 33 with it (V8's code, node --print-wasm-code); the stride-2
// tile went from 125 to 115 instructions. No code of its own; natively (SIMDe) nothing.
__attribute__((always_inline)) inline void pin(v128_t& a) {
#if defined(__wasm_simd128__)
    __asm__ volatile("" : "+r"(a) : : "memory");
#else
    (void)a;
#endif
}

// 3x3 stride 1 read in place: RB output rows x 4 pixels. Each input row is read as 3 unaligned
// vectors and each serves every output row that reads it; 9 weights, RB accumulators, the bias,
// the vector in use and a product in registers (14 of V8's 15 at RB = 2). p[i]: padded row
// (first output row + i); the tile reads its columns c .. c + 5 (kNone, kRight: output columns
// c + 1 .. c + 4) or, EDGE kLeft / kBoth, columns 0 .. 4 with column -1 the padding value *el[i];
// kRight / kBoth: the column after the tile's last is the padding value *er[i]. Per pixel the sum
// runs bias, then taps in (ky, kx) order as in dw_tile, so the bits equal the other kernels'.
// n_valid < 4: the first n_valid lanes are stored.
template <int RB, Edge EDGE>
__attribute__((always_inline)) inline void dw3_tile(const float* const (&p)[RB + 2], const float* const* el,
                                                    const float* const* er, const v128_t (&w)[9], const float* bias,
                                                    float* const (&o)[RB], int64_t c, int n_valid = 4) {
    constexpr bool kL = EDGE == kLeft || EDGE == kBoth, kR = EDGE == kRight || EDGE == kBoth;
    v128_t acc[RB];
    const v128_t b = wasm_v128_load32_splat(bias);  // once per tile, not per output row: an instruction less
    CP_UNROLL
    for (int i = 0; i < RB + 2; ++i) {
        const float* q = p[i] + c;
        CP_UNROLL
        for (int kx = 0; kx < 3; ++kx) {
            v128_t t;
            if (kL && kx == 0) t = wasm_i32x4_shuffle(wasm_v128_load32_splat(el[i]), wasm_v128_load(q), 3, 4, 5, 6);
            else if (kR && kx == 2)  // the tile's 4 columns, then the padding
                t = wasm_i32x4_shuffle(wasm_v128_load(q + (kL ? 0 : 1)), wasm_v128_load32_splat(er[i]), 1, 2, 3, 4);
            else t = wasm_v128_load(q + kx - (kL ? 1 : 0));
            // Output rows i - 2 .. i that read row i (tap ky = 2 .. 0): a fixed trip count.
            CP_UNROLL
            for (int ky = 2; ky >= 0; --ky) {
                const int r = i - ky;
                if (r < 0 || r >= RB) continue;
                const v128_t prod = wasm_f32x4_mul(t, w[ky * 3 + kx]);
                acc[r] = wasm_f32x4_add(ky == 0 && kx == 0 ? b : acc[r], prod);
            }
            CP_UNROLL
            for (int r = 0; r < RB; ++r)
                if (r <= i) pin(acc[r]);  // the accumulators started so far
        }
    }
    CP_UNROLL
    for (int r = 0; r < RB; ++r) {
        float* d = o[r] + c + (kL ? 0 : 1);
        if (n_valid == 4) wasm_v128_store(d, acc[r]);
        else simd::store_lanes(d, acc[r], n_valid);
    }
}

// Output rows y .. y + RB - 1 (padded rows y .. y + RB + 1) of one channel, W >= 4: a left tile,
// inner tiles, and a last tile overlapping the one before when W is not a multiple of 4 (it
// writes the same values again, summed in the same order). The inner tiles go by c = x - 1, the
// first column they read, so that their loads are offsets 0, 4, 8 of p[i] + c and their stores
// offset 4 of o[r] + c (wasm's offsets are unsigned: a tap at x - 1 cost an add per row).
template <int RB>
void dw3_rows(const Dw3Plane& P, const v128_t (&w)[9], const float* bias, int64_t y, float* oplane) {
    const int64_t W = P.W;
    const float* p[RB + 2];
    const float* el[RB + 2];
    const float* er[RB + 2];
    float* o[RB];
    for (int i = 0; i < RB + 2; ++i) p[i] = P.row(y + i), el[i] = P.left(y + i), er[i] = P.right(y + i);
    for (int r = 0; r < RB; ++r) o[r] = oplane + (y + r) * W;
    if (W == 4) {
        dw3_tile<RB, kBoth>(p, el, er, w, bias, o, 0);
        return;
    }
    dw3_tile<RB, kLeft>(p, el, er, w, bias, o, 0);
    for (int64_t c = 3; c + 5 < W; c += 4) dw3_tile<RB, kNone>(p, el, er, w, bias, o, c);
    dw3_tile<RB, kRight>(p, el, er, w, bias, o, W - 5);  // the loop left W - 4 <= c + 1 < W
}

// One channel, 3x3 stride 1, read in place (output width = W): 2 output rows per pass, then the
// odd one; rows narrower than 4 go through a padded copy of each row's columns.
// Strips of 4 columns walked down the rows (each input row loaded once for 3 accumulators) were
// 1.06-1.31x slower under V8 (more instructions per vector, spills): commit 58b22b0 has the list.
void dw3x3_inplace(const Dw3Plane& P, const float* wp, const float* bias, float* oplane, int64_t OH) {
    v128_t w[9];
    splat9(wp, w);
    const int64_t W = P.W;
    if (W < 4) {
        alignas(16) float seg[3][8];  // padded rows y .. y + 2 in turn (seg[j % 3][0]: column -1)
        alignas(16) float tmp[5];
        P.narrow(0, seg[0], 8);
        P.narrow(1, seg[1], 8);
        for (int64_t y = 0; y < OH; ++y) {
            P.narrow(y + 2, seg[(y + 2) % 3], 8);
            const float* p[3] = {seg[y % 3], seg[(y + 1) % 3], seg[(y + 2) % 3]};
            float* o[1] = {tmp};
            dw3_tile<1, kNone>(p, nullptr, nullptr, w, bias, o, 0);  // into tmp[1 .. 4]
            for (int64_t j = 0; j < W; ++j) oplane[y * W + j] = tmp[1 + j];
        }
        return;
    }
    int64_t y = 0;
    for (; y + 2 <= OH; y += 2) dw3_rows<2>(P, w, bias, y, oplane);
    if (y < OH) dw3_rows<1>(P, w, bias, y, oplane);
}

// 3x3, stride 2, dilation 1, one padding column each side, read in place: RB output rows x 4
// pixels. Output column x reads input columns 2x - 1, 2x, 2x + 1; for 4 outputs, kx = 0 wants the
// odd-offset lanes of columns 2x - 1 .. 2x + 6, kx = 1 their even-offset lanes, kx = 2 the odd
// lanes of 2x .. 2x + 7: 4 unaligned loads and 3 shuffles per input row (the strided copy this
// replaces took 63 % of the layer's time, measured with the copy skipped before the copy's
// 16-column de-interleave). r[i]: padded row
// (2 * first output row + i) at input column 0; output row o reads rows 2o .. 2o + 2. kLeft: the
// tile at output column 0 (column -1 is *el[i]); kRight: a tile whose last tap is column W
// (odd W; *er[i]). Sum order as in dw_tile, so the bits equal the strided-copy kernel's.
template <int RB, Edge EDGE = kNone>
inline void dw3x3s2_vec(const float* const (&r)[2 * RB + 1], const v128_t (&w)[9], v128_t bias, int64_t x, float* out,
                        int64_t out_row, const float* const* el = nullptr, const float* const* er = nullptr) {
    v128_t acc[RB];
    CP_UNROLL
    for (int o = 0; o < RB; ++o) acc[o] = bias;
    const int64_t c = 2 * x - 1;
    CP_UNROLL
    for (int i = 0; i < 2 * RB + 1; ++i) {
        v128_t k0, k1, k2;
        if (EDGE == kLeft) {
            const v128_t lo = wasm_v128_load(r[i]), hi = wasm_v128_load(r[i] + 4);
            k1 = wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);
            k2 = wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7);
            k0 = wasm_i32x4_shuffle(wasm_v128_load32_splat(el[i]), k2, 0, 4, 5, 6);
        } else {
            // From input column 2x - 1, so that the 4 loads are offsets 0, 4, 16, 20 of one address
            // (wasm's offsets are unsigned: a load at 2x - 1 cost an add per row).
            const float* q = r[i] + c;
            const v128_t a = wasm_v128_load(q), b = wasm_v128_load(q + 4);
            k0 = wasm_i32x4_shuffle(a, b, 0, 2, 4, 6);
            k1 = wasm_i32x4_shuffle(a, b, 1, 3, 5, 7);
            const v128_t d = EDGE == kRight ? wasm_i32x4_shuffle(b, wasm_v128_load32_splat(er[i]), 1, 2, 3, 4)
                                            : wasm_v128_load(q + 5);
            k2 = wasm_i32x4_shuffle(wasm_v128_load(q + 1), d, 1, 3, 5, 7);
        }
        // Every output row, skipping those that do not read row i: a fixed trip count, which GCC
        // unrolls (with bounds that depend on i it folded the 1-trip loops away first and
        // warned that it ignored the annotation).
        CP_UNROLL
        for (int o = 0; o < RB; ++o) {
            const int ky = i - 2 * o;
            if (ky < 0 || ky > 2) continue;
            acc[o] = wasm_f32x4_add(acc[o], wasm_f32x4_mul(k0, w[ky * 3 + 0]));
            acc[o] = wasm_f32x4_add(acc[o], wasm_f32x4_mul(k1, w[ky * 3 + 1]));
            acc[o] = wasm_f32x4_add(acc[o], wasm_f32x4_mul(k2, w[ky * 3 + 2]));
        }
        CP_UNROLL
        for (int o = 0; o < RB; ++o) pin(acc[o]);  // row i done
    }
    CP_UNROLL
    for (int o = 0; o < RB; ++o) wasm_v128_store(out + o * out_row + x, acc[o]);
}

// Output rows y .. y + RB - 1 of the stride-2 kernel (padded rows 2y .. 2y + 2RB), by the set-up
// the stride-1 kernel uses (Dw3Plane, splat9): an input of width >= 8 gets a left tile, inner
// tiles, and a last tile overlapping the one before (the kRight kind when W is odd, where the
// last output's kx = 2 tap is the padding column); narrower ones a padded copy of their columns.
template <int RB>
__attribute__((noinline)) void dw3x3s2_rows(const Dw3Plane& P, const float* wp, const float* bias, int64_t y,
                                            float* out, int64_t width) {
    // Splatted here, into locals: handed in by reference they stayed in memory, and the tiles
    // reloaded them (the output stores might alias them): 1.14x the time at 32x128x128.
    v128_t w[9];
    splat9(wp, w);
    const v128_t b = wasm_v128_load32_splat(bias);
    const float* r[2 * RB + 1];
    const int64_t j0 = 2 * y;
    if (P.W < 8) {  // width <= 4
        alignas(16) float seg[2 * RB + 1][16];
        for (int i = 0; i < 2 * RB + 1; ++i) {
            P.narrow(j0 + i, seg[i], 16);
            r[i] = seg[i] + 1;
        }
        alignas(16) float tmp[RB][4];
        dw3x3s2_vec<RB>(r, w, b, 0, tmp[0], 4);
        for (int o = 0; o < RB; ++o)
            for (int64_t j = 0; j < width; ++j) out[o * width + j] = tmp[o][j];
        return;
    }
    const float* el[2 * RB + 1];
    const float* er[2 * RB + 1];
    for (int i = 0; i < 2 * RB + 1; ++i) {
        r[i] = P.row(j0 + i);
        el[i] = P.left(j0 + i);
        er[i] = P.right(j0 + i);
    }
    dw3x3s2_vec<RB, kLeft>(r, w, b, 0, out, width, el, er);
    if (width == 4) return;
    for (int64_t x = 4; x + 4 < width; x += 4) dw3x3s2_vec<RB>(r, w, b, x, out, width);
    if (P.W % 2) dw3x3s2_vec<RB, kRight>(r, w, b, width - 4, out, width, el, er);
    else dw3x3s2_vec<RB>(r, w, b, width - 4, out, width);
}

// One channel, 3x3 stride 2, read in place: 2 output rows per call, then the odd one.
void dw3x3s2_inplace(const Dw3Plane& P, const float* wp, const float* bias, float* oplane, int64_t OH, int64_t OW) {
    int64_t y = 0;
    for (; y + 2 <= OH; y += 2) dw3x3s2_rows<2>(P, wp, bias, y, oplane + y * OW, OW);
    if (y < OH) dw3x3s2_rows<1>(P, wp, bias, y, oplane + y * OW, OW);
}

class DepthwiseSimd final : public LayerKernel {
public:
    DepthwiseSimd(const Geom& g, const float* w, const float* b) : g_(g) {
        // One channel at a time: its padded copy is still in cache when the tiles read it.
        pad_.plan(1, g.H, g.W, g.pt, g.pb, g.pl, g.pr, g.sw, g.mode, 0.0f);
        for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) taps_.push_back(int32_t(pad_.offset(ky * g.dh, kx * g.dw)));
        w_.assign(w, w + g.C_out * g.kh * g.kw);  // [C_out, 1, kh, kw] is already [oc][tap]
        k3s1_ = g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1;
        // One padding column on each side (PyTorch's padding=1 / "same"), any padding mode: no
        // padded copy at all; a padding row (any number) reads the input row its mode repeats, or a
        // row of zeros, and the padding columns are shuffled in by the edge tiles.
        direct_ = k3s1_ && g.pl == 1 && g.pr == 1;
        // The same for stride 2 (MobileNet's downsampling depthwise layers).
        direct2_ = g.kh == 3 && g.kw == 3 && g.sh == 2 && g.sw == 2 && g.dh == 1 && g.dw == 1 && g.pl == 1 && g.pr == 1;
        if (direct_ || direct2_) zero_row_.assign(size_t(g.W), 0.0f);
        if (b) bias_.assign(b, b + g.C_out);
    }
    const char* name() const override {
        return direct_    ? "f32_dwconv2d_3x3s1p1_direct" CP_SIMD_SUFFIX
               : direct2_ ? "f32_dwconv2d_3x3s2p1_direct" CP_SIMD_SUFFIX
               : k3s1_ ? "f32_dwconv2d_3x3s1_rows" CP_SIMD_SUFFIX
                       : "f32_dwconv2d_4x8" CP_SIMD_SUFFIX;
    }
    size_t scratch_floats() const override { return direct_ || direct2_ ? 0 : size_t(pad_.floats()); }
    size_t packed_bytes() const override { return (w_.size() + bias_.size() + zero_row_.size()) * 4; }

    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    // Parts: output channels of every image.
    int64_t parts() const override { return g_.N * g_.C_out; }
    void run_parts(const float* in, float* out, float* scratch, int64_t first, int64_t last) const override {
        const Geom& g = g_;
        const int64_t mult = g.C_out / g.C_in, kv = g.kh * g.kw;
        for (int64_t part = first; part < last; ++part) {
            const int64_t n = part / g.C_out, oc = part % g.C_out;
            const float* chan = in + (n * g.C_in + oc / mult) * g.H * g.W;
            const float* w = w_.data() + oc * kv;
            const float bias = bias_.empty() ? 0.0f : bias_[size_t(oc)];
            float* oplane = out + (n * g.C_out + oc) * g.OH * g.OW;
            const float* bias_p = bias_.empty() ? zero_row_.data() : &bias_[size_t(oc)];
            if (direct_) {
                dw3x3_inplace(plane(chan), w, bias_p, oplane, g.OH);
                continue;
            }
            if (direct2_) {
                dw3x3s2_inplace(plane(chan), w, bias_p, oplane, g.OH, g.OW);
                continue;
            }
            if (oc % mult == 0 || part == first) pad_.fill(chan, scratch);
            if (k3s1_) {
                run_rows3(scratch, w, bias, oplane);
                continue;
            }
            DwArgs a;
            a.row_step = g.sh * pad_.pcols;
            a.taps = taps_.data();
            a.ntaps = int(kv);
            a.w = w;
            a.bias = bias;
            a.out_row = g.OW;
            int64_t y = 0;
            for (; y + 4 <= g.OH; y += 4) {
                a.in = scratch + y * a.row_step, a.out = oplane + y * g.OW;
                dw_rows<4>(a, g.OW);
            }
            for (; y < g.OH; ++y) {
                a.in = scratch + y * a.row_step, a.out = oplane + y * g.OW;
                dw_rows<1>(a, g.OW);
            }
        }
    }

private:
    static constexpr int kRows3 = 2;  // output rows per 3x3 stride-1 tile

    // 3x3 stride 1 from the padded copy of one channel.
    void run_rows3(const float* plane, const float* w, float bias, float* oplane) const {
        const Geom& g = g_;
        const float* rows[kRows3 + 2];
        int64_t y = 0;
        for (; y < g.OH; y += kRows3) {
            const int64_t nr = std::min<int64_t>(kRows3, g.OH - y);
            for (int64_t i = 0; i < nr + 2; ++i) rows[i] = plane + (y + i) * pad_.pcols;
            if (nr == kRows3) dw3x3_rows_padded<kRows3>(rows, w, bias, oplane + y * g.OW, g.OW, g.OW);
            else dw3x3_rows_padded<1>(rows, w, bias, oplane + y * g.OW, g.OW, g.OW);
        }
    }

    // The channel as the 3x3 kernels read it in place (direct_, direct2_).
    Dw3Plane plane(const float* chan) const {
        return {chan, pad_.row_src.data(), zero_row_.data(), g_.W, pad_.col_src[0], pad_.col_src[size_t(g_.W + 1)]};
    }

    Geom g_;
    bool k3s1_ = false, direct_ = false, direct2_ = false;
    std::vector<float> zero_row_;  // what zeros-mode padding rows and columns read (direct_, direct2_)
    PaddedInput pad_;
    std::vector<int32_t> taps_;
    std::vector<float> w_, bias_;
};

}  // namespace

std::unique_ptr<LayerKernel> make_depthwise_simd(const Geom& g, const float* w, const float* b) {
    return std::make_unique<DepthwiseSimd>(g, w, b);
}

}  // namespace cp
