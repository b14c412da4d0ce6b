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

std::string threads_text(int threads) { return threads > 1 ? " on " + std::to_string(threads) + " threads" : ""; }

namespace {

// A dense 3x3 stride-1 2-d conv: the registry may give it the Winograd kernel.
bool winograd_shape(const Layer& L, const LayerInfo& info) {
    if (L.op != Op::Conv || info.axes != 2) return false;
    const AxisInfo &y = info.axis[0], &x = info.axis[1];
    return y.kernel == 3 && x.kernel == 3 && y.stride == 1 && x.stride == 1;
}

// Weights as made (4 bytes each) and as packed: at most 25/9 floats per weight for a 3x3
// stride-1 conv (the Winograd kernel's 16 positions per 9 taps, plus the direct kernel it falls
// back to), 5 for a transposed conv (Winograd on its phases: along x a 1-tap phase makes 2
// positions, along y a 2-tap phase 4, at most 2 x 2 per tap; plus one more float per weight:
// the weights packed per phase for its fallback's direct sums), else 1.
// A conv also keeps one int32 offset per (tap, input channel of a group) for the direct kernel's
// flat tiles (kernels/conv_tile.hpp, conv_tile_flat; the Winograd kernel's fallback has them too).
// A depthwise conv keeps a row of zeros as wide as its input instead, which the 3x3 kernels that
// read the input in place take for a padding row (kernels/depthwise_simd.cpp): counted for every
// grouped conv.
int64_t layer_weight_bytes(const Layer& L, const LayerInfo& info) {
    const int64_t made = sat_mul(info.params, 4);
    int64_t tables = 0;  // the offsets, and the depthwise zero row
    if (L.op == Op::Conv) {
        tables = sat_mul(4, info.in_channels / std::max<int64_t>(1, L.groups));
        for (int a = 0; a < info.axes; ++a) tables = sat_mul(tables, info.axis[size_t(a)].kernel);
        if (L.groups > 1 && info.axes > 0) tables = sat_add(tables, sat_mul(4, info.axis[size_t(info.axes - 1)].in));
    }
    if (winograd_shape(L, info)) return sat_add(sat_add(made, sat_mul(made, 25) / 9), tables);
    if (L.op == Op::ConvT) return sat_add(made, sat_mul(made, 5));
    return sat_add(sat_add(made, made), tables);
}

}  // namespace

int64_t layer_kept_bytes(const Layer& L, const LayerInfo& info) {
    return sat_add(sat_mul(sat_count(info.out), 4), layer_weight_bytes(L, info));
}

WinogradConvBuffers winograd_conv_buffers(int64_t c_in, int64_t c_out, int64_t pw, int64_t ow, int64_t rows,
                                          int64_t dh, int64_t dw) {
    // Bytes of V and M per chunk of tiles (both stay in the L2 cache between transform and GEMM).
    // bench/ab.mjs against 64 and 256 KiB (load 1.5, min and median of both orders): 64 KiB took
    // 1.00-1.06x this one's time, 256 KiB 0.99-1.04x (conv 64->64 0.94-0.98x: one chunk a row).
    constexpr int64_t kChunkBytes = 128 << 10;
    WinogradConvBuffers b;
    const int64_t tiles0 = ((ow + dw - 1) / dw + 1) / 2;  // tiles of residue class 0, the widest
    b.nvec = std::max<int64_t>(1, (tiles0 + 3) / 4);
    b.chunk_vecs = std::clamp<int64_t>(kChunkBytes / (16 * 16 * (c_in + c_out)), 1, b.nvec);
    b.txs = 4 * b.chunk_vecs + 4;  // + 4: channel planes not a power of two apart
    b.rbp = 8 * b.nvec + 8;
    // Vectors read phase columns up to 4*nvec (the second half of a tile's inputs).
    const int64_t cols = (std::max<int64_t>(0, pw) + 2 * dw - 1) / (2 * dw);
    b.extra_cols = std::max<int64_t>(kPaddedRowMargin, 4 * b.nvec + 1 - cols);
    b.phase_cols = cols + b.extra_cols;
    // A band holds tile rows [t0, t0 + band_t) of every residue class: padded rows
    // [2*dh*t0, 2*dh*(t0 + band_t - 1) + 4*dh).
    const int64_t row = sat_mul(c_in, sat_mul(2 * dw, b.phase_cols));
    b.band_t = std::max<int64_t>(1, (band_rows_in_cache(row) - 4 * dh) / (2 * dh) + 1);
    b.band_rows = std::min(std::max<int64_t>(1, rows), 2 * dh * b.band_t + 2 * dh);
    b.band_floats = sat_mul(b.band_rows, row);
    b.vm_floats = sat_mul(16 * (c_in + c_out), b.txs);
    b.row_floats = sat_mul(2 * dw * c_out, b.rbp);
    return b;
}

