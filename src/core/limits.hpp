// Every budget convplay enforces, in one table, and the check that applies the run budgets to a
// planned stack from its shape arithmetic alone, before anything is allocated. The README's
// limits table explains each number; messages quote the numbers and the limit.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "core/shapes.hpp"
#include "core/status.hpp"

namespace cp {

struct Limits {
    // The state text (checked while parsing, core/codec.cpp): hostile text cannot exhaust memory.
    static constexpr size_t max_text = 65536;
    static constexpr size_t max_layers = 64;
    static constexpr int64_t max_channels = 4096;
    static constexpr int64_t max_geometry = 65536;  // |size|, kernel, stride, padding, dilation
    static constexpr int64_t max_batch = 64;
    static constexpr size_t max_values = 4096;  // explicit weights per layer
    static constexpr double max_scale = 64.0;

    // Files given to `convplay run` (--image, --npy) and images uploaded to the playground.
    static constexpr int64_t max_file_bytes = int64_t(256) << 20;
    static constexpr int64_t max_decode_pixels = int64_t(64) << 20;   // refuse to even decode beyond
    static constexpr int64_t max_image_pixels = int64_t(4096) * 4096;  // CLI: downscale beyond
    static constexpr int64_t max_upload_pixels = int64_t(1024) * 1024;  // playground: downscale beyond

    // Running a stack (check_run_budget, from the plan's arithmetic, before allocating).
    static constexpr int64_t max_input_pixels = int64_t(4096) * 4096;  // H*W (or L) of the input
    static constexpr int64_t max_tensor_bytes = int64_t(256) << 20;    // the input, or one layer's output
    static constexpr int64_t max_layer_bytes = int64_t(512) << 20;     // output + weights + scratch
    // The input and every layer: wasm memory is 2 GiB at most and the page's textures copy the
    // outputs; natively it keeps `convplay run` (plan + one file being written) under 1 GB.
    static constexpr int64_t max_plan_bytes = int64_t(768) << 20;
    static constexpr int64_t max_run_macs = int64_t(16) * 1000 * 1000 * 1000;  // multiply-adds per run
    static constexpr int64_t max_png_pixels = int64_t(4096) * 4096;    // one feature-map picture

