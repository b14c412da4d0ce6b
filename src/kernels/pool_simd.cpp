// SIMD128 max and average pooling over a PaddedInput: max pads with -inf (never picked), average
// pads with zeros and multiplies by 1/divisor, where the divisor follows ATen exactly (windows
// clipped to the padded input, or to the input when count_include_pad=False). Both divisors
// factor into a row count times a column count, so they are precomputed per row and column.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/limits.hpp"  // pool_divisor_floats
#include "kernels/padded_input.hpp"
#include "kernels/simd.hpp"
#include "kernels/simd_kernels.hpp"

namespace cp {

namespace {

struct PoolArgs {
    const float* in;
    const int32_t* taps;
    int ntaps;
    float* out;
    const float* inv_cols;  // average: 1/column count per output column (already times 1/row count)
};

template <bool MAX, int XV>
inline void pool_tile(const PoolArgs& a, int n_valid) {
    v128_t acc[XV];
    for (int v = 0; v < XV; ++v)
        acc[v] = MAX ? wasm_f32x4_splat(-std::numeric_limits<float>::infinity()) : wasm_f32x4_splat(0.0f);
    for (int t = 0; t < a.ntaps; ++t) {
        const float* p = a.in + a.taps[t];
        for (int v = 0; v < XV; ++v) {
            const v128_t x = wasm_v128_load(p + 4 * v);
            acc[v] = MAX ? wasm_f32x4_max(acc[v], x) : wasm_f32x4_add(acc[v], x);
        }
    }
    for (int v = 0; v < XV; ++v) {
        if (!MAX) acc[v] = wasm_f32x4_mul(acc[v], wasm_v128_load(a.inv_cols + 4 * v));
        const int n = n_valid - 4 * v;
        if (n <= 0) break;
        if (n >= 4) wasm_v128_store(a.out + 4 * v, acc[v]);
        else simd::store_lanes(a.out + 4 * v, acc[v], n);
    }
}

template <bool MAX>
__attribute__((noinline)) void pool_row(PoolArgs a, int64_t width) {
    const float* in0 = a.in;
    float* out0 = a.out;
    const float* inv0 = a.inv_cols;
    int64_t x = 0;
    // Max pools have no divisors (inv_cols is null, and null + x is undefined behaviour).
    for (; x + 8 <= width; x += 8) {
        a.in = in0 + x, a.out = out0 + x, a.inv_cols = MAX ? nullptr : inv0 + x;
        pool_tile<MAX, 2>(a, 8);
    }
    for (; x < width; x += 4) {
        a.in = in0 + x, a.out = out0 + x, a.inv_cols = MAX ? nullptr : inv0 + x;
        pool_tile<MAX, 1>(a, int(std::min<int64_t>(4, width - x)));
    }
}

// ATen's average-pool divisor along one axis for output index o.
int64_t avg_count(int64_t o, int64_t s, int64_t p, int64_t k, int64_t size, bool include_pad) {
    int64_t start = o * s - p, end = std::min(start + k, size + p);
    const int64_t with_pad = end - start;
    start = std::max<int64_t>(start, 0), end = std::min(end, size);
    return include_pad ? with_pad : end - start;
}

class PoolSimd final : public LayerKernel {
public:
    PoolSimd(const Geom& g, bool is_max, bool count_include_pad) : g_(g), max_(is_max) {
        // ceil_mode windows may run past the padded input: extra rows/columns hold the pad value.
        const int64_t need_rows = (g.OH - 1) * g.sh + g.dh * (g.kh - 1) + 1;
        const int64_t need_cols = (g.OW - 1) * g.sw + g.dw * (g.kw - 1) + 1;
        const int64_t pb = std::max(g.pb, need_rows - g.H - g.pt), pr = std::max(g.pr, need_cols - g.W - g.pl);
        pad_.plan(g.C_in, g.H, g.W, g.pt, pb, g.pl, pr, g.sw, PadMode::Zeros,
                  is_max ? -std::numeric_limits<float>::infinity() : 0.0f);
        for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) taps_.push_back(int32_t(pad_.offset(ky * g.dh, kx * g.dw)));
        if (!is_max) {
            inv_rows_.resize(size_t(g.OH));
            for (int64_t y = 0; y < g.OH; ++y)
                inv_rows_[size_t(y)] = double(avg_count(y, g.sh, g.pt, g.kh, g.H, count_include_pad));
            cols_.resize(size_t(pool_divisor_floats(g.OW)));
            for (int64_t x = 0; x < g.OW; ++x) cols_[size_t(x)] = double(avg_count(x, g.sw, g.pl, g.kw, g.W, count_include_pad));
        }
    }
    const char* name() const override { return max_ ? "f32_maxpool2d_8" CP_SIMD_SUFFIX : "f32_avgpool2d_8" CP_SIMD_SUFFIX; }
    size_t scratch_floats() const override { return size_t(pad_.floats() + (max_ ? 0 : pool_divisor_floats(g_.OW))); }

    void run(const float* in, float* out, float* scratch) const override {
        const Geom& g = g_;
        float* inv = scratch + pad_.floats();
        for (int64_t n = 0; n < g.N; ++n) {
            pad_.fill(in + n * g.C_in * g.H * g.W, scratch);
            for (int64_t c = 0; c < g.C_in; ++c)
                for (int64_t y = 0; y < g.OH; ++y) {
                    PoolArgs a;
                    a.in = scratch + c * pad_.chan_plane + y * g.sh * pad_.pcols;
                    a.taps = taps_.data();
                    a.ntaps = int(taps_.size());
                    a.out = out + ((n * g.C_in + c) * g.OH + y) * g.OW;
                    if (max_) {
                        a.inv_cols = nullptr;
                        pool_row<true>(a, g.OW);
                    } else {
                        for (int64_t x = 0; x < pool_divisor_floats(g.OW); ++x)
                            inv[x] = x < g.OW ? float(1.0 / (inv_rows_[size_t(y)] * cols_[size_t(x)])) : 0.0f;
                        a.inv_cols = inv;
                        pool_row<false>(a, g.OW);
                    }
                }
        }
    }

private:
    Geom g_;
    bool max_;
    PaddedInput pad_;
    std::vector<int32_t> taps_;
    std::vector<double> inv_rows_, cols_;
};

}  // namespace

std::unique_ptr<LayerKernel> make_pool_simd(const Geom& g, bool is_max, bool count_include_pad) {
    return std::make_unique<PoolSimd>(g, is_max, count_include_pad);
}

}  // namespace cp
