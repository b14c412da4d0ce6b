// SIMD128 depthwise convolution (groups == C_in, any channel multiplier): each output channel
// filters one input channel, so there is nothing to share across channels; instead a tile
// computes RB output rows x 8 pixels at once from the PaddedInput. A tap costs a vector load per
// multiply there; the 3x3 stride-1 kernels (MobileNet's) get tiles of their own whose loads of an
// input row are shared by the output rows that read it. With one zero column on each side (the
// usual padding=1) the 3x3 kernel reads the input in place: a depthwise layer moves little
// arithmetic per byte, and the padded copy took 30 % of its time (Node CPU profile).
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

// 3x3, stride 1, dilation 1: RB output rows x 4*XV pixels. rows[i] + x is padded column x of
// padded row (first output row + i), in the padded copy or in the input itself. Per input row and
// kx, XV vectors are loaded at the shifted column (loads, not shuffles: on x86 shuffles share the
// ports of the multiplies and adds) and feed each output row that reads that row. Per pixel the
// sum runs bias, then taps in (ky, kx) order as in dw_tile, so every tile kind gives the same bits.
// EDGE (in place, one zero column each side): kLeft, the tile at output column 0, whose padded
// column 0 is the zero before the row; kRight, a 4-pixel tile ending at the row's end, whose last
// padded column is the zero after it. Those vectors are shuffled from an in-row load and a zero,
// so no read leaves the row.
enum Edge { kNone, kLeft, kRight };

template <int RB, int XV, Edge EDGE = kNone>
inline void dw3x3_tile(const float* const* rows, int64_t x, const float* w, v128_t bias, float* out, int64_t out_row,
                       int n_valid) {
    const v128_t zero = wasm_f32x4_splat(0.0f);
    v128_t acc[RB][XV];
    for (int r = 0; r < RB; ++r)
        for (int v = 0; v < XV; ++v) acc[r][v] = bias;
    // Fully unrolled, so that every acc[r][v] index is a constant: left as a loop, clang kept the
    // accumulators in memory (on the wasm stack), which made this tile several times slower.
    CP_UNROLL
    for (int i = 0; i < RB + 2; ++i) {
        const float* p = rows[i] + x;
        CP_UNROLL
        for (int kx = 0; kx < 3; ++kx) {
            v128_t xv[XV];
            for (int v = 0; v < XV; ++v) {
                if (EDGE == kLeft && v == 0 && kx == 0)  // padded columns 0..3: zero, input 0..2
                    xv[v] = wasm_i32x4_shuffle(zero, wasm_v128_load(p + 1), 3, 4, 5, 6);
                else if (EDGE == kRight && v == XV - 1 && kx == 2)  // the row's last 3 columns, zero
                    xv[v] = wasm_i32x4_shuffle(wasm_v128_load(p + 1 + 4 * v), zero, 1, 2, 3, 4);
                else
                    xv[v] = wasm_v128_load(p + kx + 4 * v);
            }
            CP_UNROLL
            for (int r = i < 2 ? 0 : i - 2; r <= (i < RB ? i : RB - 1); ++r) {
                const v128_t wv = wasm_v128_load32_splat(w + (i - r) * 3 + kx);
                for (int v = 0; v < XV; ++v) acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(xv[v], wv));
            }
        }
    }
    if (n_valid == 4 * XV) {
        for (int r = 0; r < RB; ++r)
            for (int v = 0; v < XV; ++v) wasm_v128_store(out + r * out_row + 4 * v, acc[r][v]);
        return;
    }
    for (int r = 0; r < RB; ++r)
        for (int v = 0; v < XV; ++v) {
            const int n = n_valid - 4 * v;
            if (n <= 0) break;
            if (n >= 4) wasm_v128_store(out + r * out_row + 4 * v, acc[r][v]);
            else simd::store_lanes(out + r * out_row + 4 * v, acc[r][v], n);
        }
}

// Vectors per 3x3 tile: 2 (2 x 2 accumulators). 4 (16 pixels) measured 1.1-1.2x the time and 3
// 1.2x (bench/ab.mjs, depthwise 32 at 128x128): fewer live vectors suit V8's register allocation.
constexpr int kXv3 = 2;

// RB output rows of a padded copy (every tile may read past the row: the copy has a margin).
template <int RB>
__attribute__((noinline)) void dw3x3_rows_padded(const float* const* rows, const float* w, float bias, float* out,
                                                 int64_t out_row, int64_t width) {
    const v128_t b = wasm_f32x4_splat(bias);
    int64_t x = 0;
    for (; x + 4 * kXv3 <= width; x += 4 * kXv3) dw3x3_tile<RB, kXv3>(rows, x, w, b, out + x, out_row, 4 * kXv3);
    for (; x < width; x += 4)
        dw3x3_tile<RB, 1>(rows, x, w, b, out + x, out_row, int(std::min<int64_t>(4, width - x)));
}

