// Per-plane value ranges (see ranges.hpp).
#include "engine/ranges.hpp"

#include <limits>

#include "kernels/simd.hpp"

namespace cp {

int64_t plane_count(const Dims& shape) { return shape.size() < 2 ? 1 : shape[0] * shape[1]; }

int64_t plane_size(const Dims& shape) {
    int64_t n = 1;
    for (size_t i = 2; i < shape.size(); ++i) n *= shape[i];
    return shape.size() < 2 ? Tensor::count(shape) : n;
}

// SIMD128 (the Worker scans every output it sends: a scalar minmax_element cost about as much as
// computing the default stack's layers). pmin/pmax keep the accumulator unless the value is
// smaller/larger, so NaN values are skipped in every lane, as in the scalar tail.
void plane_ranges(const float* data, int64_t planes, int64_t size, float* lo, float* hi) {
    const float inf = std::numeric_limits<float>::infinity();
    for (int64_t p = 0; p < planes; ++p) {
        const float* d = data + p * size;
        v128_t l0 = wasm_f32x4_splat(inf), l1 = l0, h0 = wasm_f32x4_splat(-inf), h1 = h0;
        int64_t i = 0;
        for (; i + 8 <= size; i += 8) {
            const v128_t a = wasm_v128_load(d + i), b = wasm_v128_load(d + i + 4);
            l0 = wasm_f32x4_pmin(l0, a), h0 = wasm_f32x4_pmax(h0, a);
            l1 = wasm_f32x4_pmin(l1, b), h1 = wasm_f32x4_pmax(h1, b);
        }
        alignas(16) float ls[8], hs[8];
        wasm_v128_store(ls, l0), wasm_v128_store(ls + 4, l1), wasm_v128_store(hs, h0), wasm_v128_store(hs + 4, h1);
        float mn = inf, mx = -inf;
        for (int k = 0; k < 8; ++k) mn = ls[k] < mn ? ls[k] : mn, mx = hs[k] > mx ? hs[k] : mx;
        for (; i < size; ++i) mn = d[i] < mn ? d[i] : mn, mx = d[i] > mx ? d[i] : mx;
        if (mn > mx) mn = mx = size > 0 ? std::numeric_limits<float>::quiet_NaN() : 0.0f;  // nothing but NaN, or empty
        lo[p] = mn;
        hi[p] = mx;
    }
}

std::vector<float> plane_ranges(const Tensor& t) {
    const int64_t P = plane_count(t.shape);
    std::vector<float> r(size_t(2 * P));
    plane_ranges(t.ptr(), P, plane_size(t.shape), r.data(), r.data() + P);
    return r;
}

}  // namespace cp
