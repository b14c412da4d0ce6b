// Transposed convolution by Winograd minimal filtering on the sub-pixel phases (NCHW, float32).
//
// As in ConvTSimd (conv_simd.cpp), output pixel (qy*sh + ry, qx*sw + rx) only meets the taps with
// k = r + p (mod s), reading input q + c, c = (r + p - k)/s. With dilation 1 the taps of one phase
// along one axis read consecutive inputs, so each phase is a stride-1 correlation with t taps.
// When every phase has t = 1 or 2 taps per axis (s <= k <= 2s; the registry uses it where it pays,
// convt_winograd_pays() at the end), each axis uses (x0 = x[q + c_min], g0 the tap reading it,
// g1 the one reading x[q + c_min + 1]; y_i = g0 x_i + g1 x_(i+1)):
//   t == 2, along y: F(3,2): V = (x0 - x2, x1 + x2, x2 - x1, x3 - x1),
//           U = (g0, (g0 + g1)/2, (g0 - g1)/2, g1), y = (m0 + m1 + m2, m1 - m2, m1 + m2 + m3):
//           4 multiplies for 3 rows (F(2,2)'s 3 for 2 made the GEMMs 1.125x longer; convT 32->16
//           k4 s2 on 128x128 took 0.89-0.90x F(2,2)'s time, bench/ab.mjs by the fastest calls);
//   t == 2, along x: F(2,2): V = (x0 - x1, x1, x2 - x1), U = (g0, g0 + g1, g1), y = (m0 + m1, m1 + m2)
//           (a tile of 2 columns: the even/odd column split below gives its inputs as vectors;
//           3 columns would need 3 column phases and a 6-way zip of the output);
//   t == 1: identity: along x a tile of 2 (V = (x0, x1), U = (g0, g0), y = m), along y a tile of 1.
// A 2-d phase is the product of its two axes: P = Py*Px positions (1..12) per tile of my x 2
// phase pixels (my = 3 rows for 2 taps, else 1). Per row of tiles (a pass) the input transform
// writes V[pos][ic][tile], then for every position a GEMM over input channels (conv_row_any with
// one tap, vectorised over tiles) writes M[pos][oc][tile], and the output transform (plus bias)
// writes the phase rows into a row buffer.
// For stride 2, column phase 1's output transform zips both phases straight into the output rows;
// only the rows' tails (and larger strides) go through interleave_phases() (phase_rows.hpp). The input copy is
// split into even/odd columns (PaddedInput with 2 column phases) so that x[2j + e] over tiles j is
// a contiguous vector.
//
// Infinite, NaN or huge inputs (winograd_gemm.hpp): a pass whose padded input rows hold a value
// above the kernel's limit computes its output rows by direct sums instead (direct_rows: the
// sub-pixel kernel's tiles, conv_tile.hpp, on the same padded rows, with the weights packed per
// phase in place of the weights as given), so they are the sums PyTorch makes: no transform adds
// or subtracts inputs before they are multiplied.
#include <algorithm>
#include <vector>

#include "core/limits.hpp"
#include "kernels/conv_tile.hpp"
#include "kernels/padded_input.hpp"
#include "kernels/phase_rows.hpp"
#include "kernels/simd_kernels.hpp"
#include "kernels/winograd_gemm.hpp"

