// PaddedInput (see padded_input.hpp).
#include "kernels/padded_input.hpp"

#include <algorithm>
#include <cstring>

#include "kernels/geometry.hpp"

namespace cp {

void PaddedInput::plan(int64_t c, int64_t h, int64_t w, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                       int64_t stride_w, PadMode mode, float value, int64_t extra_cols, int64_t extra_rows) {
    C = c, H = h, W = w;
    phases = std::max<int64_t>(1, stride_w);
    pad_value = value;
    const int64_t PH = std::max<int64_t>(0, H + pt + pb), PW = std::max<int64_t>(0, W + pl + pr);
    rows = PH + extra_rows;
    pcols = (PW + phases - 1) / phases + extra_cols;
    phase_plane = rows * pcols;
    chan_plane = phases * phase_plane;
    row_src.assign(size_t(rows), -1);
    col_src.assign(size_t(pcols * phases), -1);
    for (int64_t j = 0; j < PH; ++j) row_src[size_t(j)] = int32_t(pad_source(j, pt, H, mode));
    for (int64_t j = 0; j < PW; ++j) col_src[size_t(j)] = int32_t(pad_source(j, pl, W, mode));
}

void PaddedInput::fill(const float* in, float* dst) const {
    for (int64_t c = 0; c < C; ++c) {
        const float* src = in + c * H * W;
        float* base = dst + c * chan_plane;
        for (int64_t r = 0; r < rows; ++r) {
            const int32_t sr = row_src[size_t(r)];
            for (int64_t ph = 0; ph < phases; ++ph) {
                float* d = base + ph * phase_plane + r * pcols;
                if (sr < 0) {
                    std::fill(d, d + pcols, pad_value);
                    continue;
                }
                const float* s = src + int64_t(sr) * W;
                for (int64_t q = 0; q < pcols; ++q) {
                    const int32_t sc = col_src[size_t(q * phases + ph)];
                    d[q] = sc < 0 ? pad_value : s[sc];
                }
            }
        }
    }
}

}  // namespace cp
