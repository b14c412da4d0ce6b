// PaddedInput (see padded_input.hpp).
#include "kernels/padded_input.hpp"

#include <algorithm>

#include "kernels/geometry.hpp"
#include "kernels/simd.hpp"
#include "kernels/winograd_gemm.hpp"  // max_magnitude_bits

namespace cp {

void PaddedInput::plan(int64_t c, int64_t h, int64_t w, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                       int64_t stride_w, PadMode mode, float value, int64_t extra_cols, int64_t extra_rows) {
    C = c, H = h, W = w;
    phases = std::max<int64_t>(1, stride_w);
    pad_value = value;
    const int64_t PH = std::max<int64_t>(0, H + pt + pb), PW = std::max<int64_t>(0, W + pl + pr);
    rows = PH + extra_rows;
    pcols = padded_phase_cols(PW, phases, extra_cols);
    phase_plane = rows * pcols;
    chan_plane = phases * phase_plane;
    row_src.assign(size_t(rows), -1);
    col_src.assign(size_t(pcols * phases), -1);
    for (int64_t j = 0; j < PH; ++j) row_src[size_t(j)] = int32_t(pad_source(j, pt, H, mode, pb));
    for (int64_t j = 0; j < PW; ++j) col_src[size_t(j)] = int32_t(pad_source(j, pl, W, mode, pr));
    this->pl = pl;
    q_lo.assign(size_t(phases), 0);
    q_hi.assign(size_t(phases), 0);
    for (int64_t ph = 0; ph < phases; ++ph) {
        // padded column j = q*phases + ph is input column j - pl when 0 <= j - pl < W (and j < PW)
        const int64_t first = std::max<int64_t>(0, pl), last = std::min<int64_t>(pl + W, PW);  // [first, last)
        int64_t lo = (first - ph + phases - 1) / phases;
        if (first - ph < 0) lo = 0;
        int64_t hi = last - ph <= 0 ? 0 : (last - ph + phases - 1) / phases;
        q_lo[size_t(ph)] = std::min(lo, hi), q_hi[size_t(ph)] = hi;
    }
    q_pad.assign(size_t(phases), 0);
    for (int64_t ph = 0; ph < phases; ++ph) {
        int64_t q = pcols;
        while (q > q_hi[size_t(ph)] && col_src[size_t((q - 1) * phases + ph)] < 0) --q;
        q_pad[size_t(ph)] = q;
    }
}

// Both phase rows of a stride-2 padded row at once: borders through the tables, the interior
// de-interleaved with shuffles (even input columns to one phase, odd to the other).
void PaddedInput::fill_row_stride2(const float* s, float* d0, float* d1) const {
    float* d[2] = {d0, d1};
    for (int ph = 0; ph < 2; ++ph) {
        for (int64_t q = 0; q < q_lo[size_t(ph)]; ++q) {
            const int32_t sc = col_src[size_t(q * 2 + ph)];
            d[ph][q] = sc < 0 ? pad_value : s[sc];
        }
        for (int64_t q = q_hi[size_t(ph)]; q < q_pad[size_t(ph)]; ++q) {
            const int32_t sc = col_src[size_t(q * 2 + ph)];
            d[ph][q] = sc < 0 ? pad_value : s[sc];
        }
        simd::fill_floats(d[ph] + q_pad[size_t(ph)], pcols - q_pad[size_t(ph)], pad_value);
    }
    // Interior: phase 0 reads s[2q - pl] and phase 1 s[2q + 1 - pl], neighbours. Where both
    // phases are interior, de-interleave 8 input columns into 4 + 4 with two shuffles.
    const int64_t lo = std::max(q_lo[0], q_lo[1]), hi = std::min(q_hi[0], q_hi[1]);
    int64_t q = lo;
    const float* src = s - pl;  // a local: the stores below cannot change it (they might change this->pl)
    for (; q + 8 <= hi; q += 8) {
        const float* p = src + 2 * q;
        const v128_t a = wasm_v128_load(p), b = wasm_v128_load(p + 4);
        const v128_t c = wasm_v128_load(p + 8), e = wasm_v128_load(p + 12);
        wasm_v128_store(d0 + q, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
        wasm_v128_store(d1 + q, wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
        wasm_v128_store(d0 + q + 4, wasm_i32x4_shuffle(c, e, 0, 2, 4, 6));
        wasm_v128_store(d1 + q + 4, wasm_i32x4_shuffle(c, e, 1, 3, 5, 7));
    }
    for (; q + 4 <= hi; q += 4) {
        const float* p = src + 2 * q;
        const v128_t a = wasm_v128_load(p), b = wasm_v128_load(p + 4);
        wasm_v128_store(d0 + q, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
        wasm_v128_store(d1 + q, wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
    }
    for (int ph = 0; ph < 2; ++ph) {  // what the vector loop did not cover
        for (int64_t c = q_lo[size_t(ph)]; c < std::min(lo, q_hi[size_t(ph)]); ++c) d[ph][c] = s[2 * c + ph - pl];
        for (int64_t c = std::max(q, q_lo[size_t(ph)]); c < q_hi[size_t(ph)]; ++c) d[ph][c] = s[2 * c + ph - pl];
    }
}

void PaddedInput::fill(const float* in, float* dst) const { fill_rows(in, dst, 0, rows, rows); }

// copy_floats that also raises bits[0, 4) to the magnitudes it copies.
CP_NO_BUILTIN_MEMCPY static void copy_floats_bits(float* dst, const float* src, int64_t n, float* bits) {
    const v128_t mag = wasm_i32x4_splat(0x7fffffff);
    v128_t acc = wasm_v128_load(bits);
    if (n < 4) {
        float v[4] = {};
        for (int64_t i = 0; i < n; ++i) dst[i] = v[i] = src[i];
        wasm_v128_store(bits, max_magnitude_bits(acc, v, 4));
        return;
    }
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const v128_t a = wasm_v128_load(src + i), b = wasm_v128_load(src + i + 4);
        wasm_v128_store(dst + i, a);
        wasm_v128_store(dst + i + 4, b);
        acc = wasm_u32x4_max(acc, wasm_v128_and(a, mag));
        acc = wasm_u32x4_max(acc, wasm_v128_and(b, mag));
    }
    for (; i < n; ++i) dst[i] = src[i];
    wasm_v128_store(bits, max_magnitude_bits(acc, src + n - std::min<int64_t>(n, 8), std::min<int64_t>(n, 8)));
}

void PaddedInput::fill_rows(const float* in, float* dst, int64_t r0, int64_t n, int64_t dst_rows,
                            float* row_bits) const {
    const int64_t dst_phase = dst_rows * pcols, dst_chan = phases * dst_phase;
    for (int64_t c = 0; c < C; ++c) {
        const float* src = in + c * H * W;
        float* base = dst + c * dst_chan;
        for (int64_t r = r0; r < r0 + n; ++r) {
            const int32_t sr = r < rows ? row_src[size_t(r)] : -1;
            const int64_t at = (r - r0) * pcols;
            if (phases == 2 && sr >= 0) {
                fill_row_stride2(src + int64_t(sr) * W, base + at, base + dst_phase + at);
                continue;
            }
            for (int64_t ph = 0; ph < phases; ++ph) {
                float* d = base + ph * dst_phase + at;
                if (sr < 0) {
                    std::fill(d, d + pcols, pad_value);
                    continue;
                }
                const float* s = src + int64_t(sr) * W;
                const int64_t lo = q_lo[size_t(ph)], hi = q_hi[size_t(ph)];
                for (int64_t q = 0; q < lo; ++q) {  // left border
                    const int32_t sc = col_src[size_t(q * phases + ph)];
                    d[q] = sc < 0 ? pad_value : s[sc];
                }
                // interior: input columns q*phases + ph - pl, a plain copy when phases == 1
                const int64_t shift = ph - pl;
                if (phases == 1 && row_bits)
                    copy_floats_bits(d + lo, s + lo + shift, hi - lo, row_bits + 4 * (r - r0));
                else if (phases == 1) simd::copy_floats(d + lo, s + lo + shift, hi - lo);
                else
                    for (int64_t q = lo; q < hi; ++q) d[q] = s[q * phases + shift];
                for (int64_t q = hi; q < q_pad[size_t(ph)]; ++q) {  // right border
                    const int32_t sc = col_src[size_t(q * phases + ph)];
                    d[q] = sc < 0 ? pad_value : s[sc];
                }
                simd::fill_floats(d + q_pad[size_t(ph)], pcols - q_pad[size_t(ph)], pad_value);  // padding, margin
            }
        }
    }
}

}  // namespace cp
