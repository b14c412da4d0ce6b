// SIMD128 depthwise convolution (groups == C_in, any channel multiplier): each output channel
// filters one input channel, so there is nothing to share across channels; instead a tile
// computes RB output rows x 8 pixels at once from the PaddedInput. A tap costs a vector load per
// multiply there; the 3x3 stride-1 kernels (MobileNet's) get tiles of their own that load each
// padded row once per 4 pixels and make its two shifted neighbours with shuffles, shared by the
// output rows that read it.
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

// 3x3, stride 1, dilation 1: RB output rows x 4*XV pixels. Padded row i feeds output rows
// r = i-2..i (kernel row i - r); each vector of it is loaded once and shifted by one and two
// columns with shuffles. Per pixel the sum runs bias, then taps in (ky, kx) order as in dw_tile,
// so both tile kinds give the same bits.
template <int RB, int XV>
inline void dw3x3_tile(const float* in, int64_t pcols, const float* w, v128_t bias, float* out, int64_t out_row,
                       int n_valid) {
    v128_t acc[RB][XV];
    for (int r = 0; r < RB; ++r)
        for (int v = 0; v < XV; ++v) acc[r][v] = bias;
    for (int i = 0; i < RB + 2; ++i) {
        const float* p = in + i * pcols;
        v128_t x[3][XV];
        v128_t next = wasm_v128_load(p);
        for (int v = 0; v < XV; ++v) {
            const v128_t cur = next;
            next = wasm_v128_load(p + 4 * v + 4);
            x[0][v] = cur;
            x[1][v] = wasm_i32x4_shuffle(cur, next, 1, 2, 3, 4);
            x[2][v] = wasm_i32x4_shuffle(cur, next, 2, 3, 4, 5);
        }
        for (int r = i < 2 ? 0 : i - 2; r <= (i < RB ? i : RB - 1); ++r)
            for (int kx = 0; kx < 3; ++kx) {
                const v128_t wv = wasm_v128_load32_splat(w + (i - r) * 3 + kx);
                for (int v = 0; v < XV; ++v) acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(x[kx][v], wv));
            }
    }
    for (int r = 0; r < RB; ++r)
        for (int v = 0; v < XV; ++v) {
            const int n = n_valid - 4 * v;
            if (n <= 0) break;
            if (n >= 4) wasm_v128_store(out + r * out_row + 4 * v, acc[r][v]);
            else simd::store_lanes(out + r * out_row + 4 * v, acc[r][v], n);
        }
}

template <int RB>
__attribute__((noinline)) void dw3x3_rows(const DwArgs& a, int64_t pcols, int64_t width) {
    constexpr int XV = 2;
    const v128_t b = wasm_f32x4_splat(a.bias);
    int64_t x = 0;
    for (; x + 4 * XV <= width; x += 4 * XV) dw3x3_tile<RB, XV>(a.in + x, pcols, a.w, b, a.out + x, a.out_row, 4 * XV);
    for (; x < width; x += 4)
        dw3x3_tile<RB, 1>(a.in + x, pcols, a.w, b, a.out + x, a.out_row, int(std::min<int64_t>(4, width - x)));
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
        if (b) bias_.assign(b, b + g.C_out);
    }
    const char* name() const override {
        return k3s1_ ? "f32_dwconv2d_3x3s1_rows" CP_SIMD_SUFFIX : "f32_dwconv2d_4x8" CP_SIMD_SUFFIX;
    }
    size_t scratch_floats() const override { return size_t(pad_.floats()); }
    size_t packed_bytes() const override { return (w_.size() + bias_.size()) * 4; }

    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    // Parts: output channels of every image.
    int64_t parts() const override { return g_.N * g_.C_out; }
    void run_parts(const float* in, float* out, float* scratch, int64_t first, int64_t last) const override {
        const Geom& g = g_;
        const int64_t mult = g.C_out / g.C_in, kv = g.kh * g.kw;
        for (int64_t part = first; part < last; ++part) {
            const int64_t n = part / g.C_out, oc = part % g.C_out;
            if (oc % mult == 0 || part == first) pad_.fill(in + (n * g.C_in + oc / mult) * g.H * g.W, scratch);
            DwArgs a;
            a.row_step = g.sh * pad_.pcols;
            a.taps = taps_.data();
            a.ntaps = int(kv);
            a.w = w_.data() + oc * kv;
            a.bias = bias_.empty() ? 0.0f : bias_[size_t(oc)];
            a.out_row = g.OW;
            const float* plane = scratch;
            float* oplane = out + (n * g.C_out + oc) * g.OH * g.OW;
            int64_t y = 0;
            if (k3s1_) {
                for (; y + kRows3 <= g.OH; y += kRows3) {
                    a.in = plane + y * a.row_step, a.out = oplane + y * g.OW;
                    dw3x3_rows<kRows3>(a, pad_.pcols, g.OW);
                }
                for (; y < g.OH; ++y) {
                    a.in = plane + y * a.row_step, a.out = oplane + y * g.OW;
                    dw3x3_rows<1>(a, pad_.pcols, g.OW);
                }
                continue;
            }
            for (; y + 4 <= g.OH; y += 4) {
                a.in = plane + y * a.row_step, a.out = oplane + y * g.OW;
                dw_rows<4>(a, g.OW);
            }
            for (; y < g.OH; ++y) {
                a.in = plane + y * a.row_step, a.out = oplane + y * g.OW;
                dw_rows<1>(a, g.OW);
            }
        }
    }

private:
    static constexpr int kRows3 = 2;  // output rows per 3x3 stride-1 tile
    Geom g_;
    bool k3s1_ = false;
    PaddedInput pad_;
    std::vector<int32_t> taps_;
    std::vector<float> w_, bias_;
};

}  // namespace

std::unique_ptr<LayerKernel> make_depthwise_simd(const Geom& g, const float* w, const float* b) {
    return std::make_unique<DepthwiseSimd>(g, w, b);
}

}  // namespace cp
