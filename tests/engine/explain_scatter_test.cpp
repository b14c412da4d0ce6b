// The scatter view (core/explain_scatter.hpp): every input cell's stamp, added up, gives the
// reference kernel's transposed-conv output, channel by channel (strides, padding,
// output_padding, dilation, groups, 1-d); each step adds exactly the stamp it reports.
#include <gtest/gtest.h>

#include <cmath>

#include "core/codec.hpp"
#include "core/explain_scatter.hpp"
#include "engine/plan.hpp"
#include "support/single_layer.hpp"

namespace {

void check_scatter(const std::string& text) {
    SCOPED_TRACE(text);
    auto s = cp::parse_state(text);
    ASSERT_TRUE(s.ok()) << s.status().message;
    const auto run = cp::test::run_single_layer(text, 777);
    ASSERT_TRUE(run);
    cp::Plan& plan = *run;
    const cp::LayerInfo& info = plan.info().layers[0];
    const cp::Layer& L = s->net[0];
    const float* w = plan.weights(0).weight.ptr();
    const float* b = plan.weights(0).bias.data.empty() ? nullptr : plan.weights(0).bias.ptr();
    const cp::Tensor& out = plan.output(0);
    const int64_t N = info.out[0], C = info.out[1], plane = out.numel() / (N * C);
    for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c) {
            auto all = cp::scatter_steps(L, info, plan.input().ptr(), w, b, n, c, INT64_MAX);
            ASSERT_TRUE(all.ok()) << all.status().message;
            ASSERT_EQ(all->done, all->steps);
            ASSERT_EQ(int64_t(all->acc.size()), plane);
            for (int64_t i = 0; i < plane; ++i) {
                const float want = out.data[size_t((n * C + c) * plane + i)];
                ASSERT_NEAR(all->acc[size_t(i)], want, 1e-5f * (1 + std::fabs(want))) << "item " << n << " channel " << c << " cell " << i;
            }
            // Step by step: each stamp adds its values where it says (bias only at the end).
            std::vector<float> prev(size_t(plane), 0.0f);
            for (int64_t k = 1; k <= all->steps; ++k) {
                auto now = cp::scatter_steps(L, info, plan.input().ptr(), w, b, n, c, k);
                ASSERT_TRUE(now.ok());
                std::vector<double> want(prev.begin(), prev.end());
                const cp::ScatterStamp& st = now->last;
                int64_t inside = 0;
                for (int64_t ky = 0; ky < now->k_h; ++ky)
                    for (int64_t kx = 0; kx < now->k_w; ++kx) {
                        const int64_t y = st.oy + ky * now->dil_h, x = st.ox + kx * now->dil_w;
                        if (y < 0 || x < 0 || y >= now->out_h || x >= now->out_w) continue;
                        want[size_t(y * now->out_w + x)] += st.values[size_t(ky * now->k_w + kx)];
                        ++inside;
                    }
                EXPECT_EQ(inside, st.inside);
                if (k == all->steps && now->has_bias)
                    for (double& v : want) v += now->bias;
                for (int64_t i = 0; i < plane; ++i) ASSERT_NEAR(now->acc[size_t(i)], want[size_t(i)], 1e-5) << "step " << k;
                prev = now->acc;
            }
        }
}

TEST(ExplainScatter, StampsAddUpToTheReferenceKernel) {
    check_scatter("v=1&in=2x3x3&net=convT2d(out=2,k=3,s=2,p=1)");
    check_scatter("v=1&in=2x3x4&n=2&net=convT2d(out=3,k=3,s=2,p=1,op=1)");
    check_scatter("v=1&in=2x3x3&net=convT2d(out=2,k=4,s=2,p=1,d=2,bias=0)");
    check_scatter("v=1&in=4x3x3&net=convT2d(out=4,k=3,s=2,g=2)");
    check_scatter("v=1&in=1x3x3&net=convT2d(out=1,k=2,s=3)");
    check_scatter("v=1&in=1x2&net=convT1d(out=1,k=3,s=2)");
    check_scatter("v=1&in=2x5&net=convT1d(out=2,k=4,s=2,p=1,op=1)");
}

// The view redoes every stamp each frame: a layer over the cap is a message, not a frozen page.
TEST(ExplainScatter, RefusesLayersTooLargeToRedoEveryFrame) {
    auto big = cp::parse_state("v=1&in=64x256x256&net=convT2d(out=1,k=3,s=2)");  // 64*65536*9 = 37.7 M
    ASSERT_TRUE(big.ok());
    const cp::LayerInfo info = cp::net_info(*big).layers[0];
    std::vector<float> w(64 * 9);
    auto r = cp::scatter_steps(big->net[0], info, nullptr, w.data(), nullptr, 0, 0, 1);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message.find("37748736 multiply-adds"), std::string::npos) << r.status().message;
    // Either side of the cap: 682 x 683 cells x 9 taps = 4192254 <= 4194304 < 683 x 683 x 9.
    auto edge = cp::parse_state("v=1&in=1x682x683&net=convT2d(out=1,k=3)");
    ASSERT_TRUE(edge.ok());
    const cp::LayerInfo e = cp::net_info(*edge).layers[0];
    std::vector<float> x(682 * 683, 1.0f);
    auto ok = cp::scatter_steps(edge->net[0], e, x.data(), w.data(), nullptr, 0, 0, 0);
    ASSERT_TRUE(ok.ok()) << ok.status().message;
    EXPECT_EQ(ok->steps, 682 * 683);
    auto over = cp::parse_state("v=1&in=1x683x683&net=convT2d(out=1,k=3)");
    ASSERT_TRUE(over.ok());
    EXPECT_FALSE(cp::scatter_steps(over->net[0], cp::net_info(*over).layers[0], x.data(), w.data(), nullptr, 0, 0, 0).ok());
}

TEST(ExplainScatter, OnlyForTransposedConvs) {
    auto s = cp::parse_state("v=1&in=1x4x4&net=conv2d(out=1,k=3)");
    const cp::LayerInfo info = cp::net_info(*s).layers[0];
    std::vector<float> x(16), w(9);
    EXPECT_FALSE(cp::scatter_steps(s->net[0], info, x.data(), w.data(), nullptr, 0, 0, 1).ok());
}

}  // namespace
