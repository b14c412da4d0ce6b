// Plan: planned once, run many times; update() keeps the layers before the first change.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "engine/plan.hpp"
#include "engine/samples.hpp"

namespace {

std::unique_ptr<cp::Plan> make(const std::string& text) {
    auto s = cp::parse_state(text);
    EXPECT_TRUE(s.ok());
    auto p = cp::Plan::create(*s);
    EXPECT_TRUE(p.ok());
    auto img = cp::make_sample(*s);
    (*p)->input().data = img->data;
    return std::move(*p);
}

TEST(Plan, UpdateRerunsOnlyFromTheFirstChange) {
    auto p = make("v=1&in=3x32x32&net=conv2d(out=8,k=3,p=1);relu;convT2d(out=3,k=3,s=2,p=1)");
    p->run();
    const std::vector<float> conv_out = p->output(0).data;
    auto next = cp::parse_state("v=1&in=3x32x32&net=conv2d(out=8,k=3,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)");
    auto first = p->update(*next);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(*first, 2);
    EXPECT_EQ(p->output(0).data, conv_out);  // kept, not recomputed
    p->run(*first);
    EXPECT_EQ(p->output(2).shape, (cp::Dims{1, 3, 64, 64}));
    // and the result equals a fresh plan of the new state
    auto fresh = make(cp::print_state(*next));
    fresh->run();
    EXPECT_EQ(fresh->output(2).data, p->output(2).data);
}

TEST(Plan, UpdateWithNothingChangedReturnsRunnable) {
    auto p = make("v=1&in=3x16x16&net=conv2d(out=4,k=3);relu");
    auto same = cp::parse_state("v=1&in=3x16x16&net=conv2d(out=4,k=3);relu");
    EXPECT_EQ(*p->update(*same), 2);
    auto bigger = cp::parse_state("v=1&in=3x20x16&net=conv2d(out=4,k=3);relu");
    EXPECT_EQ(*p->update(*bigger), 0);
    EXPECT_EQ(p->input().shape, (cp::Dims{1, 3, 20, 16}));
}

TEST(Plan, InvalidLayerStopsTheRunnablePrefix) {
    auto p = make("v=1&in=3x16x16&net=conv2d(out=4,k=3);conv2d(out=4,k=99);relu");
    EXPECT_EQ(p->runnable(), 1);
    EXPECT_FALSE(p->info().ok());
    auto fixed = cp::parse_state("v=1&in=3x16x16&net=conv2d(out=4,k=3);conv2d(out=4,k=3);relu");
    EXPECT_EQ(*p->update(*fixed), 1);
    EXPECT_EQ(p->runnable(), 3);
    p->run(1);
    EXPECT_EQ(p->output(2).shape, (cp::Dims{1, 4, 12, 12}));
}

TEST(Plan, RefusesStacksOverTheMemoryBudget) {
    auto s = cp::parse_state("v=1&in=64x4096x4096&net=conv2d(out=64,k=3,p=1)");
    auto p = cp::Plan::create(*s);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().message, "the input 1x64x4096x4096 needs 4.0 GiB (at most 256 MiB per tensor)");
    // Every tensor within its budget, the whole stack over the plan's.
    s = cp::parse_state("v=1&in=16x1024x1024&net=conv2d(out=16,k=1);relu;sigmoid;tanh");
    cp::PlanOptions opt;
    opt.max_bytes = int64_t(256) << 20;
    p = cp::Plan::create(*s, opt);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().message, "this stack needs 386 MiB (at most 256 MiB for the input and every layer)");
    // Planning an update over budget leaves the plan as it was.
    s = cp::parse_state("v=1&in=16x64x64&net=conv2d(out=16,k=1);relu");
    p = cp::Plan::create(*s, opt);
    ASSERT_TRUE(p.ok());
    auto big = cp::parse_state("v=1&in=16x1024x1024&net=conv2d(out=16,k=1);relu;sigmoid;tanh");
    EXPECT_FALSE((*p)->update(*big, opt).ok());
    EXPECT_EQ((*p)->runnable(), 2);
}

TEST(Plan, RefusesWorkOverTheRunBudget) {
    auto s = cp::parse_state("v=1&in=64x512x512&net=conv2d(out=64,k=9);conv2d(out=64,k=9)");
    auto p = cp::Plan::create(*s);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().message.find("million multiply-adds (at most 16000 million per run)"), std::string::npos)
        << p.status().message;
}

}  // namespace
