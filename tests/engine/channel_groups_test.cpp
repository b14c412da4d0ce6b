// The channel mapping (core/channel_groups.hpp) against the engine: its weight shape is the one
// make_weights builds (PyTorch's layout), and perturbing one input channel of random grouped,
// depthwise and per-channel layers changes exactly the output channels it says that channel feeds
// (reference kernels; positive weights and a zero base input, so nothing cancels).
#include <gtest/gtest.h>

#include <random>

#include "core/channel_groups.hpp"
#include "core/codec.hpp"
#include "engine/net.hpp"
#include "engine/weights.hpp"

namespace {

// One layer with groups among the divisors of both channel counts.
std::string random_layer(std::mt19937& rng) {
    auto num = [&](int lo, int hi) { return lo + int(rng() % unsigned(hi - lo + 1)); };
    const bool one_d = rng() % 2 == 0;
    const int g = num(1, 4), cin = g * num(1, 3), cout = g * num(1, 3);
    const std::string d = one_d ? "1d" : "2d";
    std::string s = "v=1&in=" + std::to_string(cin) + "x5" + (one_d ? "" : "x4") + "&net=";
    switch (rng() % 4) {
        case 0: return s + "conv" + d + "(out=" + std::to_string(cout) + ",k=3,p=1,bias=0,g=" + std::to_string(g) + ")";
        case 1: return s + "convT" + d + "(out=" + std::to_string(cout) + ",k=2,s=2,bias=0,g=" + std::to_string(g) + ")";
        case 2: return s + "conv" + d + "(out=" + std::to_string(cin * num(1, 2)) + ",k=3,bias=0,g=" + std::to_string(cin) + ")";
        default: return s + (rng() % 2 ? "maxpool" + d + "(k=2)" : "relu");
    }
}

TEST(ChannelGroups, MatchWeightShapeAndWhatTheKernelsRead) {
    std::mt19937 rng(11);
    for (int trial = 0; trial < 60; ++trial) {
        const std::string text = random_layer(rng);
        auto parsed = cp::parse_state(text);
        ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().message;
        cp::State s = *parsed;
        const cp::NetInfo info = cp::net_info(s);
        ASSERT_TRUE(info.ok()) << text << ": " << info.layers[0].status.message;
        const cp::LayerInfo& li = info.layers[0];
        cp::Layer& L = s.net[0];
        const cp::ChannelGroups g = cp::channel_groups(L, li);
        ASSERT_EQ(g.in_channels, li.in[1]) << text;
        ASSERT_EQ(g.out_channels, li.out[1]) << text;
        if (L.has_weights()) {
            const cp::LayerWeights w = cp::make_weights(L, li, 1);
            EXPECT_EQ(w.weight.shape[0], g.weight_dim0) << text;
            EXPECT_EQ(w.weight.shape[1], g.weight_dim1) << text;
            EXPECT_EQ(g.depthwise, L.groups > 1 && L.groups == li.in[1]) << text;
            // Positive weights: no path cancels.
            std::uniform_real_distribution<float> u(0.5f, 1.0f);
            L.weight_values.resize(size_t(w.weight.numel()));
            for (float& v : L.weight_values) v = u(rng);
        }
        cp::RunOptions opt;
        opt.reference_only = true;
        cp::Tensor base(li.in);
        auto r0 = cp::run_net(s, base, opt);
        ASSERT_TRUE(r0.ok()) << text << ": " << r0.status().message;
        const int64_t plane_in = base.numel() / li.in[1];
        for (int64_t ci = 0; ci < g.in_channels; ++ci) {
            cp::Tensor in(li.in);
            for (int64_t i = 0; i < plane_in; ++i) in.data[size_t(ci * plane_in + i)] = 1.0f;
            auto r = cp::run_net(s, in, opt);
            ASSERT_TRUE(r.ok()) << text;
            const cp::Tensor& a = r0->layers[0].output;
            const cp::Tensor& b = r->layers[0].output;
            const int64_t plane_out = a.numel() / li.out[1];
            for (int64_t co = 0; co < g.out_channels; ++co) {
                bool changed = false;
                for (int64_t i = 0; i < plane_out; ++i) changed |= a.data[size_t(co * plane_out + i)] != b.data[size_t(co * plane_out + i)];
                EXPECT_EQ(changed, g.feeds(ci, co)) << text << "  input " << ci << " -> output " << co;
                if (g.feeds(ci, co)) {
                    EXPECT_LE(g.first_input(co), ci) << text;
                }
            }
        }
    }
}

TEST(ChannelGroups, SaysDepthwiseAndGroupsInWords) {
    auto words = [](const std::string& text) {
        auto s = cp::parse_state(text);
        const cp::NetInfo info = cp::net_info(*s);
        return cp::channel_groups(s->net[0], info.layers[0]);
    };
    const cp::ChannelGroups dw = words("v=1&in=4x8x8&net=conv2d(out=8,k=3,g=4)");
    EXPECT_TRUE(dw.depthwise);
    EXPECT_EQ(dw.out_per_group, 2);
    EXPECT_EQ(dw.summary, "Depthwise (groups = in_channels = 4): each input channel has its own 2 filters and feeds only "
                          "output channels c*2 .. c*2+1 (weight [8, 1, k...]).");
    const cp::ChannelGroups t = words("v=1&in=6x8&net=convT1d(out=4,k=3,g=2)");
    EXPECT_FALSE(t.depthwise);
    EXPECT_EQ(t.weight_dim0, 6);
    EXPECT_EQ(t.weight_dim1, 2);
    EXPECT_EQ(t.summary, "groups=2: the 6 inputs and 4 outputs split into 2 blocks; each block of 2 output channels reads "
                         "only its own 3 input channels (weight [6, 2, k...]).");
    EXPECT_TRUE(words("v=1&in=3x8x8&net=maxpool2d(k=2)").per_channel);
}

}  // namespace