WinogradConvTBuffers winograd_convt_buffers(int64_t c_in, int64_t c_out, int64_t ow, int64_t sw, int ty, int tx) {
    WinogradConvTBuffers b;
    sw = std::max<int64_t>(1, sw);
    const int64_t qw = sat_add(ow, sw - 1) / sw;  // columns of the widest column phase
    b.nvec = (qw / 2 + qw % 2 + 3) / 4;           // ceil(ceil(qw / 2) / 4), without overflow
    b.txs = sat_add(sat_mul(4, b.nvec), 4);       // + 4: channel planes not a power of two apart
    b.rbp = sat_add(sat_mul(8, b.nvec), 8);
    b.npos = convt_winograd::npos_y(ty) * convt_winograd::npos_x(tx);
    b.rows = convt_winograd::rows_y(ty);
    b.v_floats = sat_mul(sat_mul(b.npos, c_in), b.txs);
    b.m_floats = sat_mul(sat_mul(b.npos, c_out), b.txs);
    b.row_floats = sat_mul(sat_mul(sat_mul(b.rows, sw), c_out), b.rbp);
    return b;
}

WinogradConvTCopy winograd_convt_copy(int64_t c_in, int64_t h, int64_t w, int64_t qh, int64_t nvec, int64_t my,
                                      int64_t cy, int64_t mx, int64_t cx) {
    WinogradConvTCopy c;
    // Rows read: up to (tile rows * 3 - 1) + c0 + margin + 1; columns up to 8*nvec - 2 + c0 + margin + 2.
    c.rows = std::max(sat_add(h, my), sat_add(sat_mul(3, (qh + 2) / 3), cy + my + 2));
    c.cols = std::max(sat_add(w, mx), sat_add(sat_mul(8, nvec), cx + mx + 2));
    c.floats = sat_mul(sat_mul(c_in, 2), sat_mul(c.rows, padded_phase_cols(c.cols, 2, kPaddedRowMargin)));
    return c;
}

int64_t layer_scratch_bytes(const Layer& L, const LayerInfo& info) {
    if (L.is_activation() || L.op == Op::Crop || info.in.size() < 3) return 0;  // no padded copy
    // The padded copy of one batch item the kernels slide over, with room for column margins
    // (kPaddedRowMargin floats past every stride phase's row, and one a phase for rounding its
    // columns up) and ceil-mode windows; a transposed conv's buffers also hold a kernel's reach
    // around the input.
    int64_t floats = info.in[1], spans[kMaxAxes] = {};
    for (int a = 0; a < info.axes; ++a) {
        const AxisInfo& x = info.axis[size_t(a)];
        int64_t span = sat_add(sat_add(x.in, std::llabs(x.pad_before)), std::llabs(x.pad_after));
        span = sat_add(span, sat_add(sat_mul(2, x.eff_kernel), sat_mul(x.stride, kPaddedRowMargin + 1)));
        floats = sat_mul(floats, span);
        spans[a] = span;
    }
    if (L.op == Op::ConvT) {
        floats = sat_add(floats, sat_mul(info.out_channels, sat_mul(info.out.back() + 16, 32)));
        // The sub-pixel kernel's row pairs (kernels/conv_simd.cpp, kernel height 3 and stride 2 with
        // dilation 1 along y, stride 2 along x): two difference rows of every input channel, in
        // planes of kRowPairPlaneRows rows as wide as a padded row, and kFlagFloats floats of
        // flags per band row (at most the padded rows).
        const AxisInfo& ya = info.axis[0];
        if (info.axes == 2 && ya.kernel == 3 && ya.stride == 2 && ya.dilation == 1 && info.axis[1].stride == 2)
            floats = sat_add(floats, sat_add(sat_mul(info.in[1], sat_mul(kRowPairPlaneRows, spans[1])),
                                             sat_mul(kFlagFloats, spans[0])));
        // The registry may give a transposed conv with dilation 1 and every phase of at most 2 taps
        // (k <= 2s: a phase has ceil(k/s) taps at most) the Winograd kernel instead: its padded
        // copy, V, M, row buffer and kFlagFloats floats of flags per padded row. A 1-d layer runs
        // as a 2-d one of height 1 (as_hw).
        const auto [y, x] = as_hw(info.axes, info.axis, AxisInfo::unit());
        const auto taps = [](const AxisInfo& a) { return (a.kernel + a.stride - 1) / std::max<int64_t>(1, a.stride); };
        const auto floor_div = [](int64_t n, int64_t d) { return n >= 0 ? n / d : -((-n + d - 1) / d); };
        // Phase r's tap k reads input q + (r + p - k) / s: before the input by at most the last
        // tap's offset (exact), from q by at most the first tap's of the last phase (a bound).
        const auto before = [&](const AxisInfo& a) {
            return std::max<int64_t>(0, floor_div(a.kernel - 1 - a.pad_before, std::max<int64_t>(1, a.stride)));
        };
        const auto first = [&](const AxisInfo& a) {
            const int64_t s = std::max<int64_t>(1, a.stride);
            return std::max<int64_t>(0, floor_div(s - 1 + a.pad_before, s));
        };
        if (y.dilation == 1 && x.dilation == 1 && taps(y) <= 2 && taps(x) <= 2) {
            const WinogradConvTBuffers b =
                winograd_convt_buffers(info.in[1], info.out_channels, x.out, x.stride, int(taps(y)), int(taps(x)));
            const int64_t qh = (y.out + y.stride - 1) / std::max<int64_t>(1, y.stride);
            const WinogradConvTCopy c =
                winograd_convt_copy(info.in[1], y.in, x.in, qh, b.nvec, before(y), first(y), before(x), first(x));
            const int64_t own = sat_add(sat_add(c.floats, sat_add(b.v_floats, b.m_floats)),
                                        sat_add(b.row_floats, sat_mul(kFlagFloats, c.rows)));
            floats = std::max(floats, own);  // one kernel runs: the sub-pixel one's buffers (above) or these
        }
    }
    if (L.is_pool()) floats = sat_add(floats, pool_divisor_floats(info.out.back()));  // average pooling's divisors
    // A 1x1 conv copies chunks of pixels of every input channel into two buffers, whatever the image.
    if (L.op == Op::Conv) floats = sat_add(floats, sat_mul(2 * info.in[1], kPointwiseChunkStride));
    if (winograd_shape(L, info)) {
        // The Winograd kernel: kFlagFloats floats of flags per band row, then either its own
        // buffers (band, V and M, row buffer) or the direct kernel's (the padded copy above). Its
        // padded copy has at most 4*dh rows past the padded height (the last tiles' reads); fewer
        // rows make no bigger band.
        const AxisInfo &y = info.axis[0], &x = info.axis[1];
        const int64_t pw = x.in + x.pad_before + x.pad_after;
        const int64_t rows = sat_add(std::max<int64_t>(0, y.in + y.pad_before + y.pad_after), 4 * y.dilation);
        const WinogradConvBuffers b =
            winograd_conv_buffers(info.in[1], info.out_channels, pw, x.out, rows, y.dilation, x.dilation);
        floats = sat_add(floats, sat_add(sat_add(sat_mul(kFlagFloats, b.band_rows), b.band_floats),
                                         sat_add(b.vm_floats, b.row_floats)));
    }
    return sat_mul(floats, 4);
}

