// Dense 3x3 stride-1 convolution by Winograd minimal filtering F(2x2, 3x3) (NCHW, float32).
//
// The direct kernel (conv_simd.cpp) is bound by multiply-plus-add throughput (no fused
// multiply-add in SIMD128); F(2x2, 3x3) makes a 2x2 output tile from a 4x4 input tile with 16
// products per (input, output channel) pair instead of 36 (2.25x fewer), for a few adds per
// channel in the transforms:
//   input   V = B^T d B,  B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//   weights U = G g G^T,  G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]  (once, when planned)
//   output  Y = A^T M A,  A^T = [1 1 1 0; 0 1 -1 -1],  M[pos] = sum_ic U[pos] V[pos] (per position)
// Per row of tiles: the input transform writes V[pos][ic][tile], the 16 GEMMs (winograd_gemm.hpp,
// vectorised over tiles) write M[pos][oc][tile], the output transform (plus bias) writes two output
// rows. Tiles run 4 to a vector: the padded input copy (PaddedInput) splits columns into 2
// phases, so input column 2j + e of tiles j.. j+3 is one contiguous vector.
//
// Dilation d: output pixels of one residue class (oy mod d, ox mod d) form a stride-1,
// dilation-1 conv over the input sub-lattice of the same class, so each class runs the same
// F(2x2, 3x3) on it: 2d column phases (input column d*(2j + e) + rx lies in phase (d*e + rx) mod
// 2d), padded rows d*(2t + ey) + ry, and the classes' output columns interleaved at the end.
//
// Infinite, NaN or huge inputs (winograd_gemm.hpp): a tile row whose padded input rows hold a
// value above the kernel's limit is computed by the direct kernel instead, row by row, so its
// outputs are the direct sums PyTorch's are (inf stays inf). The check reads the band of padded
// rows just copied (still in cache), the decision is per tile row, so outputs stay the same
// whatever the split over threads.
#include <algorithm>
#include <vector>

#include "core/limits.hpp"
#include "kernels/padded_input.hpp"
#include "kernels/phase_rows.hpp"
#include "kernels/simd_kernels.hpp"
#include "kernels/winograd_gemm.hpp"

