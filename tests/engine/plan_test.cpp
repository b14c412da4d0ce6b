// Plan: planned once, run many times; update() keeps the layers before the first change.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/codec.hpp"
#include "engine/plan.hpp"
#include "engine/ranges.hpp"
#include "engine/samples.hpp"

namespace {

// A plan of `text` with its sample image as input, in `out`. A fatal failure (and no dereference)
// when the state, the plan or the sample is refused: call through ASSERT_NO_FATAL_FAILURE.
void make(const std::string& text, std::unique_ptr<cp::Plan>& out) {
    auto s = cp::parse_state(text);
    ASSERT_TRUE(s.ok()) << text << ": " << s.status().message;
    auto p = cp::Plan::create(*s);
    ASSERT_TRUE(p.ok()) << text << ": " << p.status().message;
    auto img = cp::make_sample(*s);
    ASSERT_TRUE(img.ok()) << text << ": " << img.status().message;
    (*p)->input().data = img->data;
    out = std::move(*p);
}

// update() of a plan that must succeed: its first changed layer, or -1 after a (reported) failure.
int64_t update(cp::Plan& p, const cp::State& next) {
    auto r = p.update(next);
    EXPECT_TRUE(r.ok()) << r.status().message;
    return r.ok() ? int64_t(*r) : -1;
}

TEST(Plan, UpdateRerunsOnlyFromTheFirstChange) {
    std::unique_ptr<cp::Plan> p;
    ASSERT_NO_FATAL_FAILURE(make("v=1&in=3x32x32&net=conv2d(out=8,k=3,p=1);relu;convT2d(out=3,k=3,s=2,p=1)", p));
    p->run();
    const cp::Tensor::Data conv_out = p->output(0).data;
    auto next = cp::parse_state("v=1&in=3x32x32&net=conv2d(out=8,k=3,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)");
    ASSERT_TRUE(next.ok()) << next.status().message;
    auto first = p->update(*next);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(*first, 2);
    EXPECT_EQ(p->output(0).data, conv_out);  // kept, not recomputed
    p->run(*first);
    EXPECT_EQ(p->output(2).shape, (cp::Dims{1, 3, 64, 64}));
    // and the result equals a fresh plan of the new state
    std::unique_ptr<cp::Plan> fresh;
    ASSERT_NO_FATAL_FAILURE(make(cp::print_state(*next), fresh));
    fresh->run();
    EXPECT_EQ(fresh->output(2).data, p->output(2).data);
}

// An edit costs what it changes: re-planning makes only the weights that changed, keeps the
// layers after the change whose own parameters did not (weights, kernel, buffer), reuses buffers
// that still fit, and every output still equals a fresh plan's of the new state.
TEST(Plan, UpdateKeepsTheWeightsKernelsAndBuffersAnEditLeavesAlone) {
    const std::string base = "v=1&in=3x24x24&net=conv2d(out=8,k=3,s=2,p=1);relu;conv2d(out=8,k=3,p=1,w=gauss);convT2d(out=3,k=3,s=2,p=1)";
    std::unique_ptr<cp::Plan> p;
    ASSERT_NO_FATAL_FAILURE(make(base, p));
    p->run();
    EXPECT_EQ(p->stats().weights_made, 3);
    struct Case {
        const char* what;
        std::string from, to;
        cp::PlanStats delta;  // weights made / kept, kernels made, layers kept, outputs made / kept
    };
    const std::vector<Case> cases = {
        {"the last layer's preset: its weights alone", "convT2d(out=3,k=3,s=2,p=1)", "convT2d(out=3,k=3,s=2,p=1,w=box)",
         {1, 0, 1, 0, 0, 0}},
        {"layer 1's seed: its weights; the layers after it kept whole", "conv2d(out=8,k=3,s=2,p=1)",
         "conv2d(out=8,k=3,s=2,p=1,seed=9)", {1, 0, 1, 3, 0, 0}},
        {"layer 1's padding: every shape after it shrinks; weights kept, buffers reused",
         "conv2d(out=8,k=3,s=2,p=1,seed=9)", "conv2d(out=8,k=3,s=2,p=0,seed=9)", {0, 3, 4, 0, 0, 4}},
        {"layer 3's padding 1 -> 3: bigger outputs from there on need new buffers", "conv2d(out=8,k=3,p=1,w=gauss)",
         "conv2d(out=8,k=3,p=3,w=gauss)", {0, 2, 2, 0, 2, 0}},
    };
    std::string text = base;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        const size_t at = text.find(c.from);
        ASSERT_NE(at, std::string::npos) << text;
        text.replace(at, c.from.size(), c.to);
        auto next = cp::parse_state(text);
        ASSERT_TRUE(next.ok()) << next.status().message;
        const cp::PlanStats before = p->stats();
        const int64_t first = update(*p, *next);
        ASSERT_GE(first, 0);
        const cp::PlanStats& after = p->stats();
        EXPECT_EQ(after.weights_made - before.weights_made, c.delta.weights_made);
        EXPECT_EQ(after.weights_kept - before.weights_kept, c.delta.weights_kept);
        EXPECT_EQ(after.kernels_made - before.kernels_made, c.delta.kernels_made);
        EXPECT_EQ(after.layers_kept - before.layers_kept, c.delta.layers_kept);
        EXPECT_EQ(after.outputs_made - before.outputs_made, c.delta.outputs_made);
        EXPECT_EQ(after.outputs_kept - before.outputs_kept, c.delta.outputs_kept);
        p->run(int(first));
        std::unique_ptr<cp::Plan> fresh;
        ASSERT_NO_FATAL_FAILURE(make(text, fresh));
        fresh->run();
        ASSERT_EQ(fresh->runnable(), p->runnable());
        for (int i = 0; i < p->runnable(); ++i) {
            EXPECT_EQ(p->output(i).shape, fresh->output(i).shape) << "layer " << i + 1;
            EXPECT_EQ(p->output(i).data, fresh->output(i).data) << "layer " << i + 1;
            EXPECT_EQ(p->weights(i).weight.data, fresh->weights(i).weight.data) << "layer " << i + 1;
        }
    }
}

