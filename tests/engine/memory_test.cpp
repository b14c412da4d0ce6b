// Running out of memory is a message, never an abort: check_memory and a plan that cannot get the
// memory for an edit (it keeps its previous state and outputs). The allocator really fails here:
// natively under an address-space limit (setrlimit, in a child process), in wasm under the
// module's 2 GiB maximum memory.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/codec.hpp"
#include "engine/memory.hpp"
#include "engine/plan.hpp"
#include "engine/samples.hpp"

#if defined(__unix__) && !defined(__EMSCRIPTEN__)
#include <sys/resource.h>
#include <unistd.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define CONVPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CONVPLAY_ASAN 1
#endif
#endif

namespace {

// A plan at the default state edited to a stack needing about 3 GiB (48 activations of a 64 MiB
// map: within the per-tensor and per-layer budgets, over the memory that can be had): refused
// with the memory message, and the plan keeps its state and outputs; a smaller edit then works.
// Returns "" or what went wrong (the native case runs in a child process).
// (Unused under AddressSanitizer: its shadow memory needs more address space than a limit leaves.)
[[maybe_unused]] std::string refused_edit_keeps_the_plan() {
    auto small = cp::parse_state("v=1&in=1x64x64&net=conv2d(out=4,k=3);relu");
    std::string big_text = "v=1&in=1x4096x4096&net=conv2d(out=1,k=3)";
    for (int i = 0; i < 48; ++i) big_text += ";relu";
    auto big = cp::parse_state(big_text);
    auto next = cp::parse_state("v=1&in=1x64x64&net=conv2d(out=4,k=3);sigmoid");
    if (!small || !big || !next) return "a test state does not parse";
    cp::PlanOptions opt;
    opt.max_bytes = int64_t(1) << 40;  // the budget lets it through: memory is what refuses it
    auto p = cp::Plan::create(*small, opt);
    if (!p) return "the small plan: " + p.status().message;
    cp::Plan& plan = **p;
    if (!cp::draw_sample(*small, plan.input())) return "no sample";
    plan.run();
    const cp::Tensor::Data out = plan.output(1).data;
    auto r = plan.update(*big, opt);
    if (r) return "the 3 GiB edit was not refused";
    if (r.status().message.rfind("not enough memory for this stack (", 0) != 0) return "message: " + r.status().message;
    if (cp::print_state(plan.state()) != cp::print_state(*small)) return "the state changed";
    if (plan.runnable() != 2 || plan.output(1).data != out) return "the outputs changed";
    if (auto c = cp::Plan::create(*big, opt); c) return "a 3 GiB plan was created";
    auto r2 = plan.update(*next, opt);
    if (!r2 || *r2 != 1) return "the next edit: " + r2.status().message;
    plan.run(*r2);
    return "";
}

TEST(Memory, SmallRequestsAreGranted) {
    EXPECT_TRUE(cp::check_memory(0, "nothing").ok);
    EXPECT_TRUE(cp::check_memory(int64_t(64) << 20, "64 MiB").ok);
    EXPECT_EQ(cp::memory_error("decoding x.png").message, "not enough memory for decoding x.png");
}

#if defined(__EMSCRIPTEN__)
TEST(Memory, RefusedEditKeepsThePlan) {
    // 2 GiB at most (the tests' link flags): more is refused by malloc.
    EXPECT_FALSE(cp::check_memory(int64_t(3) << 30, "3 GiB").ok);
    EXPECT_EQ(refused_edit_keeps_the_plan(), "");
}
#elif defined(__unix__) && !defined(CONVPLAY_ASAN)
// The address space of this process now, in bytes (/proc/self/statm: pages).
int64_t address_space() {
    std::ifstream f("/proc/self/statm");
    int64_t pages = 0;
    f >> pages;
    return pages * sysconf(_SC_PAGESIZE);
}

// The child may grow by 1 GiB: malloc returns null beyond (the way a browser refuses to grow a
// wasm memory). Exit code 0 when everything held.
[[noreturn]] void run_capped() {
    const rlim_t cap = rlim_t(address_space() + (int64_t(1) << 30));
    rlimit lim;
    lim.rlim_cur = lim.rlim_max = cap;
    if (setrlimit(RLIMIT_AS, &lim) != 0) std::_Exit(3);
    if (cp::check_memory(int64_t(2) << 30, "2 GiB").ok) std::_Exit(4);
    const std::string why = refused_edit_keeps_the_plan();
    if (!why.empty()) std::fprintf(stderr, "%s\n", why.c_str());
    std::_Exit(why.empty() ? 0 : 1);
}

TEST(Memory, RefusedEditKeepsThePlan) {
    EXPECT_EXIT(run_capped(), testing::ExitedWithCode(0), "");
}
#endif

}  // namespace
