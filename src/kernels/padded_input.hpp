// The padded input copy the SIMD kernels slide over: every padding mode (zeros, reflect,
// replicate, circular, crop) resolved once into a plain buffer, with the columns split by
// stride phase so that a strided window still reads contiguous vectors:
//   buffer[c][phase][row][col], phase = padded_col % stride_w, col = padded_col / stride_w.
// Each phase row has a margin of zeros so a vector may read past the last real column.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/layer.hpp"
#include "core/limits.hpp"  // band_rows_in_cache, padded_phase_cols

namespace cp {

struct PaddedInput {
    int64_t C = 0, H = 0, W = 0;       // the input
    int64_t phases = 1;                // column phases = stride along W
    int64_t rows = 0;                  // padded rows
    int64_t pcols = 0;                 // floats per phase row (with margin)
    int64_t phase_plane = 0;           // rows * pcols
    int64_t chan_plane = 0;            // phases * phase_plane
    float pad_value = 0.0f;            // value of padding cells (zeros mode); -inf for max pooling
    std::vector<int32_t> row_src;      // padded row -> input row, or -1 for padding
    std::vector<int32_t> col_src;      // padded column -> input column, or -1
    // Per phase, the phase columns [q_lo, q_hi) that read input columns q*phases + phase - pl
    // directly (a plain or strided copy); the others go through col_src.
    std::vector<int64_t> q_lo, q_hi;
    // Per phase, the first column from which every column to the row's end (margin included) is
    // padding: stored with vector stores instead of a table lookup per column.
    std::vector<int64_t> q_pad;
    int64_t pl = 0;

    // rows/cols before and after (negative = crop, reflect/replicate/circular read the input).
    void plan(int64_t C, int64_t H, int64_t W, int64_t pt, int64_t pb, int64_t pl, int64_t pr, int64_t stride_w,
              PadMode mode, float pad_value, int64_t extra_cols = kPaddedRowMargin, int64_t extra_rows = 0);
    int64_t floats() const { return C * chan_plane; }
    // Offset of padded (row, col) inside one channel.
    int64_t offset(int64_t row, int64_t col) const {
        return (col % phases) * phase_plane + row * pcols + col / phases;
    }
    // in: [C, H, W] of one batch item; dst: floats() floats.
    void fill(const float* in, float* dst) const;
    // Padded rows [r0, r0 + n) only, into a buffer laid out like this one but with dst_rows rows
    // per phase plane (a band of rows that stays in cache while it is used). With row_bits (4
    // floats a row, as max_magnitude_bits in winograd_gemm.hpp encodes them), raises row i's to
    // the largest magnitude the copy read from the input for it (stride 1, zero padding only:
    // the Winograd row pairs of conv_simd.cpp's ConvTSimd, which check their inputs there, where
    // the copy waits for memory anyway).
    void fill_rows(const float* in, float* dst, int64_t r0, int64_t n, int64_t dst_rows,
                   float* row_bits = nullptr) const;
    // Offset of padded (row, col) in such a band buffer.
    int64_t band_offset(int64_t row, int64_t col, int64_t dst_rows) const {
        return (col % phases) * dst_rows * pcols + row * pcols + col / phases;
    }

private:
    void fill_row_stride2(const float* src_row, float* phase0_row, float* phase1_row) const;
};

// Rows per channel plane of a band buffer, at least `rows` (the rows it holds): a few more where
// that keeps the planes' starts apart in the L1 cache. A tile reads the same columns of every
// channel at once; when the channel planes are a multiple of 4 KiB apart (or nearly: 15 rows of
// 273 floats are 16380 bytes), all of them fall in the same sets of x86's L1 (64-byte lines,
// 4 KiB a way) and evict each other before the next tile reads them: convT 16->3 k3 s2 on
// 256x256 ran 1.3x slower so. `row_floats`: floats per row of a plane (pcols times the column
// phases that share the plane's rows). Counts the lines each channel's first two lines fall on,
// over 4 KiB, for up to 64 channels, and takes the first pitch of the next 8 whose most crowded
// line holds the fewest.
inline int64_t band_pitch_rows(int64_t rows, int64_t row_floats, int64_t channels) {
    const int64_t n = std::min<int64_t>(channels, 64);
    int64_t best = rows, best_worst = n + 1;
    for (int64_t r = rows; r < rows + 8 && best_worst > 2; ++r) {
        int count[64] = {};
        int worst = 0;
        for (int64_t c = 0; c < n; ++c)
            for (int64_t l = 0; l < 2; ++l) worst = std::max(worst, ++count[(c * r * row_floats * 4 / 64 + l) % 64]);
        if (worst < best_worst) best_worst = worst, best = r;
    }
    return best;
}

}  // namespace cp