TEST(Plan, OutputRangesAreEveryPlanesScanAlsoWhenAReluTakesItsInputs) {
    // A ReLU's ranges come from its input's when those were asked for after it ran (no scan);
    // they must be what a scan of its output gives, planes all negative, mixed and with NaN
    // included, and a ReLU that ran before its input did must be scanned.
    std::unique_ptr<cp::Plan> p;
    ASSERT_NO_FATAL_FAILURE(make("v=1&in=4x9x7&n=2&net=conv2d(out=6,k=3,p=1);relu;relu", p));
    for (size_t i = 0; i < p->input().data.size(); ++i) p->input().data[i] = float(int(i * 37 % 19) - 9);
    p->input().data[5] = std::numeric_limits<float>::quiet_NaN();   // a NaN in plane 0 of layer 1
    p->run();
    const auto scan = [&](int i) { return cp::plane_ranges(p->output(i)); };
    for (int i = 0; i < 3; ++i) {
        const std::vector<float> r = p->output_ranges(i);
        const std::vector<float> s = scan(i);
        ASSERT_EQ(r.size(), s.size());
        for (size_t k = 0; k < r.size(); ++k)
            EXPECT_TRUE(r[k] == s[k] || (std::isnan(r[k]) && std::isnan(s[k]))) << "layer " << i + 1 << " value " << k;
    }
    // All layers again, then layer 1 alone with other values: layer 2's ranges are of its own
    // values (computed from layer 1's old ones), not derived from layer 1's new ranges.
    p->run();
    for (float& v : p->input().data) v = -v - 20;
    p->run_one(0);
    EXPECT_EQ(p->output_ranges(0), scan(0));
    EXPECT_EQ(p->output_ranges(1), scan(1));
    p->run_one(2);   // after layer 2, whose ranges are kept: derived from them, a scan's still
    EXPECT_EQ(p->output_ranges(2), scan(2));
}

TEST(Plan, ReluKeepsNaNAsTorchAndItsRangesFollow) {
    // torch.relu(nan) = nan (PyTorch 1.13), in the vector lanes and in the scalar tail alike
    // (planes of 18 values: 4 vectors and 2 more). (The sign of a zero is not checked: the wasm
    // build's compiler may make -0 a +0, which compares equal.) Plane 0: positive values
    // and a NaN (its derived minimum must be the positive one, as a scan finds); plane 1: all NaN.
    std::unique_ptr<cp::Plan> p;
    ASSERT_NO_FATAL_FAILURE(make("v=1&in=2x3x3&net=upsample(scale=1);relu", p));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (size_t i = 0; i < 9; ++i) p->input().data[i] = float(i) + 2;
    p->input().data[1] = nan;
    for (size_t i = 9; i < 18; ++i) p->input().data[i] = nan;
    p->run();
    p->output_ranges(0);   // before the ReLU's: its ranges are then derived from these
    const std::vector<float> r = p->output_ranges(1), s = cp::plane_ranges(p->output(1));
    ASSERT_EQ(r.size(), s.size());
    for (size_t k = 0; k < r.size(); ++k)
        EXPECT_TRUE(r[k] == s[k] || (std::isnan(r[k]) && std::isnan(s[k]))) << "value " << k;
    EXPECT_EQ(r[0], 2.0f);  // plane 0's minimum: the NaN is not a 0
    for (size_t i = 9; i < 18; ++i) EXPECT_TRUE(std::isnan(p->output(1).data[i])) << i;
    EXPECT_TRUE(std::isnan(p->output(1).data[1]));
    // negatives, at a vector lane (2) and in the tail (16)
    p->input().data[2] = p->input().data[16] = -3.0f;
    p->run();
    EXPECT_EQ(p->output(1).data[2], 0.0f);
    EXPECT_EQ(p->output(1).data[16], 0.0f);
}

