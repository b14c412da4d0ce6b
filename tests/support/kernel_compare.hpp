// Shared by the kernel tests: run a state with the fast kernels and with the reference kernels
// on the same random input, and compare every layer's output (2e-5 of the largest finite magnitude;
// NaN where the reference gives NaN, the same infinity where it gives one). `plant` makes every
// plant-th input value +inf, -inf or NaN in turn: the Winograd kernels then take their fallback.
// A sweep names the kernel family it means to test (`expect`, a name prefix such as "f32_conv2d"):
// every layer of every state must then be planned on it, so a sweep can never pass quietly on the
// reference kernel.
// With threads > 1 every state also runs on a plan with that many threads, whose outputs must equal
// the single-threaded plan's bit for bit (kernels/thread_pool.hpp promises it).
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <string>

#include "core/codec.hpp"
#include "engine/plan.hpp"
#include "engine/rng.hpp"
#include "kernels/thread_pool.hpp"

namespace cp::test {

struct KernelCompare {
    int threads = 1;                     // > 1: also compare a threaded plan, bit for bit
    int checked = 0, skipped = 0;        // states compared / states with no runnable layer
    int plant = 0;                       // > 0: every plant-th input value is +inf, -inf or NaN
    std::string last_kernel;             // the fast kernel of the last layer compared
    std::map<std::string, int> kernels;  // how many layers each fast kernel served
};

inline void compare_with_reference(const std::string& state_text, KernelCompare& c, uint64_t salt = 0,
                                   const std::string& expect = "") {
    auto st = parse_state(state_text);
    ASSERT_TRUE(st.ok()) << state_text << ": " << st.status().message;
    PlanOptions fast, ref;
    ref.reference_only = true;
    fast.scratch_fill = ref.scratch_fill = std::numeric_limits<float>::quiet_NaN();  // see PlanOptions
    auto pf = Plan::create(*st, fast);
    auto pr = Plan::create(*st, ref);
    ASSERT_TRUE(pf.ok() && pr.ok());
    if ((*pf)->runnable() == 0) {
        ++c.skipped;
        return;
    }
    Rng rng(uint64_t(state_text.size()) * 7919u + salt);
    auto& input = (*pf)->input().data;
    for (auto& v : input) v = rng.uniform(-1, 1);
    for (size_t j = 0; c.plant > 0 && j < input.size(); j += size_t(c.plant)) {
        const float special[3] = {INFINITY, -INFINITY, NAN};
        input[j] = special[(j / size_t(c.plant)) % 3];
    }
    (*pr)->input().data = (*pf)->input().data;
    for (int i = 0; i < (*pf)->runnable() && !expect.empty(); ++i)
        ASSERT_EQ(std::string((*pf)->kernel(i)).rfind(expect, 0), 0u)
            << state_text << ": layer " << i + 1 << " ran on " << (*pf)->kernel(i) << ", not " << expect << "*";
    (*pf)->run();
    (*pr)->run();
    for (int i = 0; i < (*pf)->runnable(); ++i) {
        const auto& a = (*pf)->output(i).data;
        const auto& b = (*pr)->output(i).data;
        ASSERT_EQ(a.size(), b.size());
        float scale = 1;
        for (float v : b)
            if (std::isfinite(v)) scale = std::max(scale, std::fabs(v));
        for (size_t j = 0; j < a.size(); ++j) {
            const auto at = [&] {
                return state_text + " layer " + std::to_string(i) + " kernel " + (*pf)->kernel(i) + " at " +
                       std::to_string(j) + " of " + std::to_string(a.size());
            };
            if (std::isnan(b[j])) ASSERT_TRUE(std::isnan(a[j])) << at() << ": " << a[j] << ", reference NaN";
            else if (std::isinf(b[j])) ASSERT_EQ(a[j], b[j]) << at();
            else ASSERT_NEAR(a[j], b[j], 2e-5f * scale) << at();
        }
        c.last_kernel = (*pf)->kernel(i);
        ++c.kernels[c.last_kernel];
    }
    if (c.threads > 1) {
        PlanOptions threaded;
        threaded.threads = c.threads;
        threaded.scratch_fill = fast.scratch_fill;
        auto pt = Plan::create(*st, threaded);
        ASSERT_TRUE(pt.ok());
        (*pt)->input().data = (*pf)->input().data;
        (*pt)->run();
        for (int i = 0; i < (*pf)->runnable(); ++i) {
            const auto& a = (*pf)->output(i).data;
            const auto& t = (*pt)->output(i).data;
            ASSERT_EQ(a.size(), t.size());
            ASSERT_EQ(std::memcmp(a.data(), t.data(), a.size() * sizeof(float)), 0)
                << state_text << " layer " << i << " kernel " << (*pf)->kernel(i) << ": " << c.threads
                << " threads differ from one";
        }
    }
    ++c.checked;
}

// The kernel the engine plans for the first layer of `state_text` (empty when nothing runs).
inline std::string kernel_of(const std::string& state_text) {
    auto st = parse_state(state_text);
    EXPECT_TRUE(st.ok()) << state_text;
    if (!st.ok()) return {};
    auto p = Plan::create(*st);
    EXPECT_TRUE(p.ok()) << state_text;
    if (!p.ok() || (*p)->runnable() == 0) return {};
    return (*p)->kernel(0);
}

// A sweep fixture: the sweep runs on one thread (against the reference kernels) and on 2 and 3
// threads (also against the single-threaded outputs, bit for bit; 3 splits rows and channels
// unevenly). Builds without threads (wasm without -pthread) skip the threaded runs. The test body
// compares into `c`.
template <class C = KernelCompare>
class ThreadedSweep : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        if (GetParam() > 1 && usable_threads(GetParam()) == 1) GTEST_SKIP() << "this build has no threads";
        c.threads = GetParam();
    }
    C c;
};

}  // namespace cp::test

// A TEST_P suite `name` on fixture `base` (a ThreadedSweep), run with 1, 2 and 3 threads.
#define CP_THREADED_SUITE(name, base) \
    class name : public base {};      \
    INSTANTIATE_TEST_SUITE_P(Threads, name, ::testing::Values(1, 2, 3), ::testing::PrintToStringParamName())
