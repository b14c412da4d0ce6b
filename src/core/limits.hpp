// Every budget convplay enforces, in one table, and the check that applies the run budgets to a
// planned stack from its shape arithmetic alone, before anything is allocated. The README's
// limits table explains each number; messages quote the numbers and the limit.
#pragma once
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

// What running the valid layers of `info` needs. Scratch is an upper bound of what the kernels
// ask for (the padded input of one batch item), so a plan that passes never exceeds the budget.
struct RunCost {
    int64_t input_bytes = 0;
    int64_t total_bytes = 0;  // input, every output and weights, and the largest scratch (shared)
    int64_t macs = 0;  // conv multiply-adds plus pool/upsample window reads
    int largest_output = -1;
    int64_t largest_output_bytes = 0;
    int worst_layer = -1;
    int64_t worst_layer_bytes = 0;
};
RunCost run_cost(const State& state, const NetInfo& info);
int64_t layer_scratch_bytes(const Layer& layer, const LayerInfo& info);  // an upper bound
int64_t layer_kept_bytes(const LayerInfo& info);  // output + weights as made and as packed

// Ok, or the first budget the run breaks, with the numbers and the limit.
Status check_run_budget(const State& state, const NetInfo& info, int64_t max_plan_bytes = Limits::max_plan_bytes);

// "12 MiB", "3.2 GiB": a byte count as a person reads it.
std::string bytes_text(int64_t bytes);

}  // namespace cp