namespace cp {

namespace {

constexpr int kPos = 16;  // 4x4 positions per tile

struct InArgs {
    const float* src;    // padded input, channel 0, tile row's first row, first tile of the chunk
    int64_t chan_plane;
    int64_t rowoff[4];   // offsets of the tile's 4 input rows
    int64_t xoff[4];     // offsets of input column e of tile 0 (tile j adds j)
    int64_t cin;
    int64_t nvec;        // vectors of 4 tiles
    float* v;            // V[pos][ic][txs]
    int64_t pos_plane;   // cin * txs
    int64_t txs;
};

// B^T x for one axis: (x0 - x2, x1 + x2, x2 - x1, x1 - x3).
inline void bt4(const v128_t x[4], v128_t y[4]) {
    y[0] = wasm_f32x4_sub(x[0], x[2]);
    y[1] = wasm_f32x4_add(x[1], x[2]);
    y[2] = wasm_f32x4_sub(x[2], x[1]);
    y[3] = wasm_f32x4_sub(x[1], x[3]);
}

// Kept out of line: V8 tiers a wasm function up only between calls (conv_tile.hpp).
__attribute__((noinline)) void input_transform(const InArgs& a) {
    for (int64_t ic = 0; ic < a.cin; ++ic) {
        const float* s = a.src + ic * a.chan_plane;
        float* v = a.v + ic * a.txs;
        for (int64_t j = 0; j < 4 * a.nvec; j += 4) {
            v128_t h[4][4];
            CP_UNROLL
            for (int ey = 0; ey < 4; ++ey) {
                v128_t x[4];
                CP_UNROLL
                for (int ex = 0; ex < 4; ++ex) x[ex] = wasm_v128_load(s + a.rowoff[ey] + a.xoff[ex] + j);
                bt4(x, h[ey]);
            }
            CP_UNROLL
            for (int px = 0; px < 4; ++px) {
                const v128_t col[4] = {h[0][px], h[1][px], h[2][px], h[3][px]};
                v128_t y[4];
                bt4(col, y);
                CP_UNROLL
                for (int py = 0; py < 4; ++py) wasm_v128_store(v + (py * 4 + px) * a.pos_plane + j, y[py]);
            }
        }
    }
}

using OutArgs = WinogradOutArgs;  // orow: dilation 1 only

// A^T m for one axis: (m0 + m1 + m2, m1 - m2 - m3).
inline void at4(const v128_t m[4], v128_t& y0, v128_t& y1) {
    y0 = wasm_f32x4_add(wasm_f32x4_add(m[0], m[1]), m[2]);
    y1 = wasm_f32x4_sub(wasm_f32x4_sub(m[1], m[2]), m[3]);
}

__attribute__((noinline)) void output_transform(const OutArgs& a) {
    for (int64_t oc = 0; oc < a.cout; ++oc) {
        const v128_t b = wasm_f32x4_splat(a.bias ? a.bias[oc] : 0.0f);
        const float* m = a.m + oc * a.txs;
        for (int64_t j = 0; j < 4 * a.nvec; j += 4) {
            v128_t s[2][4];  // rows of M reduced along x: s[b][py]
            CP_UNROLL
            for (int py = 0; py < 4; ++py) {
                v128_t r[4];
                CP_UNROLL
                for (int px = 0; px < 4; ++px) r[px] = wasm_v128_load(m + (py * 4 + px) * a.pos_plane + j);
                at4(r, s[0][py], s[1][py]);
            }
            v128_t y[2][2];  // y[ay][bx]
            CP_UNROLL
            for (int bx = 0; bx < 2; ++bx) at4(s[bx], y[0][bx], y[1][bx]);
            CP_UNROLL
            for (int ay = 0; ay < 2; ++ay) {
                const v128_t y0 = wasm_f32x4_add(y[ay][0], b), y1 = wasm_f32x4_add(y[ay][1], b);
                float* dst = a.orow[ay] && j < 4 * a.full_vecs ? a.orow[ay] + oc * a.out_plane + 2 * j
                                                               : a.rows[ay] + oc * a.row_plane + 2 * j;
                wasm_v128_store(dst, wasm_i32x4_shuffle(y0, y1, 0, 4, 1, 5));
                wasm_v128_store(dst + 4, wasm_i32x4_shuffle(y0, y1, 2, 6, 3, 7));
            }
        }
    }
}

// Growth of F(2x2, 3x3)'s transforms (rows of B^T sum to 2 in absolute value, of G to at most
// 1.5, of A^T to at most 3; squared for the two axes): |V| <= 4 max|x|, |U| <= 2.25 max|w|,
// |M| <= cin_g * 9 max|w| max|x|, |Y| <= 9 max|M|.
constexpr WinogradGrowth kGrowth{4, 2.25, 81};

class ConvWinograd final : public LayerKernel {
public:
    ConvWinograd(const Geom& g, const float* w, const float* b, float limit)
        : g_(g), limit_(limit), direct_(make_conv_simd(g, w, b)) {
        const int64_t dh = g.dh, dw = g.dw;
        // Output rows/columns of residue class r: (O - r + d - 1) / d; tiles of 2 of them.
        int64_t need_rows = 0;
        for (int64_t ry = 0; ry < dh; ++ry) {
            const int64_t tiles = ((g.OH - ry + dh - 1) / dh + 1) / 2;
            for (int64_t t = 0; t < tiles; ++t) rows_.emplace_back(ry, t);
            if (tiles) need_rows = std::max(need_rows, dh * (2 * tiles + 1) + ry + 1);  // last tile's 4th row + 1
        }
        // Run order: by tile row, the residue classes of one t together (they read neighbouring rows).
        std::stable_sort(rows_.begin(), rows_.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
        // The sizes of V, M and the row buffer come from core (layer_scratch_bytes bounds them too).
        const int64_t PH = g.H + g.pt + g.pb, PW = g.W + g.pl + g.pr;
        const int64_t extra_rows = std::max<int64_t>(0, need_rows - PH);
        const WinogradConvBuffers wb = winograd_conv_buffers(g.C_in, g.C_out, PW, g.OW, PH + extra_rows, dh, dw);
        nvec_ = wb.nvec, chunk_vecs_ = wb.chunk_vecs, txs_ = wb.txs, rbp_ = wb.rbp;
        vm_floats_ = wb.vm_floats, row_floats_ = wb.row_floats;
        pad_.plan(g.C_in, g.H, g.W, g.pt, g.pb, g.pl, g.pr, 2 * dw, g.mode, 0.0f, wb.extra_cols, extra_rows);
        // A range of parts copies the padded rows it reads into a band buffer, tile rows
        // [t0, t0 + band_t_) at a time: rows [2*dh*t0, 2*dh*(t0 + band_t_ - 1) + 4*dh).
        band_t_ = wb.band_t, band_rows_ = wb.band_rows;

        const int64_t cin_g = g.cin_g(), cout_g = g.cout_g();
        pack_winograd_weights(packed_, kPos, g.groups, cin_g, cout_g, [&](int pos, int64_t grp, int64_t o, int64_t ic) {
            // U = G g G^T at (pos / 4, pos % 4), from weight[oc][ic_local][3][3], summed in double
            static constexpr double G[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
            const float* src = w + ((grp * cout_g + o) * cin_g + ic) * 9;
            double u = 0;
            for (int ky = 0; ky < 3; ++ky)
                for (int kx = 0; kx < 3; ++kx) u += G[pos / 4][ky] * G[pos % 4][kx] * double(src[ky * 3 + kx]);
            return float(u);
        });
        if (b) bias_.assign(b, b + g.C_out);
    }
    const char* name() const override { return "f32_conv2d_winograd_f2x3_4x8" CP_SIMD_SUFFIX; }
    // [flags: kFlagFloats a band row][band, V, M, row buffer], or the direct kernel's scratch after the flags
    size_t scratch_floats() const override {
        const size_t own = size_t(g_.C_in * band_chan() + vm_floats_ + row_floats_);
        return size_t(kFlagFloats * band_rows_) + std::max(own, direct_->scratch_floats());
    }
    size_t packed_bytes() const override { return (packed_.size() + bias_.size()) * 4 + direct_->packed_bytes(); }

    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    // Parts: the tile rows (two output rows of one residue class) of every image. A run of parts
    // fills only the padded rows it reads, a band that fits in cache at a time.
    int64_t parts() const override { return g_.N * int64_t(rows_.size()); }
    void run_parts(const float* in, float* out, float* scratch, int64_t first, int64_t last) const override {
        const int64_t G = int64_t(rows_.size()), dh = g_.dh;
        for (int64_t part = first; part < last;) {
            const int64_t n = part / G, t_first = rows_[size_t(part % G)].second;
            int64_t end = part + 1;
            while (end < last && end / G == n && rows_[size_t(end % G)].second - t_first < band_t_) ++end;
            // tile row t of class ry reads padded rows dh*(2t + ey) + ry, ey = 0..3
            const int64_t r0 = 2 * dh * t_first;
            const int64_t r1 = std::min(pad_.rows, 2 * dh * rows_[size_t((end - 1) % G)].second + 4 * dh);
            float* flags = scratch;  // 1 where a band row holds a value above limit_
            float* band = scratch + kFlagFloats * band_rows_;
            pad_.fill_rows(in + n * g_.C_in * g_.H * g_.W, band, r0, r1 - r0, band_rows_);
            flag_rows(band, g_.C_in * pad_.phases, band_rows_ * pad_.pcols, r1 - r0, pad_.pcols, limit_, flags);
            bool fallback = false;
            for (int64_t p = part; p < end; ++p) {
                const auto [ry, t] = rows_[size_t(p % G)];
                if (tile_row_ok(flags, r0, r1, ry, t)) run_row(out, band, r0, n, ry, t);
                else fallback = true;
            }
            // The direct kernel's part is an output row of every channel; it reuses the band's scratch.
            for (; fallback && part < end; ++part) {
                const auto [ry, t] = rows_[size_t(part % G)];
                if (tile_row_ok(flags, r0, r1, ry, t)) continue;
                for (int64_t a = 0; a < 2; ++a) {
                    const int64_t oy = dh * (2 * t + a) + ry;
                    if (oy < g_.OH) direct_->run_parts(in, out, band, n * g_.OH + oy, n * g_.OH + oy + 1);
                }
            }
            part = end;
        }
    }

private:

    // Output rows dh*(2t + a) + ry, a = 0, 1 (while inside the output), of image n.
    // The band in scratch starts at padded row r0.
    void run_row(float* out, float* scratch, int64_t r0, int64_t n, int64_t ry, int64_t t) const {
        const Geom& g = g_;
        const int64_t dh = g.dh, dw = g.dw;
        float* V = scratch + g.C_in * band_chan();
        float* M = V + kPos * g.C_in * txs_;
        float* rowbuf = M + kPos * g.C_out * txs_;  // [a][rx][oc][rbp]
        const int64_t R = (g.OH - ry + dh - 1) / dh;
        const int64_t nrows = std::min<int64_t>(2, R - 2 * t);
        // dilation 1: whole vectors of 8 output pixels are written in place, the tail interleaved below
        const int64_t full_vecs = dw == 1 ? g.OW / 8 : 0;
        for (int64_t rx = 0; rx < dw; ++rx) {
            const int64_t tiles = ((g.OW - rx + dw - 1) / dw + 1) / 2, nvec = (tiles + 3) / 4;
            if (tiles <= 0) continue;
            InArgs ia;
            ia.src = scratch;
            ia.chan_plane = band_chan();
            for (int e = 0; e < 4; ++e) {
                ia.rowoff[e] = (dh * (2 * t + e) + ry - r0) * pad_.pcols;
                const int64_t col = dw * e + rx;  // input column e of tile 0, in units of the sub-lattice
                ia.xoff[e] = (col % (2 * dw)) * band_rows_ * pad_.pcols + col / (2 * dw);
            }
            ia.cin = g.C_in;
            ia.v = V;
            ia.pos_plane = g.C_in * txs_;
            ia.txs = txs_;
            OutArgs oa;
            oa.m = M;
            oa.pos_plane = g.C_out * txs_;
            oa.txs = txs_;
            oa.cout = g.C_out;
            oa.bias = bias_.empty() ? nullptr : bias_.data();
            oa.row_plane = rbp_;
            oa.out_plane = g.OH * g.OW;
            for (int64_t v0 = 0; v0 < nvec; v0 += chunk_vecs_) {
                const int64_t nv = std::min(chunk_vecs_, nvec - v0);
                ia.src = scratch + 4 * v0;
                ia.nvec = nv;
                input_transform(ia);
                winograd_gemm(kPos, V, M, packed_.data(), g.C_in, g.C_out, g.groups, txs_, 4 * nv);
                oa.nvec = nv;
                for (int a = 0; a < 2; ++a) {
                    oa.rows[a] = rowbuf + (a * dw + rx) * g.C_out * rbp_ + 8 * v0;
                    oa.orow[a] = a < nrows && v0 < full_vecs
                                     ? out + (n * g.C_out * g.OH + dh * (2 * t + a) + ry) * g.OW + 8 * v0
                                     : nullptr;
                }
                oa.full_vecs = full_vecs - v0;
                output_transform(oa);
            }
        }
        for (int64_t a = 0; a < nrows; ++a)
            interleave_phases(rowbuf + a * dw * g.C_out * rbp_, g.C_out * rbp_, rbp_, g.C_out, dw,
                              out + (n * g.C_out * g.OH + dh * (2 * t + a) + ry) * g.OW, g.OH * g.OW, g.OW,
                              8 * full_vecs);
    }

    int64_t band_chan() const { return pad_.phases * band_rows_ * pad_.pcols; }

    // Tile row t of class ry reads padded rows dh*(2t + e) + ry, e = 0..3 (those in the band).
    bool tile_row_ok(const float* flags, int64_t r0, int64_t r1, int64_t ry, int64_t t) const {
        for (int64_t e = 0; e < 4; ++e) {
            const int64_t r = g_.dh * (2 * t + e) + ry;
            if (r < r1 && flags[r - r0] != 0) return false;
        }
        return true;
    }

    Geom g_;
    float limit_;  // inputs up to this magnitude cannot overflow (winograd_input_limit)
    std::unique_ptr<LayerKernel> direct_;  // for tile rows whose inputs exceed it
    std::vector<std::pair<int64_t, int64_t>> rows_;  // (ry, t) of every tile row, in run order (by t)
    int64_t nvec_ = 0, chunk_vecs_ = 1, txs_ = 0, rbp_ = 0, vm_floats_ = 0, row_floats_ = 0;
    int64_t band_t_ = 1, band_rows_ = 1;  // tile rows per band, padded rows in the band buffer
    PaddedInput pad_;
    std::vector<float> packed_, bias_;
};

}  // namespace

std::unique_ptr<LayerKernel> make_conv_winograd(const Geom& g, const float* w, const float* b) {
    const double limit = winograd_input_limit(kGrowth, g.cin_g(), w, g.C_out * g.cin_g() * 9, b, g.C_out);
    if (limit < 0) return nullptr;
    return std::make_unique<ConvWinograd>(g, w, b, float(limit));
}

}  // namespace cp