namespace cp {

namespace {

// One output phase along one axis: t taps (0..2); c0 the smaller input offset; k[0] reads
// x[q + c0], k[1] reads x[q + c0 + 1].
struct AxisPhase {
    int t = 0;
    int64_t c0 = 0;
    int64_t k[2] = {0, 0};
};

// False when the phase does not fit the scheme (more than 2 taps, or offsets not consecutive).
bool axis_phase(int64_t r, int64_t K, int64_t s, int64_t d, int64_t p, AxisPhase& out) {
    std::vector<PhaseTap> taps = phase_taps(r, K, s, d, p);
    // 1 or 2 taps: a phase no tap reaches (k < s) would be bias alone, which the registry never
    // gives this kernel (convt_winograd_pays) and it does not handle.
    if (taps.empty() || taps.size() > 2) return false;
    std::sort(taps.begin(), taps.end(), [](const PhaseTap& a, const PhaseTap& b) { return a.c < b.c; });
    out.t = int(taps.size());
    out.c0 = taps[0].c, out.k[0] = taps[0].k;
    if (out.t == 2) {
        if (taps[1].c != out.c0 + 1) return false;
        out.k[1] = taps[1].k;
    }
    return true;
}

// Weight transform coefficient of tap i at position pos for an axis with t taps (t == 1: every
// position is g0). The halves along y are exact, so U rounds as (g0 +- g1) / 2 would.
inline float coef_y(int t, int pos, int i) {
    static constexpr float f32[4][2] = {{1, 0}, {0.5f, 0.5f}, {0.5f, -0.5f}, {0, 1}};  // F(3,2)
    return t == 2 ? f32[pos][i] : 1.0f;
}
inline float coef_x(int t, int pos, int i) {
    if (t == 2) return pos == 1 ? 1.0f : (pos == 0) == (i == 0) ? 1.0f : 0.0f;  // F(2,2)
    return 1.0f;
}

// Positions per axis (= inputs per tile along that axis), and phase rows per tile (= per pass):
// from core/limits, which sizes V, M and the row buffer with them (winograd_convt_buffers).
using convt_winograd::npos_x;
using convt_winograd::npos_y;
using convt_winograd::rows_y;
constexpr int kMaxRows = rows_y(2);  // tile rows an output transform writes, at most
static_assert(kMaxRows <= kWinogradOutRows, "WinogradOutArgs holds a tile's rows");

struct InArgs {
    const float* src;   // padded input, channel 0, at the tile row's first input row
    int64_t chan_plane, row_stride;
    int64_t xoff[3];    // offset of input e of tile 0 along x (tile j adds j)
    int64_t cin;        // channels to transform
    int64_t nvec;       // vectors of 4 tiles
    float* v;           // V[pos][ic][TXs]
    int64_t pos_plane;  // cin * TXs
    int64_t txs;
};

// The x transform of one y position's NX inputs (d: that position's first plane), stored.
template <int TX>
__attribute__((always_inline)) inline void store_x(float* d, int64_t plane, const v128_t (&x)[3]) {
    if constexpr (TX == 2) {
        wasm_v128_store(d, wasm_f32x4_sub(x[0], x[1]));
        wasm_v128_store(d + plane, x[1]);
        wasm_v128_store(d + 2 * plane, wasm_f32x4_sub(x[2], x[1]));
    } else {
        wasm_v128_store(d, x[0]);
        wasm_v128_store(d + plane, x[1]);
    }
}

template <int TY, int TX>
__attribute__((noinline)) void input_transform(const InArgs& a) {
    constexpr int NX = npos_x(TX);
    const int64_t pp = a.pos_plane, rs = a.row_stride;
    for (int64_t ic = 0; ic < a.cin; ++ic) {
        const float* s = a.src + ic * a.chan_plane;
        float* v = a.v + ic * a.txs;
        for (int64_t j = 0; j < 4 * a.nvec; j += 4) {
            const auto load = [&](int ey, v128_t (&x)[3]) {
                for (int ex = 0; ex < NX; ++ex) x[ex] = wasm_v128_load(s + ey * rs + a.xoff[ex] + j);
            };
            v128_t x0[3], x1[3], t[3];
            load(0, x0);
            if constexpr (TY == 2) {
                // y first (rows 1 and 2 are read by three positions, rows 0 and 3 by one): 12 live vectors
                v128_t x2[3];
                load(2, x2), load(1, x1);
                for (int ex = 0; ex < NX; ++ex) t[ex] = wasm_f32x4_sub(x0[ex], x2[ex]);
                store_x<TX>(v + 0 * NX * pp + j, pp, t);
                for (int ex = 0; ex < NX; ++ex) t[ex] = wasm_f32x4_add(x1[ex], x2[ex]);
                store_x<TX>(v + 1 * NX * pp + j, pp, t);
                for (int ex = 0; ex < NX; ++ex) t[ex] = wasm_f32x4_sub(x2[ex], x1[ex]);
                store_x<TX>(v + 2 * NX * pp + j, pp, t);
                load(3, x0);
                for (int ex = 0; ex < NX; ++ex) t[ex] = wasm_f32x4_sub(x0[ex], x1[ex]);
                store_x<TX>(v + 3 * NX * pp + j, pp, t);
            } else {
                store_x<TX>(v + j, pp, x0);
            }
        }
    }
}

// FUSE (stride 2, column phase 1): the vectors j < full_vecs of a row with orow[a] set go
// straight to the output, interleaved with column phase 0's row prev[a] (rowbuf).
struct OutArgs : WinogradOutArgs {
    const float* prev[kMaxRows] = {};
};

template <int TY, int TX, bool FUSE>
__attribute__((noinline)) void output_transform(const OutArgs& a) {
    constexpr int NX = npos_x(TX), MY = rows_y(TY);
    for (int64_t oc = 0; oc < a.cout; ++oc) {
        const v128_t b = wasm_f32x4_splat(a.bias ? a.bias[oc] : 0.0f);
        const float* m = a.m + oc * a.txs;
        for (int64_t j = 0; j < 4 * a.nvec; j += 4) {
            v128_t r[MY][NX];
            for (int px = 0; px < NX; ++px) {
                if constexpr (TY == 2) {
                    const v128_t m0 = wasm_v128_load(m + (0 * NX + px) * a.pos_plane + j);
                    const v128_t m1 = wasm_v128_load(m + (1 * NX + px) * a.pos_plane + j);
                    const v128_t m2 = wasm_v128_load(m + (2 * NX + px) * a.pos_plane + j);
                    const v128_t m3 = wasm_v128_load(m + (3 * NX + px) * a.pos_plane + j);
                    const v128_t s = wasm_f32x4_add(m1, m2);
                    r[0][px] = wasm_f32x4_add(m0, s);
                    r[1][px] = wasm_f32x4_sub(m1, m2);
                    r[2][px] = wasm_f32x4_add(s, m3);
                } else {
                    r[0][px] = wasm_v128_load(m + px * a.pos_plane + j);
                }
            }
            for (int ay = 0; ay < MY; ++ay) {
                v128_t y0, y1;
                if constexpr (TX == 2) {
                    y0 = wasm_f32x4_add(r[ay][0], r[ay][1]);
                    y1 = wasm_f32x4_add(r[ay][1], r[ay][2]);
                } else {
                    y0 = r[ay][0], y1 = r[ay][1];
                }
                y0 = wasm_f32x4_add(y0, b), y1 = wasm_f32x4_add(y1, b);
                const v128_t lo = wasm_i32x4_shuffle(y0, y1, 0, 4, 1, 5), hi = wasm_i32x4_shuffle(y0, y1, 2, 6, 3, 7);
                if constexpr (FUSE) {
                    if (a.orow[ay] && j < 4 * a.full_vecs) {
                        const float* p = a.prev[ay] + oc * a.row_plane + 2 * j;
                        const v128_t plo = wasm_v128_load(p), phi = wasm_v128_load(p + 4);
                        float* o = a.orow[ay] + oc * a.out_plane + 4 * j;
                        wasm_v128_store(o, wasm_i32x4_shuffle(plo, lo, 0, 4, 1, 5));
                        wasm_v128_store(o + 4, wasm_i32x4_shuffle(plo, lo, 2, 6, 3, 7));
                        wasm_v128_store(o + 8, wasm_i32x4_shuffle(phi, hi, 0, 4, 1, 5));
                        wasm_v128_store(o + 12, wasm_i32x4_shuffle(phi, hi, 2, 6, 3, 7));
                        continue;
                    }
                }
                float* dst = a.rows[ay] + oc * a.row_plane + 2 * j;
                wasm_v128_store(dst, lo);
                wasm_v128_store(dst + 4, hi);
            }
        }
    }
}

using InFn = void (*)(const InArgs&);
using OutFn = void (*)(const OutArgs&);
constexpr InFn kIn[4] = {input_transform<1, 1>, input_transform<1, 2>, input_transform<2, 1>, input_transform<2, 2>};
constexpr OutFn kOut[8] = {output_transform<1, 1, false>, output_transform<1, 2, false>,
                           output_transform<2, 1, false>, output_transform<2, 2, false>,
                           output_transform<1, 1, true>,  output_transform<1, 2, true>,
                           output_transform<2, 1, true>,  output_transform<2, 2, true>};

// Growth of the transforms per axis (rows' absolute sums; t == 1 is 1 everywhere): along y, F(3,2):
// V 2, U 1, y 3 (m0 + m1 + m2); along x, F(2,2): V = (x0 - x1, x1, x2 - x1) 2, U = (g0, g0 + g1, g1)
// 2, y = (m0 + m1, m1 + m2) 2. Input 2 * 2, weights 1 * 2, total (2 * 1 * 3) * (2 * 2 * 2).
constexpr WinogradGrowth kGrowth{4, 2, 48};

class ConvTWinograd final : public LayerKernel {
public:
    // Fills the phases; false when the layer does not fit the scheme, or its weights do not
    // (winograd_input_limit).
    bool init(const Geom& g, const float* w, const float* b) {
        g_ = g;
        if (g.dh != 1 || g.dw != 1 || g.mode != PadMode::Zeros) return false;
        const int64_t nw = g.C_in * g.cout_g() * g.kh * g.kw;
        const double limit = winograd_input_limit(kGrowth, g.cin_g(), w, nw, b, g.C_out);
        if (limit < 0) return false;
        limit_ = float(limit);
        ay_.resize(size_t(g.sh)), ax_.resize(size_t(g.sw));
        int64_t max_cy = 0, max_cx = 0;
        int max_ty = 0, max_tx = 0;
        my_ = mx_ = 0;
        for (int64_t r = 0; r < g.sh; ++r) {
            if (!axis_phase(r, g.kh, g.sh, g.dh, g.pt, ay_[size_t(r)])) return false;
            my_ = std::max(my_, -ay_[size_t(r)].c0), max_cy = std::max(max_cy, ay_[size_t(r)].c0);
            max_ty = std::max(max_ty, ay_[size_t(r)].t);
        }
        for (int64_t r = 0; r < g.sw; ++r) {
            if (!axis_phase(r, g.kw, g.sw, g.dw, g.pl, ax_[size_t(r)])) return false;
            mx_ = std::max(mx_, -ax_[size_t(r)].c0), max_cx = std::max(max_cx, ax_[size_t(r)].c0);
            max_tx = std::max(max_tx, ax_[size_t(r)].t);
        }
        qh_ = (g.OH + g.sh - 1) / g.sh, qw_ = (g.OW + g.sw - 1) / g.sw;
        // V and M for the phase with the most positions, the row buffer for the most rows per
        // tile (core/limits: layer_scratch_bytes counts the same buffers).
        const WinogradConvTBuffers wb = winograd_convt_buffers(g.C_in, g.C_out, g.OW, g.sw, max_ty, max_tx);
        nvec_ = wb.nvec, txs_ = wb.txs, rbp_ = wb.rbp;
        v_floats_ = wb.v_floats, vm_floats_ = wb.v_floats + wb.m_floats, row_floats_ = wb.row_floats;
        // The padded copy: every row and column the tiles read (layer_scratch_bytes counts the same).
        const WinogradConvTCopy need = winograd_convt_copy(g.C_in, g.H, g.W, qh_, nvec_, my_, max_cy, mx_, max_cx);
        pad_.plan(g.C_in, g.H, g.W, my_, need.rows - g.H - my_, mx_, need.cols - g.W - mx_, 2, PadMode::Zeros, 0.0f);

        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g(), kv = g.kh * g.kw;
        phase_off_.assign(size_t(g.sh * g.sw), 0);
        for (int64_t ry = 0; ry < g.sh; ++ry)
            for (int64_t rx = 0; rx < g.sw; ++rx) {
                const AxisPhase &py = ay_[size_t(ry)], &px = ax_[size_t(rx)];
                phase_off_[size_t(ry * g.sw + rx)] = int64_t(packed_.size());
                const int NX = npos_x(int(px.t));
                pack_winograd_weights(packed_, npos_y(py.t) * NX, g.groups, cin_g, cout_g,
                                      [&](int pos, int64_t grp, int64_t o, int64_t ic) {
                                          const int iy = pos / NX, ix = pos % NX;
                                          // weight[ic][oc_local][ky][kx] of group grp
                                          const float* src = w + ((grp * cin_g + ic) * cout_g + o) * kv;
                                          float u = 0.0f;
                                          for (int i = 0; i < py.t; ++i)
                                              for (int j = 0; j < px.t; ++j)
                                                  u += coef_y(py.t, iy, i) * coef_x(px.t, ix, j) *
                                                       src[py.k[i] * g.kw + px.k[j]];
                                          return u;
                                      });
            }
        for (int64_t ry = 0; ry < g.sh; ++ry) {
            const int64_t R = (g.OH - ry + g.sh - 1) / g.sh, MY = rows_y(ay_[size_t(ry)].t);
            for (int64_t q0 = 0; q0 < R; q0 += MY) rows_.emplace_back(ry, q0);
        }
        // Run order: by phase row, the row phases of one q together: they read nearly the same
        // input rows, which are then still in cache for the second (the whole padded copy is not).
        std::stable_sort(rows_.begin(), rows_.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        // Pass (ry, q0) reads padded rows [q0 + fill_lo_, q0 + fill_hi_) at most; the copy is
        // made for bands of passes whose rows fit in cache.
        fill_lo_ = INT64_MAX, fill_hi_ = INT64_MIN;
        for (const AxisPhase& py : ay_) {
            const int64_t lo = py.c0 + my_, hi = lo + npos_y(py.t);  // the rows its tiles read
            fill_lo_ = std::min(fill_lo_, lo), fill_hi_ = std::max(fill_hi_, hi);
        }
        band_q_ = std::max<int64_t>(1, band_rows_in_cache(g.C_in * pad_.phases * pad_.pcols) - (fill_hi_ - fill_lo_));
        // The fallback's weights, per phase (ry, rx): [group][block of kTileOcb][tap][ic][oc in
        // block], taps in the order direct_rows lists them. Every weight is in exactly one phase.
        direct_off_.assign(size_t(g.sh * g.sw), 0);
        for (int64_t ry = 0; ry < g.sh; ++ry)
            for (int64_t rx = 0; rx < g.sw; ++rx) {
                const AxisPhase &py = ay_[size_t(ry)], &px = ax_[size_t(rx)];
                direct_off_[size_t(ry * g.sw + rx)] = int64_t(direct_w_.size());
                for (int64_t grp = 0; grp < g.groups; ++grp)
                    pack_group(direct_w_, cout_g, cin_g, py.t * px.t, [&](int64_t o, int64_t ic, int t) {
                        return w[((grp * cin_g + ic) * cout_g + o) * kv + py.k[t / px.t] * g.kw + px.k[t % px.t]];
                    });
            }
        if (b) bias_.assign(b, b + g.C_out);
        return true;
    }
    const char* name() const override { return "f32_deconv2d_winograd3x2_4x8" CP_SIMD_SUFFIX; }
    // [padded copy, V, M, row buffer][flags: kFlagFloats a padded row]
    size_t scratch_floats() const override { return size_t(flags_at() + kFlagFloats * pad_.rows); }
    size_t packed_bytes() const override { return (packed_.size() + bias_.size() + direct_w_.size()) * 4; }

    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    // Parts: the groups of phase rows one pass makes (rows_: (ry, first q), 1 to 3 rows each)
    // of every image. Each run of parts fills the padded rows it reads and no more, a band that
    // fits in cache at a time: the threads take small chunks of parts (thread_pool.hpp), and a
    // whole padded image per chunk cost 1.3-1.6x the layer's time on 2 threads.
    int64_t parts() const override { return g_.N * int64_t(rows_.size()); }
    void run_parts(const float* in, float* out, float* scratch, int64_t first, int64_t last) const override {
        const int64_t G = int64_t(rows_.size());
        for (int64_t part = first; part < last;) {
            const int64_t n = part / G, q_first = rows_[size_t(part % G)].second;
            int64_t end = part + 1;
            while (end < last && end / G == n && rows_[size_t(end % G)].second - q_first < band_q_) ++end;
            const int64_t r0 = q_first + fill_lo_;
            const int64_t r1 = std::min(pad_.rows, rows_[size_t((end - 1) % G)].second + fill_hi_);
            float* flags = scratch + flags_at();
            if (r1 > r0) {
                pad_.fill_rows(in + n * g_.C_in * g_.H * g_.W, scratch + r0 * pad_.pcols, r0, r1 - r0, pad_.rows);
                flag_rows(scratch + r0 * pad_.pcols, g_.C_in * pad_.phases, pad_.phase_plane, r1 - r0, pad_.pcols, limit_,
                          flags);
            }
            for (; part < end; ++part) {
                const auto [ry, q0] = rows_[size_t(part % G)];
                // pass (ry, q0) reads padded rows within [q0 + fill_lo_, q0 + fill_hi_)
                bool ok = true;
                for (int64_t r = std::max(r0, q0 + fill_lo_); r < std::min(r1, q0 + fill_hi_); ++r) ok = ok && flags[r - r0] == 0;
                if (ok) run_rows(out, scratch, n, ry, q0);
                else direct_rows(out, scratch, n, ry, q0);
            }
        }
    }

private:
    // Phase rows q0 .. q0 + 2 (only q0 when the phase has one tap along y) of row phase ry, image n, from
    // the padded copy at the start of scratch.
    void run_rows(float* out, float* scratch, int64_t n, int64_t ry, int64_t q0) const {
        const Geom& g = g_;
        float* V = scratch + pad_.floats();
        float* M = V + v_floats_;
        float* rowbuf = V + vm_floats_;  // [a][rx][oc][rbp]
        const float* bias = bias_.empty() ? nullptr : bias_.data();
        const AxisPhase& py = ay_[size_t(ry)];
        const int64_t R = (g.OH - ry + g.sh - 1) / g.sh;  // phase rows
        const int64_t nrows = std::min<int64_t>(rows_y(py.t), R - q0);
        // Stride 2 with taps in both column phases: phase 1's output transform
        // writes the interleaved output rows itself (all but the row's tail).
        const bool fuse = g.sw == 2 && g.OW >= 2;
        const int64_t full_vecs = fuse ? g.OW / 16 : 0;
        for (int64_t rx = 0; rx < g.sw; ++rx) {
            const AxisPhase& px = ax_[size_t(rx)];
            const int64_t cols = (g.OW - rx + g.sw - 1) / g.sw;
            if (cols <= 0) continue;
            const int sel = (py.t - 1) * 2 + (px.t - 1);
            const int P = npos_y(py.t) * npos_x(px.t);  // V and M hold at least P planes
            const int64_t tiles = (cols + 1) / 2, nvec = (tiles + 3) / 4;
            InArgs ia;
            ia.src = scratch + (q0 + py.c0 + my_) * pad_.pcols;
            ia.chan_plane = pad_.chan_plane;
            ia.row_stride = pad_.pcols;
            for (int e = 0; e < 3; ++e) {
                const int64_t col = px.c0 + mx_ + e;
                ia.xoff[e] = (col % 2) * pad_.phase_plane + col / 2;
            }
            ia.cin = g.C_in;
            ia.nvec = nvec;
            ia.v = V;
            ia.pos_plane = g.C_in * txs_;
            ia.txs = txs_;
            kIn[sel](ia);
            winograd_gemm(P, V, M, packed_.data() + phase_off_[size_t(ry * g.sw + rx)], g.C_in, g.C_out, g.groups, txs_,
                          tiles);
            OutArgs oa;
            oa.m = M;
            oa.pos_plane = g.C_out * txs_;
            oa.txs = txs_;
            oa.cout = g.C_out;
            oa.nvec = nvec;
            oa.bias = bias;
            oa.row_plane = rbp_;
            const bool f = fuse && rx == 1;
            for (int64_t a = 0; a < rows_y(py.t); ++a) {  // the rows it writes (the row buffer has no more)
                oa.rows[a] = rowbuf + (a * g.sw + rx) * g.C_out * rbp_;
                oa.prev[a] = rowbuf + (a * g.sw + 0) * g.C_out * rbp_;
                oa.orow[a] = f && a < nrows ? out + (n * g.C_out * g.OH + (q0 + a) * g.sh + ry) * g.OW : nullptr;
            }
            oa.out_plane = g.OH * g.OW;
            oa.full_vecs = full_vecs;
            kOut[sel + (f ? 4 : 0)](oa);
        }
        for (int64_t a = 0; a < nrows; ++a)
            interleave_phases(rowbuf + a * g.sw * g.C_out * rbp_, g.C_out * rbp_, rbp_, g.C_out, g.sw,
                              out + (n * g.C_out * g.OH + (q0 + a) * g.sh + ry) * g.OW, g.OH * g.OW, g.OW,
                              16 * full_vecs);
    }

    int64_t flags_at() const { return pad_.floats() + vm_floats_ + row_floats_; }

    // The output rows of pass (ry, q0) of image n by direct sums, from the padded rows at the start
    // of scratch: phase pixel (q, qx) of phase (ry, rx) is the bias plus, tap by tap, the sum over
    // input channels of weight * padded input (q + cy, qx + cx) (padding adds zeros: the weights are
    // finite, winograd_input_limit). The copy splits columns by parity, so the phase columns
    // qx = 2j + e read a contiguous run over j for each e; conv_row_zip2 computes e = 0 and 1 side
    // by side and zips them into the phase row, which goes into the row buffer and then into the
    // output as run_rows' rows do.
    void direct_rows(float* out, float* scratch, int64_t n, int64_t ry, int64_t q0) const {
        const Geom& g = g_;
        float* rowbuf = scratch + pad_.floats() + vm_floats_;  // as in run_rows
        const AxisPhase& py = ay_[size_t(ry)];
        const int64_t R = (g.OH - ry + g.sh - 1) / g.sh, nrows = std::min<int64_t>(rows_y(py.t), R - q0);
        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g();
        for (int64_t a = 0; a < nrows; ++a) {
            const float* row = scratch + (q0 + a + my_) * pad_.pcols;  // padded row of phase row q0 + a
            for (int64_t rx = 0; rx < g.sw; ++rx) {
                const AxisPhase& px = ax_[size_t(rx)];
                const int64_t cols = (g.OW - rx + g.sw - 1) / g.sw;
                float* dst = rowbuf + (a * g.sw + rx) * g.C_out * rbp_;
                if (cols <= 0) continue;
                int32_t taps[2][4];  // [e][tap]: at most 2 x 2 taps (axis_phase)
                const int nt = py.t * px.t;
                for (int t = 0; t < nt; ++t)
                    for (int e = 0; e < 2; ++e) {
                        const int64_t col = e + px.c0 + t % px.t + mx_;
                        taps[e][t] = int32_t((py.c0 + t / px.t) * pad_.pcols + (col % 2) * pad_.phase_plane + col / 2);
                    }
                const float* w = direct_w_.data() + direct_off_[size_t(ry * g.sw + rx)];
                for (int64_t grp = 0; grp < g.groups; ++grp)
                    for (int64_t ob = 0; ob < cout_g; ob += kTileOcb) {
                        const int64_t oc = grp * cout_g + ob;
                        TileArgs t0{
                            .in = row + grp * cin_g * pad_.chan_plane,
                            .chan_plane = pad_.chan_plane,
                            .taps = taps[0],
                            .ntaps = nt,
                            .cin = int(cin_g),
                            .w = w + (grp * cout_g + ob) * nt * cin_g,
                            .bias = bias_.empty() ? nullptr : bias_.data() + oc,
                        };
                        TileArgs t1 = t0;
                        t1.taps = taps[1];
                        conv_row_zip2_any(int(std::min<int64_t>(kTileOcb, cout_g - ob)), t0, t1, dst + oc * rbp_, rbp_, cols);
                    }
            }
        }
        for (int64_t a = 0; a < nrows; ++a)
            interleave_phases(rowbuf + a * g.sw * g.C_out * rbp_, g.C_out * rbp_, rbp_, g.C_out, g.sw,
                              out + (n * g.C_out * g.OH + (q0 + a) * g.sh + ry) * g.OW, g.OH * g.OW, g.OW);
    }

    Geom g_;
    float limit_ = 0;            // inputs up to this magnitude cannot overflow (winograd_input_limit)
    std::vector<AxisPhase> ay_, ax_;
    std::vector<std::pair<int64_t, int64_t>> rows_;  // (ry, q0) of every pass, in run order (by q0)
    int64_t my_ = 0, mx_ = 0, qh_ = 0, qw_ = 0, nvec_ = 0, txs_ = 0, rbp_ = 0;
    int64_t v_floats_ = 0, vm_floats_ = 0, row_floats_ = 0;  // winograd_convt_buffers: V, V and M, the row buffer
    int64_t fill_lo_ = 0, fill_hi_ = 0, band_q_ = 1;  // padded rows a pass reads (from its q0); phase rows per band
    PaddedInput pad_;
    std::vector<int64_t> phase_off_, direct_off_;  // per phase (ry, rx): its weights in packed_, direct_w_
    std::vector<float> packed_, bias_, direct_w_;
};

}  // namespace

// Whether this kernel beats the sub-pixel one (ConvTSimd) on the layer. Measured in Node (V8,
// wasm): the two kernels in one process alternating in both orders (bench/ab.mjs's method, builds
// differing only in this rule); Winograd / sub-pixel time of the fastest calls (medians agree
// within a few %), square inputs 32x32 .. 256x256, load average 0.6-1.5 for the boundary cases
// (3-8 for the first sweep, the cores shared with other builds):
//   k4 s2 p1 (every phase 2 x 2 taps: 6 products per 4 pixels instead of 16): cin 32-64 x cout
//     4-12 0.55-0.97; cin 8-16 x 8-12 0.60-0.98; from 64 wide also cin 16 x 4-7 0.77-0.95 and
//     cin 4 x 12-24 0.83-0.96, which on 32x32 take 1.03-1.05 and 1.10-1.15; cin 8 x 4-7 0.90-1.27;
//     cin 1-3 x 12-16 0.93-1.70; any cin x 3 1.10-2.02 (the sub-pixel kernel's 3-channel block).
//   k6 s3 (also 2 x 2 taps) 0.79-0.94 (cin 16 x 12, 32 x 16).
//   k3 s2 p1, op 0 and 1 (phases 1 x 1 .. 2 x 2 taps, 1.54x fewer products), k4x3, k5 s3:
//     cin 16 x 12 0.82-0.98, cin 32-64 x 8-11 0.79-0.96, k4x3 0.70-0.81; from 64 wide cin 8 x
//     12-32 0.86-0.98 (256x256 x 12: 1.00-1.02; 32x32 x 16: 1.09); cin 16 x 8 1.05 on 32x32,
//     cin 64 x 5-7 0.97-1.15, cin 4 x 12-32 0.94-1.18.
//   1-d (a row: y is 1 x 1): k4 s2 0.67-0.95 from 8 x 16 (64 x 12 over 16384: 1.09), k3 s2 op1
//     0.77-0.93 over 4096, 0.97-1.07 over 16384.
//   k2 s2 (1 tap a phase: nothing saved) 1.09-2.1 at cin 4-64 x cout 3-32; k2 s1 1.29-1.62.
// Its transforms cost about cin + cout channels of products per pixel, so it needs both counts,
// and short rows (each pass's GEMMs run along a row) favour the sub-pixel kernel. The rule this
// replaces (12 output channels per group and up on every layer it covers) ran k2 s2, k2 s1, small
// inputs and 1-3 input channels slower than the sub-pixel kernel, and never 4-11 outputs.
bool convt_winograd_pays(const Geom& g) {
    // Per axis: phases of 2 taps (k = 2s), or all but one (k = 2s - 1), at a stride of 2 or more
    // (measured at 2 and 3; larger strides, as the old rule did, go with them); along y also the
    // single row of a 1-d layer.
    const auto full = [](int64_t k, int64_t s) { return s >= 2 && k == 2 * s; };
    const auto near = [](int64_t k, int64_t s) { return s >= 2 && k == 2 * s - 1; };
    const bool row = g.kh == 1 && g.sh == 1 && g.H == 1;
    if (!(full(g.kh, g.sh) || near(g.kh, g.sh) || row) || !(full(g.kw, g.sw) || near(g.kw, g.sw))) return false;
    const int64_t cin = g.cin_g(), cout = g.cout_g();
    const bool wide = g.W >= 64;
    if ((full(g.kh, g.sh) || row) && full(g.kw, g.sw))
        return cout >= 4 && (cin >= 32 || (cin >= 8 && cout >= 8) || (wide && (cin >= 16 || (cin >= 4 && cout >= 12))));
    return (cin >= 16 && cout >= 12) || (cin >= 32 && cout >= 8) || (wide && cin >= 8 && cout >= 12);
}

std::unique_ptr<LayerKernel> make_convt_winograd(const Geom& g, const float* w, const float* b) {
    auto k = std::make_unique<ConvTWinograd>();
    if (!k->init(g, w, b)) return nullptr;
    return k;
}

}  // namespace cp