    // `convplay export` and the playground's Export window (engine/export.hpp).
    static constexpr int64_t max_export_params = int64_t(1) << 24;        // weights + biases written out
    static constexpr int64_t max_export_input_values = int64_t(1) << 20;  // a bigger input gets a random stand-in
};

// Products and sums of sizes that saturate at INT64_MAX instead of overflowing (every operand
// is >= 0): a budget check compares the result with a limit, so saturation is exact enough.
inline int64_t sat_mul(int64_t a, int64_t b) {
    if (a <= 0 || b <= 0) return 0;
    return a > std::numeric_limits<int64_t>::max() / b ? std::numeric_limits<int64_t>::max() : a * b;
}
inline int64_t sat_add(int64_t a, int64_t b) {
    return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max() : a + b;
}
int64_t sat_count(const Dims& d);  // the number of elements of a shape, saturated

// Padded rows per band when a kernel makes its padded input copy a band at a time: rows of
// `row_floats` floats (every channel and phase of one padded row) that fit in about 256 KiB, so a
// band is still in cache when the tiles read it. At least 1.
inline int64_t band_rows_in_cache(int64_t row_floats) {
    return std::max<int64_t>(1, (int64_t(256) << 10) / 4 / std::max<int64_t>(1, row_floats));
}

// The buffers of the Winograd 3x3 conv kernel (kernels/conv_winograd.cpp), from its shape: the
// kernel sizes them with this, and layer_scratch_bytes bounds its scratch with it, so the two
// cannot drift apart. A tile makes 2 output columns of one residue class of columns (dilation
// dw); tiles go 4 to a vector; the transformed tiles V and products M are made a chunk of
// vectors at a time; the row buffer holds 2 output rows of every class and channel.
struct WinogradConvBuffers {
    int64_t nvec = 1;        // vectors of tiles in the widest residue class
    int64_t chunk_vecs = 1;  // vectors per chunk of V and M
    int64_t txs = 0;         // floats between channels in V and M
    int64_t rbp = 0;         // floats between channels in the row buffer
    int64_t extra_cols = 0;  // columns past a padded phase row that its vectors may read
    int64_t phase_cols = 0;  // floats per padded phase row (2*dw phases), extra_cols included
    int64_t band_t = 1;      // tile rows per band of padded rows
    int64_t band_rows = 1;   // padded rows in the band buffer
    int64_t band_floats = 0; // the band buffer: band_rows rows of every channel and phase
    int64_t vm_floats = 0;   // V and M: 16 positions of every channel, a chunk of tiles
    int64_t row_floats = 0;  // the row buffer
};
// c_in, c_out: all channels; pw: the padded width (input + padding per side); ow: output width;
// rows: padded rows in all (the kernel's copy, with rows past the input its last tiles read).
WinogradConvBuffers winograd_conv_buffers(int64_t c_in, int64_t c_out, int64_t pw, int64_t ow, int64_t rows,
                                          int64_t dh, int64_t dw);

// The Winograd transposed conv (kernels/deconv_winograd.cpp) per axis, by the taps t (0..2) a
// sub-pixel phase has along it: inputs (= transform positions) per tile, F(3,2) along y and F(2,2)
// along x (t == 1: the identity on tiles of 1 row, 2 columns), and output rows per tile along y.
namespace convt_winograd {
constexpr int npos_y(int t) { return t == 2 ? 4 : 1; }
constexpr int npos_x(int t) { return t == 2 ? 3 : 2; }
constexpr int rows_y(int t) { return t == 2 ? 3 : 1; }
}  // namespace convt_winograd

// Its buffers past the padded copy, from its shape: the kernel lays its scratch out with this and
// layer_scratch_bytes counts it, so the two cannot drift apart. V and M hold the positions of
// the phase with the most (a row of tiles at a time), the row buffer the rows of the phase that
// makes the most, for every column phase.
struct WinogradConvTBuffers {
    int64_t nvec = 1;        // vectors of 4 tiles (2 phase columns each) in a phase row
    int64_t txs = 0;         // floats between channels in V and M
    int64_t rbp = 0;         // floats between channels in the row buffer
    int64_t npos = 1;        // position planes in V and M
    int64_t rows = 1;        // tile rows in the row buffer
    int64_t v_floats = 0;    // V: npos planes of every input channel
    int64_t m_floats = 0;    // M: npos planes of every output channel
    int64_t row_floats = 0;  // the row buffer: rows x sw column phases of every output channel
};
// ow: output width; sw: column stride; ty, tx: the most taps any phase has along y, x (0..2).
WinogradConvTBuffers winograd_convt_buffers(int64_t c_in, int64_t c_out, int64_t ow, int64_t sw, int ty, int tx);

// Scratch floats per padded row of the Winograd kernels' row flags (kernels/winograd_gemm.hpp,
// flag_rows: a flag and a vector of the row's largest magnitudes). The kernels lay out their
// scratch with it and layer_scratch_bytes counts it.
constexpr int64_t kFlagFloats = 5;

// Rows per channel plane of the sub-pixel transposed conv's two difference rows (its row pairs,
// kernels/conv_simd.cpp), at most: 2, and as many more as band_pitch_rows may add to spread the
// planes over the L1 sets (7). The kernel clamps to it and layer_scratch_bytes counts it.
constexpr int64_t kRowPairPlaneRows = 2 + 7;

// The 1x1 conv (kernels/conv_simd.cpp) copies chunks of kPointwiseChunk pixels of every input
// channel of a group into two scratch buffers (one read, the next chunk copied into the other),
// kPointwiseChunkStride floats apart (layer_scratch_bytes counts them): 12 more than a chunk, so
// that the channels are not a power of two apart.
constexpr int64_t kPointwiseChunk = 256, kPointwiseChunkStride = kPointwiseChunk + 12;
// The 1x1 conv copies each next chunk into the other of its two buffers: between the tiles of
// the current chunk from kPointwiseOverlapCin input channels per group and kPointwiseOverlapBytes
// of input per group (an image's), else after them. Engine A/B (bench/ab.mjs, load 1.5-7, the
// fastest calls, interleaved against after): 64 channels on 128x128 (4 MB) 0.92-0.96x, 128 on
// 64x64 (2 MB) 0.96-0.98x, 64 on 96x96 0.98-1.02x, 64 on 80x80 1.00x; but 64 on 64x64 (1 MB) and
// 32x32 1.04-1.06x slower, and 48 channels 0.99x, 32 0.99-1.01x, 16-24 up to 1.11x slower (on
// 96-128 pixels a side): the copy pays to hide only once the input no longer sits in cache.
constexpr int64_t kPointwiseOverlapCin = 64, kPointwiseOverlapBytes = int64_t(3) << 19;  // 1.5 MiB

// Average pooling's divisors of an output row (kernels/pool_simd.cpp), with a margin of zeros past
// the row's end that its last vector may read (8 floats; it reads at most 3 past the end).
// The kernel sizes its scratch with it and layer_scratch_bytes counts it.
constexpr int64_t pool_divisor_floats(int64_t ow) { return ow + 8; }

// Floats per column-phase row of a padded copy (kernels/padded_input.hpp plans with this): the
// padded columns split over `phases`, plus `extra_cols` of margin (kPaddedRowMargin unless the
// kernel asks otherwise), so that a vector may read past the last real column.
constexpr int64_t kPaddedRowMargin = 16;
constexpr int64_t padded_phase_cols(int64_t cols, int64_t phases, int64_t extra_cols) {
    return (cols + phases - 1) / phases + extra_cols;
}

// Its padded copy of the input (2 column phases, whatever the stride): every row and column its
// tiles read, so at least 5 rows for a 1-d input and 8 columns a vector of tiles plus margins.
// The kernel plans its copy with this and layer_scratch_bytes counts it.
struct WinogradConvTCopy {
    int64_t rows = 0;    // padded rows
    int64_t cols = 0;    // padded columns (both phases)
    int64_t floats = 0;  // every input channel: 2 phases x rows x padded_phase_cols(cols, 2, kPaddedRowMargin)
};
// h, w: the input; qh: phase rows of the tallest row phase (ceil(OH / sh)); nvec: from
// winograd_convt_buffers; my, mx: rows, columns any phase reads before the input (at most);
// cy, cx: the largest first input offset of a phase along y, x.
WinogradConvTCopy winograd_convt_copy(int64_t c_in, int64_t h, int64_t w, int64_t qh, int64_t nvec, int64_t my,
                                      int64_t cy, int64_t mx, int64_t cx);

// What running the valid layers of `info` on `threads` threads needs. Scratch is an upper bound of
// what the kernels ask for per thread (layer_scratch_bytes), times the threads (each has its own),
// so a plan that passes never exceeds the budget.
struct RunCost {
    int64_t input_bytes = 0;
    int64_t total_bytes = 0;  // input, every output and weights, and the largest scratch (shared by layers)
    int64_t macs = 0;  // conv multiply-adds plus pool/upsample window reads
    int largest_output = -1;
    int64_t largest_output_bytes = 0;
    int worst_layer = -1;
    int64_t worst_layer_bytes = 0;
};
RunCost run_cost(const State& state, const NetInfo& info, int threads = 1);
// Per thread: an upper bound of every kernel's scratch_floats() * 4 for this layer.
int64_t layer_scratch_bytes(const Layer& layer, const LayerInfo& info);
// The largest layer_scratch_bytes of the valid layers from `first` on, times `threads`: the
// scratch a plan allocates (run_cost and the engine's memory check both read it).
int64_t run_scratch_bytes(const State& state, const NetInfo& info, int first, int threads);
// Output + weights as made and as packed (an upper bound of every kernel's packed_bytes()).
int64_t layer_kept_bytes(const Layer& layer, const LayerInfo& info);

// Ok, or the first budget the run breaks, with the numbers and the limit.
Status check_run_budget(const State& state, const NetInfo& info, int64_t max_plan_bytes = Limits::max_plan_bytes,
                        int threads = 1);

// "12 MiB", "3.2 GiB": a byte count as a person reads it.
std::string bytes_text(int64_t bytes);
// " on N threads" when N > 1, else "": scratch is counted once per thread, so a memory refusal
// on several threads names them (one thread, as in the CLI or an ordinary page, may pass).
std::string threads_text(int threads);

}  // namespace cp
