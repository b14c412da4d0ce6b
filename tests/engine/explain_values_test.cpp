// The Values view's numbers: for every output cell of small layers, the taps core lists (input
// value x weight, summed, plus bias; or the max / the average) give the value the reference
// kernels compute: conv (padding modes, strides), dilated, grouped, depthwise and transposed
// convs, 1-d layers, and pools (ceil_mode included).
#include <gtest/gtest.h>

#include <cmath>

#include "core/codec.hpp"
#include "core/explain_values.hpp"
#include "engine/plan.hpp"
#include "support/single_layer.hpp"

namespace {

// Runs the state's single layer on the reference kernels with a seeded input in (-1, 1) and
// checks every output cell of every batch item and channel.
void check_every_cell(const std::string& text) {
    SCOPED_TRACE(text);
    auto s = cp::parse_state(text);
    ASSERT_TRUE(s.ok()) << s.status().message;
    const auto run = cp::test::run_single_layer(text, 12345);
    ASSERT_TRUE(run);
    cp::Plan& plan = *run;
    const cp::LayerInfo& info = plan.info().layers[0];
    const cp::Layer& L = s->net[0];
    const float* w = L.has_weights() ? plan.weights(0).weight.ptr() : nullptr;
    const float* b = L.has_weights() && !plan.weights(0).bias.data.empty() ? plan.weights(0).bias.ptr() : nullptr;
    const cp::Tensor& out = plan.output(0);
    const int64_t N = info.out[0], C = info.out[1], OH = info.axes == 2 ? info.out[2] : 1, OW = info.out.back();
    int checked = 0;
    for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c)
            for (int64_t y = 0; y < OH; ++y)
                for (int64_t x = 0; x < OW; ++x) {
                    auto v = cp::cell_values(L, info, plan.input().ptr(), w, b, n, c, y, x);
                    ASSERT_TRUE(v.ok()) << v.status().message;
                    const float want = out.data[size_t(((n * C + c) * OH + y) * OW + x)];
                    ASSERT_NEAR(v->value, want, 1e-5f * (1 + std::fabs(want))) << "cell " << n << "," << c << "," << y << "," << x;
                    // The listed products are what the sum is made of.
                    if (v->reduce == cp::CellValues::Sum) {
                        double sum = v->has_bias ? v->bias : 0;
                        for (const cp::Tap& t : v->taps) {
                            EXPECT_EQ(t.product, t.x * t.w);
                            sum += t.product;
                        }
                        EXPECT_NEAR(float(sum), v->value, 1e-5f);
                    }
                    ++checked;
                }
    EXPECT_GT(checked, 0);
}

TEST(ExplainValues, ConvSumsEqualTheReferenceKernel) {
    check_every_cell("v=1&in=2x5x6&n=2&net=conv2d(out=3,k=3,s=2,p=1)");
    check_every_cell("v=1&in=1x6x6&net=conv2d(out=1,k=3,s=2,p=1)");  // the odd case: gap
    check_every_cell("v=1&in=2x5x5&net=conv2d(out=2,k=3x2,p=1:2x0:1,bias=0)");
}

TEST(ExplainValues, PaddingModesReadTheMirroredCells) {
    check_every_cell("v=1&in=2x5x5&net=conv2d(out=2,k=3,p=2,pm=reflect)");
    check_every_cell("v=1&in=2x4x5&net=conv2d(out=2,k=3,p=1,pm=replicate)");
    check_every_cell("v=1&in=2x4x5&net=conv2d(out=2,k=3,p=2,pm=circular)");
}

TEST(ExplainValues, DilatedConv) { check_every_cell("v=1&in=2x9x8&net=conv2d(out=2,k=3,d=2,p=1)"); }

TEST(ExplainValues, GroupedAndDepthwiseConv) {
    check_every_cell("v=1&in=4x6x6&net=conv2d(out=6,k=3,g=2,p=1)");
    check_every_cell("v=1&in=3x5x5&net=conv2d(out=3,k=3,g=3)");
}

TEST(ExplainValues, TransposedConv) {
    check_every_cell("v=1&in=2x3x3&net=convT2d(out=2,k=3,s=2,p=1)");
    check_every_cell("v=1&in=2x3x4&net=convT2d(out=3,k=3,s=2,p=1,op=1)");
    check_every_cell("v=1&in=2x3x3&net=convT2d(out=2,k=4,s=2,p=1,d=2)");
    check_every_cell("v=1&in=4x3x3&net=convT2d(out=4,k=3,s=2,g=2)");
    check_every_cell("v=1&in=1x3x3&net=convT2d(out=1,k=2,s=3,p=0)");
}

TEST(ExplainValues, OneDimensionalLayers) {
    check_every_cell("v=1&in=2x12&net=conv1d(out=2,k=3,p=1)");
    check_every_cell("v=1&in=1x2&net=convT1d(out=1,k=3,s=2)");
}

TEST(ExplainValues, Pools) {
    check_every_cell("v=1&in=2x5x5&net=maxpool2d(k=2,ceil=1)");
    check_every_cell("v=1&in=2x7x7&net=maxpool2d(k=3,s=2,p=1,d=2)");
    check_every_cell("v=1&in=2x5x5&net=avgpool2d(k=3,s=2,p=1,ceil=1)");
    check_every_cell("v=1&in=2x5x5&net=avgpool2d(k=3,s=2,p=1,ceil=1,cip=0)");
    check_every_cell("v=1&in=1x5&net=avgpool1d(k=2,ceil=1)");
}

TEST(ExplainValues, BadCellIsAnError) {
    auto s = cp::parse_state("v=1&in=1x4x4&net=conv2d(out=1,k=3)");
    const cp::LayerInfo info = cp::net_info(*s).layers[0];
    std::vector<float> x(16), w(9);
    EXPECT_FALSE(cp::cell_values(s->net[0], info, x.data(), w.data(), nullptr, 0, 0, 2, 0).ok());
    EXPECT_FALSE(cp::cell_values(s->net[0], info, x.data(), nullptr, nullptr, 0, 0, 0, 0).ok());
}

}  // namespace
