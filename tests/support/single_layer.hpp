// Shared by the explain tests: a state's single layer planned on the reference kernels and run
// once on a seeded input in (-1, 1), so a test can compare core's numbers with the engine's.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/codec.hpp"
#include "engine/plan.hpp"

namespace cp::test {

// The plan after its run, or null (with a test failure saying why).
inline std::unique_ptr<Plan> run_single_layer(const std::string& text, uint32_t seed) {
    auto s = parse_state(text);
    EXPECT_TRUE(s.ok()) << s.status().message;
    if (!s) return nullptr;
    PlanOptions opt;
    opt.reference_only = true;
    auto p = Plan::create(*s, opt);
    EXPECT_TRUE(p.ok()) << (p ? "" : p.status().message);
    if (!p) return nullptr;
    std::unique_ptr<Plan> plan = std::move(*p);
    EXPECT_EQ(plan->runnable(), 1) << plan->info().layers[0].status.message;
    if (plan->runnable() != 1) return nullptr;
    for (float& v : plan->input().data) {
        seed = seed * 1664525u + 1013904223u;
        v = float(seed >> 8) / float(1 << 24) * 2.0f - 1.0f;
    }
    plan->run();
    return plan;
}

}  // namespace cp::test
