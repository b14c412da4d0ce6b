// Builds States from fuzz bytes, every number inside the range the state text accepts
// (CodecLimits) and biased toward its ends, so shape arithmetic runs at the caps.
#pragma once
#include "core/codec.hpp"
#include "fuzz/fuzz_support.hpp"

namespace cp::fuzz {

using Lim = CodecLimits;

inline void gen_axes(ByteReader& r, Axes& a, int64_t usual, int64_t lo, int64_t hi) {
    a[0] = r.mostly(usual, lo, hi);
    a[1] = r.flag() ? a[0] : r.mostly(usual, lo, hi);
}

inline Layer gen_layer(ByteReader& r, int input_dims) {
    Layer L;
    L.op = r.pick({Op::Conv, Op::ConvT, Op::MaxPool, Op::AvgPool, Op::Upsample, Op::Crop, Op::ReLU, Op::LeakyReLU,
                   Op::Sigmoid, Op::Tanh});
    const bool spatial_op = L.has_weights() || L.is_pool() || L.op == Op::Crop;
    // Mostly the input's rank; sometimes the other one (a rank mismatch is an error to report).
    L.dims = spatial_op ? (r.byte() % 8 == 0 ? 3 - input_dims : input_dims) : 0;
    const int axes = L.dims == 0 ? kMaxAxes : L.dims;
    auto axes_of = [&](Axes& a, int64_t usual, int64_t lo, int64_t hi) {
        gen_axes(r, a, usual, lo, hi);
        if (axes == 1) a[1] = L.op == Op::ConvT && &a == &L.output_padding ? 0 : 1;
    };
    const int64_t G = Lim::max_geometry, C = Lim::max_channels;
    if (L.op == Op::Crop) {
        for (int a = 0; a < axes; ++a) {
            L.crop[2 * a] = r.mostly(1, -Lim::max_geometry, Lim::max_geometry);
            L.crop[2 * a + 1] = r.flag() ? L.crop[2 * a] : r.mostly(0, -Lim::max_geometry, Lim::max_geometry);
        }
    } else if (spatial_op) {
        axes_of(L.kernel, r.edgy(1, G), -G, G);
        axes_of(L.stride, r.edgy(1, 8), -G, G);
        axes_of(L.dilation, 1, -G, G);
        switch (r.byte() % 6) {
            case 0: L.pad_kind = PadKind::Same; break;
            case 1: L.pad_kind = PadKind::Valid; break;
            case 2: L.pad_kind = PadKind::Full; break;
            case 3: L.pad_kind = PadKind::TfSame; break;
            default:
                for (int a = 0; a < axes; ++a) {
                    L.pad[2 * a] = r.mostly(0, -G, G);
                    L.pad[2 * a + 1] = r.flag() ? L.pad[2 * a] : r.mostly(0, -G, G);
                }
        }
    }
    if (L.has_weights()) {
        L.out_channels = r.mostly(r.edgy(1, C), -C, C);
        if (r.byte() % 4 == 0) L.in_channels = r.edgy(-C, C);
        if (L.op == Op::ConvT) axes_of(L.output_padding, 0, -G, G);
        L.groups = r.mostly(1, -C, C);
        L.bias = r.byte() % 4 != 0;
        L.padding_mode = r.pick({PadMode::Zeros, PadMode::Reflect, PadMode::Replicate, PadMode::Circular});
        L.preset = static_cast<Preset>(r.byte() % 9);
        if (r.flag()) L.seed = r.u32();
        // Explicit values only in small numbers (the text caps them at max_values anyway).
        if (r.byte() % 8 == 0) L.weight_values.resize(static_cast<size_t>(r.byte() % 32), r.pick({0.5f, -1e38f, 3.0f}));
        if (L.bias && r.byte() % 8 == 0) L.bias_values.resize(static_cast<size_t>(r.byte() % 8), 1.0f);
    }
    if (L.is_pool()) {
        L.ceil_mode = r.flag();
        if (L.op == Op::AvgPool) {
            L.count_include_pad = r.flag();
            L.dilation = {1, 1};  // not an AvgPool argument
        }
    }
    if (L.op == Op::Upsample) {
        L.up_values = r.flag() ? 2 : 1;
        L.up_by_size = r.flag();
        if (L.up_by_size) {
            gen_axes(r, L.size, r.edgy(1, G), -G, G);
            if (L.up_values == 1) L.size[1] = L.size[0];
        } else {
            for (double& s : L.scale)
                s = r.pick({0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 1e-9, -1.0, Lim::max_scale, 63.99, static_cast<double>(r.u32()) / 65536.0});
            if (L.scale[0] > Lim::max_scale) L.scale[0] = Lim::max_scale;
            if (L.scale[1] > Lim::max_scale) L.scale[1] = Lim::max_scale;
            if (L.up_values == 1) L.scale[1] = L.scale[0];
        }
        L.mode = r.pick({UpMode::Nearest, UpMode::Linear, UpMode::Bilinear});
        L.align_corners = static_cast<int8_t>(r.byte() % 3) - 1;
    }
    if (L.op == Op::LeakyReLU) L.negative_slope = r.pick({0.01, 0.0, -1.0, 1e6, 0.2});
    return L;
}

// An input shape and batch at or near the caps, and up to `max_layers` layers.
inline State gen_state(ByteReader& r, size_t max_layers) {
    State s;
    const int dims = r.flag() ? 1 : 2;
    s.in_shape.assign(static_cast<size_t>(dims) + 1, 1);
    s.in_shape[0] = r.edgy(1, Lim::max_channels);
    for (int a = 1; a <= dims; ++a) s.in_shape[static_cast<size_t>(a)] = r.edgy(1, Lim::max_geometry);
    s.batch = r.edgy(1, Lim::max_batch);
    s.seed = r.u32();
    const size_t n = r.byte() % (max_layers + 1);
    for (size_t i = 0; i < n; ++i) s.net.push_back(gen_layer(r, dims));
    return s;
}

}  // namespace cp::fuzz
