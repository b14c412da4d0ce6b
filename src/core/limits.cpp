// The run budget (see limits.hpp): every figure comes from the shape arithmetic of core/shapes,
// saturated, so a hostile state costs a few multiplications and no allocation.
#include "core/limits.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/codec.hpp"

namespace cp {

int64_t sat_count(const Dims& d) {
    int64_t n = 1;
    for (int64_t v : d) n = v <= 0 ? 0 : sat_mul(n, v);
    return n;
}

std::string bytes_text(int64_t bytes) {
    char buf[48];
    if (bytes < 1024) std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(bytes));
    else if (bytes >= (int64_t(10) << 30)) std::snprintf(buf, sizeof buf, "%lld GiB", static_cast<long long>(bytes >> 30));
    else if (bytes >= (int64_t(1) << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(int64_t(1) << 30));
    else if (bytes >= (int64_t(1) << 20)) std::snprintf(buf, sizeof buf, "%lld MiB", static_cast<long long>(bytes >> 20));
    else std::snprintf(buf, sizeof buf, "%lld KiB", static_cast<long long>(bytes >> 10));
    return buf;
}

int64_t layer_kept_bytes(const LayerInfo& info) {
    // Output, weights as made and as packed.
    return sat_add(sat_mul(sat_count(info.out), 4), sat_mul(info.params, 8));
}

int64_t layer_scratch_bytes(const Layer& L, const LayerInfo& info) {
    if (L.is_activation() || L.op == Op::Crop || info.in.size() < 3) return 0;  // no padded copy
    // The padded copy of one batch item the kernels slide over, with room for column margins
    // and stride phases; a transposed conv's buffers also hold a kernel's reach around the input.
    int64_t floats = info.in[1];
    for (int a = 0; a < info.axes; ++a) {
        const AxisInfo& x = info.axis[size_t(a)];
        int64_t span = sat_add(sat_add(x.in, std::llabs(x.pad_before)), std::llabs(x.pad_after));
        span = sat_add(span, sat_add(sat_mul(2, x.eff_kernel), sat_add(x.stride, 16)));
        floats = sat_mul(floats, span);
    }
    if (L.op == Op::ConvT) floats = sat_add(floats, sat_mul(info.out_channels, sat_mul(info.out.back() + 16, 32)));
    return sat_mul(floats, 4);
}

namespace {

// Multiply-adds of conv layers (LayerInfo.macs), window reads of pools, taps of upsampling.
int64_t layer_work(const Layer& L, const LayerInfo& info) {
    if (L.has_weights()) return info.macs;
    int64_t taps = 1;
    if (L.is_pool())
        for (int a = 0; a < info.axes; ++a) taps = sat_mul(taps, info.axis[size_t(a)].kernel);
    if (L.op == Op::Upsample) taps = 4;
    return sat_mul(sat_count(info.out), taps);
}

}  // namespace

RunCost run_cost(const State& state, const NetInfo& info) {
    RunCost c;
    c.input_bytes = sat_mul(sat_count(info.input), 4);
    int64_t scratch = 0;
    for (size_t i = 0; i < info.layers.size() && i < state.net.size(); ++i) {
        const LayerInfo& L = info.layers[i];
        if (!L.status.ok) break;
        const int64_t kept = layer_kept_bytes(L);
        const int64_t s = layer_scratch_bytes(state.net[i], L);
        const int64_t b = sat_add(kept, s);
        c.total_bytes = sat_add(c.total_bytes, kept);
        scratch = std::max(scratch, s);
        c.macs = sat_add(c.macs, layer_work(state.net[i], L));
        if (b > c.worst_layer_bytes) c.worst_layer_bytes = b, c.worst_layer = int(i);
        if (sat_mul(sat_count(L.out), 4) > c.largest_output_bytes)
            c.largest_output_bytes = sat_mul(sat_count(L.out), 4), c.largest_output = int(i);
    }
    c.total_bytes = sat_add(sat_add(c.total_bytes, c.input_bytes), scratch);
    return c;
}

Status check_run_budget(const State& state, const NetInfo& info, int64_t max_plan_bytes) {
    const std::string hint = "use a smaller input, fewer channels or fewer layers";
    int64_t pixels = 1;
    for (size_t a = 2; a < info.input.size(); ++a) pixels = sat_mul(pixels, info.input[a]);
    if (pixels > Limits::max_input_pixels)
        return Status::error("the input is " + shape_text(info.input) + ": " + std::to_string(pixels) +
                                 " pixels per channel (at most " + std::to_string(Limits::max_input_pixels) + ")",
                             "use a smaller input");
    const RunCost c = run_cost(state, info);
    if (c.input_bytes > Limits::max_tensor_bytes)
        return Status::error("the input " + shape_text(info.input) + " needs " + bytes_text(c.input_bytes) +
                                 " (at most " + bytes_text(Limits::max_tensor_bytes) + " per tensor)",
                             "use a smaller input, batch or fewer channels");
    if (c.largest_output_bytes > Limits::max_tensor_bytes) {
        const LayerInfo& L = info.layers[size_t(c.largest_output)];
        return Status::error("layer " + std::to_string(c.largest_output + 1) + " (" +
                                 print_layer(state.net[size_t(c.largest_output)]) + ") makes " + shape_text(L.out) +
                                 ": " + bytes_text(c.largest_output_bytes) + " (at most " +
                                 bytes_text(Limits::max_tensor_bytes) + " per tensor)",
                             hint);
    }
    if (c.worst_layer >= 0 && c.worst_layer_bytes > Limits::max_layer_bytes) {
        const LayerInfo& L = info.layers[size_t(c.worst_layer)];
        const Layer& layer = state.net[size_t(c.worst_layer)];
        return Status::error("layer " + std::to_string(c.worst_layer + 1) + " (" + print_layer(layer) + ") needs " +
                                 bytes_text(c.worst_layer_bytes) + ": output " + shape_text(L.out) + " " +
                                 bytes_text(sat_mul(sat_count(L.out), 4)) + ", weights " +
                                 bytes_text(sat_mul(L.params, 8)) + ", scratch " +
                                 bytes_text(layer_scratch_bytes(layer, L)) + " (at most " +
                                 bytes_text(Limits::max_layer_bytes) + " per layer)",
                             hint);
    }
    if (c.total_bytes > max_plan_bytes)
        return Status::error("this stack needs " + bytes_text(c.total_bytes) + " (at most " + bytes_text(max_plan_bytes) +
                                 " for the input and every layer)",
                             hint);
    if (c.macs > Limits::max_run_macs)
        return Status::error("this stack needs " + std::to_string(c.macs / 1000000) + " million multiply-adds (at most " +
                                 std::to_string(Limits::max_run_macs / 1000000) + " million per run)",
                             hint);
    return {};
}

}  // namespace cp