TEST(Plan, UpdateWithNothingChangedReturnsRunnable) {
    std::unique_ptr<cp::Plan> p;
    ASSERT_NO_FATAL_FAILURE(make("v=1&in=3x16x16&net=conv2d(out=4,k=3);relu", p));
    auto same = cp::parse_state("v=1&in=3x16x16&net=conv2d(out=4,k=3);relu");
    ASSERT_TRUE(same.ok()) << same.status().message;
    EXPECT_EQ(update(*p, *same), 2);
    auto bigger = cp::parse_state("v=1&in=3x20x16&net=conv2d(out=4,k=3);relu");
    ASSERT_TRUE(bigger.ok()) << bigger.status().message;
    EXPECT_EQ(update(*p, *bigger), 0);
    EXPECT_EQ(p->input().shape, (cp::Dims{1, 3, 20, 16}));
}

TEST(Plan, InvalidLayerStopsTheRunnablePrefix) {
    std::unique_ptr<cp::Plan> p;
    ASSERT_NO_FATAL_FAILURE(make("v=1&in=3x16x16&net=conv2d(out=4,k=3);conv2d(out=4,k=99);relu", p));
    EXPECT_EQ(p->runnable(), 1);
    EXPECT_FALSE(p->info().ok());
    auto fixed = cp::parse_state("v=1&in=3x16x16&net=conv2d(out=4,k=3);conv2d(out=4,k=3);relu");
    ASSERT_TRUE(fixed.ok()) << fixed.status().message;
    EXPECT_EQ(update(*p, *fixed), 1);
    EXPECT_EQ(p->runnable(), 3);
    p->run(1);
    EXPECT_EQ(p->output(2).shape, (cp::Dims{1, 4, 12, 12}));
}

TEST(Plan, RefusesStacksOverTheMemoryBudget) {
    auto s = cp::parse_state("v=1&in=64x4096x4096&net=conv2d(out=64,k=3,p=1)");
    ASSERT_TRUE(s.ok()) << s.status().message;
    auto p = cp::Plan::create(*s);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().message, "the input 1x64x4096x4096 needs 4.0 GiB (at most 256 MiB per tensor)");
    // Every tensor within its budget, the whole stack over the plan's.
    s = cp::parse_state("v=1&in=16x1024x1024&net=conv2d(out=16,k=1);relu;sigmoid;tanh");
    ASSERT_TRUE(s.ok()) << s.status().message;
    cp::PlanOptions opt;
    opt.max_bytes = int64_t(256) << 20;
    p = cp::Plan::create(*s, opt);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().message, "this stack needs 386 MiB (at most 256 MiB for the input and every layer)");
    // Planning an update over budget leaves the plan as it was.
    s = cp::parse_state("v=1&in=16x64x64&net=conv2d(out=16,k=1);relu");
    ASSERT_TRUE(s.ok()) << s.status().message;
    p = cp::Plan::create(*s, opt);
    ASSERT_TRUE(p.ok());
    auto big = cp::parse_state("v=1&in=16x1024x1024&net=conv2d(out=16,k=1);relu;sigmoid;tanh");
    ASSERT_TRUE(big.ok()) << big.status().message;
    EXPECT_FALSE((*p)->update(*big, opt).ok());
    EXPECT_EQ((*p)->runnable(), 2);
}

TEST(Plan, RefusesWorkOverTheRunBudget) {
    auto s = cp::parse_state("v=1&in=64x512x512&net=conv2d(out=64,k=9);conv2d(out=64,k=9)");
    ASSERT_TRUE(s.ok()) << s.status().message;
    auto p = cp::Plan::create(*s);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().message.find("million multiply-adds (at most 16000 million per run)"), std::string::npos)
        << p.status().message;
}

}  // namespace