// RB output rows read in place: zeros padding of one column on each side (output width = input
// width); rows[i] is an input row or a row of zeros. In place, padded column x is input column
// x - 1, so a tile at output column x reads input columns x - 1 .. x + 4*XV. The first tile and
// (width a multiple of 4) the last shuffle in their zero column; narrower rows and the tail of
// the others go through a small zero-padded copy of just those columns.
template <int RB>
__attribute__((noinline)) void dw3x3_rows_inplace(const float* const* rows, const float* w, float bias, float* out,
                                                  int64_t out_row, int64_t width) {
    const v128_t b = wasm_f32x4_splat(bias);
    const auto edge_tile = [&](int64_t x) {  // output columns x .. x+3 (fewer at the end)
        alignas(16) float seg[RB + 2][8];
        const float* seg_rows[RB + 2];
        for (int i = 0; i < RB + 2; ++i) {
            for (int64_t j = 0; j < 8; ++j) {
                const int64_t c = x - 1 + j;  // input column of padded column x + j
                seg[i][j] = c >= 0 && c < width ? rows[i][c] : 0.0f;
            }
            seg_rows[i] = seg[i];
        }
        dw3x3_tile<RB, 1>(seg_rows, 0, w, b, out + x, out_row, int(std::min<int64_t>(4, width - x)));
    };
    if (width < 8) {
        for (int64_t x = 0; x < width; x += 4) edge_tile(x);
        return;
    }
    dw3x3_tile<RB, 1, kLeft>(rows, -1, w, b, out, out_row, 4);
    int64_t x = 4;
    for (; x + 4 * kXv3 < width; x += 4 * kXv3) dw3x3_tile<RB, kXv3>(rows, x - 1, w, b, out + x, out_row, 4 * kXv3);
    for (; x + 4 < width; x += 4) dw3x3_tile<RB, 1>(rows, x - 1, w, b, out + x, out_row, 4);
    if (x + 4 == width) dw3x3_tile<RB, 1, kRight>(rows, x - 1, w, b, out + x, out_row, 4);
    else edge_tile(x);
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
        // One zero column on each side (PyTorch's padding=1 / "same"), zeros mode: no padded copy
        // at all; padding rows (any number) read a row of zeros.
        direct_ = k3s1_ && g.mode == PadMode::Zeros && g.pl == 1 && g.pr == 1;
        if (direct_) zero_row_.assign(size_t(g.W), 0.0f);
        if (b) bias_.assign(b, b + g.C_out);
    }
    const char* name() const override {
        return direct_ ? "f32_dwconv2d_3x3s1p1_direct" CP_SIMD_SUFFIX
               : k3s1_ ? "f32_dwconv2d_3x3s1_rows" CP_SIMD_SUFFIX
                       : "f32_dwconv2d_4x8" CP_SIMD_SUFFIX;
    }
    size_t scratch_floats() const override { return direct_ ? 0 : size_t(pad_.floats()); }
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
            if (direct_) {
                run_direct(chan, w, bias, oplane);
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

    // 3x3 stride 1, one zero column each side, read in place.
    void run_direct(const float* chan, const float* w, float bias, float* oplane) const {
        const Geom& g = g_;
        const float* rows[kRows3 + 2];
        for (int64_t y = 0; y < g.OH; y += kRows3) {
            const int64_t nr = std::min<int64_t>(kRows3, g.OH - y);
            for (int64_t i = 0; i < nr + 2; ++i) {
                const int64_t src = y + i - g.pt;  // padded row y + i
                rows[i] = src >= 0 && src < g.H ? chan + src * g.W : zero_row_.data();
            }
            if (nr == kRows3) dw3x3_rows_inplace<kRows3>(rows, w, bias, oplane + y * g.OW, g.OW, g.OW);
            else dw3x3_rows_inplace<1>(rows, w, bias, oplane + y * g.OW, g.OW, g.OW);
        }
    }

    Geom g_;
    bool k3s1_ = false, direct_ = false;
    std::vector<float> zero_row_;  // what padding rows read (direct_)
    PaddedInput pad_;
    std::vector<int32_t> taps_;
    std::vector<float> w_, bias_;
};

}  // namespace

std::unique_ptr<LayerKernel> make_depthwise_simd(const Geom& g, const float* w, const float* b) {
    return std::make_unique<DepthwiseSimd>(g, w, b);
}

}  // namespace cp
