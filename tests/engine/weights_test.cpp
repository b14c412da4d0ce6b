// Weight presets: what each one does to an image, and PyTorch's init bounds for `rand`.
#include <gtest/gtest.h>

#include <cmath>

#include "core/codec.hpp"
#include "engine/net.hpp"
#include "engine/samples.hpp"
#include "engine/weights.hpp"

namespace {

// Runs `text` on its sample image into `out`, which then has every layer. A fatal failure (and
// no dereference) otherwise: call through ASSERT_NO_FATAL_FAILURE.
void run(const std::string& text, cp::NetRun& out) {
    auto s = cp::parse_state(text);
    ASSERT_TRUE(s.ok()) << text << ": " << s.status().message;
    auto in = cp::make_sample(*s);
    ASSERT_TRUE(in.ok()) << text << ": " << in.status().message;
    auto r = cp::run_net(*s, *in);
    ASSERT_TRUE(r.ok()) << text << ": " << r.status().message;
    ASSERT_TRUE(r->info.ok()) << text;
    ASSERT_EQ(r->layers.size(), s->net.size()) << text;
    out = std::move(*r);
}

TEST(Weights, IdentityWithSamePaddingReturnsTheInput) {
    auto s = cp::parse_state("v=1&in=3x9x7&img=photo&net=conv2d(out=3,k=3,p=same,w=identity,bias=0)");
    ASSERT_TRUE(s.ok()) << s.status().message;
    auto in = cp::make_sample(*s);
    ASSERT_TRUE(in.ok()) << in.status().message;
    auto r = cp::run_net(*s, *in);
    ASSERT_TRUE(r.ok()) << r.status().message;
    EXPECT_EQ(r->layers[0].output.data, in->data);
}

TEST(Weights, SobelXOnAHorizontalRampIsConstantInside) {
    // gradient image: R = x/(W-1); sobel x = 8 * step in the interior
    cp::NetRun r;
    ASSERT_NO_FATAL_FAILURE(run("v=1&in=3x8x11&img=gradient&net=conv2d(out=3,k=3,w=sobelx,bias=0)", r));
    const cp::Tensor& o = r.layers[0].output;
    const float want = 8.0f / 10.0f;
    for (int64_t y = 0; y < 6; ++y)
        for (int64_t x = 0; x < 9; ++x) EXPECT_NEAR(o.data[size_t(y * 9 + x)], want, 1e-5);
    // sobel y on the same channel sees no vertical change
    cp::NetRun ry;
    ASSERT_NO_FATAL_FAILURE(run("v=1&in=3x8x11&img=gradient&net=conv2d(out=3,k=3,w=sobely,bias=0)", ry));
    for (int64_t i = 0; i < 6 * 9; ++i) EXPECT_NEAR(ry.layers[0].output.data[size_t(i)], 0.0f, 1e-5);
}

TEST(Weights, BoxAndGaussSumToOne) {
    for (const char* p : {"box", "gauss"}) {
        cp::NetRun r;
        ASSERT_NO_FATAL_FAILURE(run(std::string("v=1&in=1x6x6&img=checker&net=conv2d(out=1,k=5,w=") + p + ")", r));
        double sum = 0;
        for (float v : r.layers[0].weights.weight.data) sum += v;
        EXPECT_NEAR(sum, 1.0, 1e-6) << p;
        EXPECT_FLOAT_EQ(r.layers[0].weights.bias.data[0], 0.0f);
    }
}

TEST(Weights, LaplaceSumsToZeroAndSharpenToOne) {
    cp::NetRun l;
    ASSERT_NO_FATAL_FAILURE(run("v=1&in=1x6x6&net=conv2d(out=1,k=3,w=laplace)", l));
    cp::NetRun s;
    ASSERT_NO_FATAL_FAILURE(run("v=1&in=1x6x6&net=conv2d(out=1,k=3,w=sharpen)", s));
    double sl = 0, ss = 0;
    for (float v : l.layers[0].weights.weight.data) sl += v;
    for (float v : s.layers[0].weights.weight.data) ss += v;
    EXPECT_NEAR(sl, 0.0, 1e-6);
    EXPECT_NEAR(ss, 1.0, 1e-6);
    EXPECT_FLOAT_EQ(l.layers[0].weights.weight.data[4], -4.0f);
}

TEST(Weights, BilinearTransposedConvUpsamplesAConstantToAConstant) {
    // k=4 s=2 p=1 bilinear kernel: every interior output of a constant input is the constant
    cp::NetRun r;
    ASSERT_NO_FATAL_FAILURE(run("v=1&in=1x6x6&img=impulse&net=convT2d(out=1,k=4,s=2,p=1,w=bilinear,bias=0)", r));
    const auto& w = r.layers[0].weights.weight.data;
    EXPECT_NEAR(w[0], 0.0625f, 1e-7);  // (1 - 1.5/2)^2
    EXPECT_NEAR(w[5], 0.5625f, 1e-7);  // (1 - 0.5/2)^2
    auto s = cp::parse_state("v=1&in=1x6x6&net=convT2d(out=1,k=4,s=2,p=1,w=bilinear,bias=0)");
    ASSERT_TRUE(s.ok()) << s.status().message;
    cp::Tensor ones(cp::Dims{1, 1, 6, 6});
    for (auto& v : ones.data) v = 1.0f;
    auto rr = cp::run_net(*s, ones);
    ASSERT_TRUE(rr.ok()) << rr.status().message;
    const cp::Tensor& o = rr->layers[0].output;
    for (int64_t y = 1; y < 11; ++y)
        for (int64_t x = 1; x < 11; ++x) EXPECT_NEAR(o.data[size_t(y * 12 + x)], 1.0f, 1e-6);
}

TEST(Weights, RandFollowsPyTorchBoundsAndSeed) {
    // conv 3->16 k3: fan_in = 3*9 = 27; convT 16->3 k3: fan_in = weight.size(1)*9 = 27
    for (const char* net : {"conv2d(out=16,k=3)", "convT2d(out=3,k=3)"}) {
        const std::string in = std::string(net).find("convT") == 0 ? "16x8x8" : "3x8x8";
        cp::NetRun a;
        ASSERT_NO_FATAL_FAILURE(run("v=1&in=" + in + "&net=" + net, a));
        cp::NetRun b;
        ASSERT_NO_FATAL_FAILURE(run("v=1&in=" + in + "&net=" + net, b));
        cp::NetRun c;
        ASSERT_NO_FATAL_FAILURE(run("v=1&in=" + in + "&seed=1&net=" + net, c));
        const float bound = 1.0f / std::sqrt(27.0f);
        float mx = 0;
        for (float v : a.layers[0].weights.weight.data) mx = std::max(mx, std::fabs(v));
        for (float v : a.layers[0].weights.bias.data) mx = std::max(mx, std::fabs(v));
        EXPECT_LE(mx, bound);
        EXPECT_GT(mx, 0.9f * bound);  // and it uses the whole range
        EXPECT_EQ(a.layers[0].weights.weight.data, b.layers[0].weights.weight.data);
        EXPECT_NE(a.layers[0].weights.weight.data, c.layers[0].weights.weight.data);
    }
}

TEST(Weights, ExplicitValuesAreUsedAsGiven) {
    cp::NetRun r;
    ASSERT_NO_FATAL_FAILURE(run("v=1&in=1x4&img=gradient&net=conv1d(out=1,k=2,wv=1_-1,bv=0.5)", r));
    EXPECT_EQ(r.layers[0].weights.weight.data, (cp::Tensor::Data{1, -1}));
    EXPECT_FLOAT_EQ(r.layers[0].weights.bias.data[0], 0.5f);
}

// Two identical layers of one stack get unrelated `rand` weights (PyTorch draws each layer's
// anew): with the generator's seed used as its state, seed s + 1 gave seed s's draws one later,
// so layer 2's weights were layer 1's shifted by one position.
TEST(Weights, NeighbouringSeedsAreNotShiftedCopies) {
    auto s = cp::parse_state("v=1&in=4x8x8&net=conv2d(out=4,k=3);conv2d(out=4,k=3)");
    ASSERT_TRUE(s.ok()) << s.status().message;
    const cp::NetInfo info = cp::net_info(*s);
    const cp::Tensor a = cp::make_weights(s->net[0], info.layers[0], cp::layer_seed(*s, 0)).weight;
    const cp::Tensor b = cp::make_weights(s->net[1], info.layers[1], cp::layer_seed(*s, 1)).weight;
    ASSERT_EQ(a.data.size(), b.data.size());
    for (size_t shift = 0; shift < 16; ++shift) {
        size_t same = 0;
        for (size_t i = 0; i + shift < a.data.size(); ++i) same += a.data[i + shift] == b.data[i];
        EXPECT_LT(same, 3u) << "layer 2's weights are layer 1's shifted by " << shift;
    }
}

}  // namespace
