// Sub-pixel phase rows -> output rows. The transposed-conv kernels compute each column phase rx of
// an output row separately (phase column x is output column x*s + rx); this puts them in place.
#pragma once
#include <algorithm>
#include <cstdint>

#include "kernels/simd.hpp"

namespace cp {

// rows[rx*phase_stride + ch*chan_stride + x] -> out[ch*out_plane + x*s + rx] for `nchan` channels
// and output columns [from, width). Stride 1 is a copy; stride 2 from an even column zips vectors
// of both phases; the rest (and the tails) go one pixel at a time.
inline void interleave_phases(const float* rows, int64_t phase_stride, int64_t chan_stride, int64_t nchan, int64_t s,
                              float* out, int64_t out_plane, int64_t width, int64_t from = 0) {
    for (int64_t ch = 0; ch < nchan; ++ch) {
        const float* src = rows + ch * chan_stride;
        float* dst = out + ch * out_plane;
        if (s == 1) {
            if (width > from) simd::copy_floats(dst + from, src + from, width - from);
            continue;
        }
        int64_t x = from / s;
        if (s == 2 && from % 2 == 0) {
            const float* p1 = src + phase_stride;
            for (; 2 * x + 8 <= width; x += 4) {
                const v128_t a = wasm_v128_load(src + x), b = wasm_v128_load(p1 + x);
                wasm_v128_store(dst + 2 * x, wasm_i32x4_shuffle(a, b, 0, 4, 1, 5));
                wasm_v128_store(dst + 2 * x + 4, wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
            }
        }
        for (int64_t ox = std::max(from, x * s); ox < width; ++ox) dst[ox] = src[(ox % s) * phase_stride + ox / s];
    }
}

}  // namespace cp
