// Property: for random states covering every field, parse(print(s)) == s and printing is stable.
#include <gtest/gtest.h>

#include <random>

#include "core/codec.hpp"

namespace {

cp::Layer random_layer(std::mt19937& r, int dims) {
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(r); };
    cp::Layer L;
    const int kind = pick(0, 9);
    const cp::Op ops[] = {cp::Op::Conv, cp::Op::ConvT,     cp::Op::MaxPool, cp::Op::AvgPool, cp::Op::Upsample,
                          cp::Op::Crop, cp::Op::ReLU,      cp::Op::LeakyReLU, cp::Op::Sigmoid, cp::Op::Tanh};
    L.op = ops[kind];
    L.dims = (L.has_weights() || L.is_pool() || L.op == cp::Op::Crop) ? dims : 0;
    const int axes = dims;
    auto axes_of = [&](int lo, int hi, int64_t unused = 1) {  // unused axes keep their default
        cp::Axes a{unused, unused};
        for (int i = 0; i < axes; ++i) a[i] = pick(lo, hi);
        return a;
    };
    if (L.has_weights() || L.is_pool()) {
        L.kernel = axes_of(1, 7);
        L.stride = pick(0, 2) ? axes_of(1, 4) : (L.is_pool() ? L.kernel : cp::Axes{1, 1});
        const int pk = pick(0, 5);
        if (pk < 3 || !L.has_weights()) {
            for (int a = 0; a < axes; ++a) {
                L.pad[2 * a] = pick(-2, 4);
                L.pad[2 * a + 1] = pk == 2 ? pick(0, 4) : L.pad[2 * a];
            }
        } else {
            L.pad_kind = pk == 3 ? cp::PadKind::Same : pk == 4 ? cp::PadKind::TfSame : cp::PadKind::Full;
        }
        if (L.op != cp::Op::AvgPool) L.dilation = axes_of(1, 3);
    }
    if (L.has_weights()) {
        L.out_channels = pick(1, 64);
        if (pick(0, 3) == 0) L.in_channels = pick(1, 64);
        L.groups = pick(1, 4);
        L.bias = pick(0, 1);
        L.padding_mode = static_cast<cp::PadMode>(pick(0, 3));
        L.preset = static_cast<cp::Preset>(pick(0, 8));
        if (pick(0, 2) == 0) L.seed = static_cast<uint32_t>(r());
        if (L.op == cp::Op::ConvT) L.output_padding = axes_of(0, 2, 0);
        if (pick(0, 4) == 0)
            for (int i = pick(1, 20); i > 0; --i) L.weight_values.push_back(std::uniform_real_distribution<float>(-10, 10)(r));
        if (L.bias && pick(0, 4) == 0) L.bias_values = {std::uniform_real_distribution<float>(-1, 1)(r)};
    }
    if (L.is_pool()) {
        L.ceil_mode = pick(0, 1);
        if (L.op == cp::Op::AvgPool) L.count_include_pad = pick(0, 1);
    }
    if (L.op == cp::Op::Upsample) {
        L.up_by_size = pick(0, 1);
        L.up_values = pick(1, 2);
        if (L.up_by_size) {
            L.size = {pick(1, 300), pick(1, 300)};
            if (L.up_values == 1) L.size[1] = L.size[0];
        } else {
            L.scale = {pick(1, 40) / 8.0, pick(1, 40) / 8.0};
            if (L.up_values == 1) L.scale[1] = L.scale[0];
        }
        L.mode = static_cast<cp::UpMode>(pick(0, 2));
        L.align_corners = static_cast<int8_t>(pick(-1, 1));
    }
    if (L.op == cp::Op::Crop)
        for (int a = 0; a < axes; ++a) {
            L.crop[2 * a] = pick(-1, 5);
            L.crop[2 * a + 1] = pick(0, 1) ? L.crop[2 * a] : pick(0, 5);
        }
    if (L.op == cp::Op::LeakyReLU) L.negative_slope = pick(0, 100) / 37.0;
    return L;
}

TEST(CodecProperty, RandomStatesRoundTrip) {
    std::mt19937 r(1234);
    for (int it = 0; it < 3000; ++it) {
        cp::State s;
        const int dims = 1 + int(r() % 2);
        s.in_shape = dims == 2 ? std::vector<int64_t>{1 + int64_t(r() % 16), 1 + int64_t(r() % 500), 1 + int64_t(r() % 500)}
                               : std::vector<int64_t>{1 + int64_t(r() % 16), 1 + int64_t(r() % 500)};
        s.batch = 1 + int64_t(r() % 4);
        s.image = cp::InputImage(r() % 7);
        s.seed = r() % 3 ? 0 : uint32_t(r());
        for (int i = int(r() % 8); i > 0; --i) s.net.push_back(random_layer(r, dims));
        const std::string text = cp::print_state(s);
        auto back = cp::parse_state(text);
        ASSERT_TRUE(back.ok()) << text << "\n" << back.status().message;
        ASSERT_EQ(back->net.size(), s.net.size());
        for (size_t i = 0; i < s.net.size(); ++i) {
            const cp::Layer &a = back->net[i], &b = s.net[i];
            ASSERT_EQ(a, b) << text << "\nlayer " << i << ": kernel " << a.kernel[1] << "/" << b.kernel[1] << " stride "
                            << a.stride[0] << "," << a.stride[1] << "/" << b.stride[0] << "," << b.stride[1] << " pad "
                            << a.pad[2] << a.pad[3] << "/" << b.pad[2] << b.pad[3] << " dil " << a.dilation[1] << "/"
                            << b.dilation[1] << " op " << a.output_padding[1] << "/" << b.output_padding[1]
                            << " slope " << a.negative_slope << "/" << b.negative_slope << " kind " << int(a.pad_kind)
                            << "/" << int(b.pad_kind) << " ac " << int(a.align_corners) << "/" << int(b.align_corners);
        }
        ASSERT_EQ(*back, s) << text;
        ASSERT_EQ(cp::print_state(*back), text);
        // and nothing in it needs percent-encoding in a URL fragment
        for (char c : text)
            ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || std::string("-._~(),;=&:").find(c) != std::string::npos)
                << "'" << c << "' in " << text;
    }
}

}  // namespace