int64_t run_scratch_bytes(const State& state, const NetInfo& info, int first, int threads) {
    int64_t scratch = 0;
    for (size_t i = size_t(std::max(0, first)); i < info.layers.size() && i < state.net.size(); ++i) {
        if (!info.layers[i].status.ok) break;
        scratch = std::max(scratch, layer_scratch_bytes(state.net[i], info.layers[i]));
    }
    return sat_mul(scratch, std::max(1, threads));
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

RunCost run_cost(const State& state, const NetInfo& info, int threads) {
    RunCost c;
    c.input_bytes = sat_mul(sat_count(info.input), 4);
    for (size_t i = 0; i < info.layers.size() && i < state.net.size(); ++i) {
        const LayerInfo& L = info.layers[i];
        if (!L.status.ok) break;
        const int64_t kept = layer_kept_bytes(state.net[i], L);
        const int64_t b = sat_add(kept, sat_mul(layer_scratch_bytes(state.net[i], L), std::max(1, threads)));
        c.total_bytes = sat_add(c.total_bytes, kept);
        c.macs = sat_add(c.macs, layer_work(state.net[i], L));
        if (b > c.worst_layer_bytes) c.worst_layer_bytes = b, c.worst_layer = int(i);
        if (sat_mul(sat_count(L.out), 4) > c.largest_output_bytes)
            c.largest_output_bytes = sat_mul(sat_count(L.out), 4), c.largest_output = int(i);
    }
    c.total_bytes = sat_add(sat_add(c.total_bytes, c.input_bytes), run_scratch_bytes(state, info, 0, threads));
    return c;
}

Status check_run_budget(const State& state, const NetInfo& info, int64_t max_plan_bytes, int threads) {
    const std::string hint = "use a smaller input, fewer channels or fewer layers";
    const std::string on_threads = threads_text(threads);
    int64_t pixels = 1;
    for (size_t a = 2; a < info.input.size(); ++a) pixels = sat_mul(pixels, info.input[a]);
    if (pixels > Limits::max_input_pixels)
        return Status::error("the input is " + shape_text(info.input) + ": " + std::to_string(pixels) +
                                 " pixels per channel (at most " + std::to_string(Limits::max_input_pixels) + ")",
                             "use a smaller input");
    const RunCost c = run_cost(state, info, threads);
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
                                 bytes_text(layer_weight_bytes(layer, L)) + ", scratch " +
                                 bytes_text(sat_mul(layer_scratch_bytes(layer, L), std::max(1, threads))) + on_threads +
                                 " (at most " +
                                 bytes_text(Limits::max_layer_bytes) + " per layer)",
                             hint);
    }
    if (c.total_bytes > max_plan_bytes)
        return Status::error("this stack needs " + bytes_text(c.total_bytes) + on_threads + " (at most " + bytes_text(max_plan_bytes) +
                                 " for the input and every layer)",
                             hint);
    if (c.macs > Limits::max_run_macs)
        return Status::error("this stack needs " + std::to_string(c.macs / 1000000) + " million multiply-adds (at most " +
                                 std::to_string(Limits::max_run_macs / 1000000) + " million per run)",
                             hint);
    return {};
}

}  // namespace cp
