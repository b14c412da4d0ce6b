// The memory budget's bounds hold for the kernels the engine picks: layer_scratch_bytes bounds
// every kernel's scratch_floats() * 4 and layer_kept_bytes its packed weights (core/limits.hpp,
// checked before anything is allocated), over every valid state of tests/fixtures/shapes.jsonl
// and Winograd convs with wide rows and many output channels (whose row buffer and transformed
// tiles outgrow the padded input copy); and the scratch a plan allocates is counted once per thread.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "core/codec.hpp"
#include "core/limits.hpp"
#include "engine/plan.hpp"
#include "engine/weights.hpp"
#include "kernels/registry.hpp"
#include "kernels/thread_pool.hpp"
#include "support/json_lite.hpp"

namespace {

// Plans the state's first layer on the engine's kernel and checks it against the bounds; false
// when the state has no runnable first layer within the budget.
bool check_bounds(const std::string& text, std::string* kernel = nullptr) {
    auto state = cp::parse_state(text);
    if (!state.ok() || state->net.empty()) return false;
    const cp::NetInfo net = cp::net_info(*state);
    if (net.layers.empty() || !net.layers[0].status.ok || !cp::check_run_budget(*state, net).ok) return false;
    const cp::Layer& L = state->net[0];
    const cp::LayerInfo& info = net.layers[0];
    const cp::LayerWeights w = L.has_weights() ? cp::make_weights(L, info, 1) : cp::LayerWeights{};
    cp::KernelRequest req;
    req.layer = &L;
    req.info = &info;
    req.weight = w.weight.data.empty() ? nullptr : w.weight.ptr();
    req.bias = w.bias.data.empty() ? nullptr : w.bias.ptr();
    const auto k = cp::select_kernel(req);
    if (kernel) *kernel = k->name();
    EXPECT_LE(int64_t(k->scratch_floats()) * 4, cp::layer_scratch_bytes(L, info)) << text << " on " << k->name();
    const int64_t weights = (w.weight.numel() + w.bias.numel()) * 4 + int64_t(k->packed_bytes());
    EXPECT_LE(cp::sat_count(info.out) * 4 + weights, cp::layer_kept_bytes(L, info)) << text << " on " << k->name();
    return true;
}

// check_bounds on every state, each planned on a kernel whose name starts with `prefix`.
void check_all(std::initializer_list<const char*> states, const char* prefix) {
    for (const char* s : states) {
        std::string kernel;
        ASSERT_TRUE(check_bounds(s, &kernel)) << s;
        EXPECT_EQ(kernel.rfind(prefix, 0), 0u) << s << " ran on " << kernel;
    }
}

TEST(ScratchBound, EveryKernelOfTheShapesFixture) {
    const auto rows = jl::read_jsonl(std::string(CONVPLAY_FIXTURES) + "/shapes.jsonl");
    int checked = 0;
    for (const auto& row : rows)
        if (!row.has("error") && check_bounds(row["state"].str)) ++checked;
    EXPECT_GT(checked, 1500);
}

TEST(ScratchBound, WinogradWideRowsAndManyOutputs) {
    check_all({"v=1&in=8x3x2000&net=conv2d(out=512,k=3,p=1)",       // row buffer 2 x 512 x 2008
               "v=1&in=16x1x4000&net=conv2d(out=256,k=3,p=2,d=2)",  // 2 residue classes of columns
               "v=1&in=512x3x8&net=conv2d(out=512,k=3,p=1)",        // V and M of 1024 channels
               "v=1&in=64x64x64&net=conv2d(out=64,k=3,p=1)", "v=1&in=32x5x300&n=3&net=conv2d(out=96,k=3,p=2,d=2x1,g=2)"},
              "f32_conv2d_winograd");
}

// The Winograd transposed conv packs up to 4 floats per weight (a phase of 2 taps along y and 1
// along x: 4 x 2 positions) plus 1 for its fallback: with a tiny output the weights are most of
// what the layer keeps (k=3, s=2: 34 floats per 9 weights). The registry gives it kernels of 2s
// and 2s - 1 only (convt_winograd_pays()); k=3x2 and k=4x2 (every phase 2 x 1 taps: the full 5
// per weight, the bound's worst case) run on the sub-pixel kernel, checked there too.
TEST(ScratchBound, WinogradTransposedWeights) {
    check_all({"v=1&in=64x1x1&net=convT2d(out=64,k=3,s=2)", "v=1&in=48x1x1&net=convT2d(out=48,k=3x4,s=2)",
               "v=1&in=32x2x2&net=convT2d(out=32,k=4,s=2,p=1)", "v=1&in=32x1x1&net=convT2d(out=32,k=4x3,s=2)"},
              "f32_deconv2d_winograd");
    check_all({"v=1&in=48x1x1&net=convT2d(out=48,k=3x2,s=2)", "v=1&in=32x1x1&net=convT2d(out=32,k=4x2,s=2)"},
              "f32_deconv2d_subpixel");
}

// The layers with few output channels it now takes (4-11 a group: k4 s2 from 8 or 32 input
// channels, k3 s2 from 32; 1-d and stride 3 alike), where the packed weights are a larger share
// of what the layer keeps: one input pixel, one row, groups.
TEST(ScratchBound, WinogradTransposedFewOutputs) {
    check_all({"v=1&in=32x1x1&net=convT2d(out=4,k=4,s=2)", "v=1&in=8x1x1&net=convT2d(out=8,k=4,s=2,p=1)",
               "v=1&in=64x1x1&net=convT2d(out=5,k=4,s=2,p=1)", "v=1&in=32x1x3&net=convT2d(out=8,k=3,s=2,p=1,op=1)",
               "v=1&in=64x2x2&net=convT2d(out=11,k=3,s=2)", "v=1&in=64x1x1&net=convT2d(out=8,k=4x3,s=2)",
               "v=1&in=64x1x9&net=convT2d(out=8,k=4,s=2,p=1,g=2)", "v=1&in=64x1&net=convT1d(out=4,k=4,s=2)",
               "v=1&in=16x1x1&net=convT2d(out=12,k=6,s=3)", "v=1&in=32x2x1&net=convT2d(out=8,k=5,s=3,p=1)"},
              "f32_deconv2d_winograd");
}

// Its V, M and row buffer follow the phases it has (positions, rows per tile) and the column
// stride (a row buffer per column phase): a wide stride on a tiny input gives many 1-column phase
// rows, which a bound by output width alone misses. The registry gives these layers to the
// sub-pixel kernel now (too few channels, or k < 2s - 1): the bound, which still allows the
// Winograd kernel's buffers, is checked on the kernel that runs.
TEST(ScratchBound, TransposedWideStrides) {
    check_all({"v=1&in=1x1x1&net=convT2d(out=512,k=2,s=16)", "v=1&in=1x1x1&net=convT2d(out=1024,k=2,s=12)",
               "v=1&in=1x1x1&net=convT2d(out=1024,k=24,s=12,p=11)",
               "v=1&in=1x1x1&net=convT2d(out=256,k=2x32,s=1x16,p=0x15)",
               "v=1&in=2x3x2&net=convT2d(out=64,k=4x32,s=2x16,p=1x15)",
               // 1-d (run as 2-d of height 1) and kernel height 1: one row, wide column phases
               "v=1&in=1x1&net=convT1d(out=4096,k=2,s=64)", "v=1&in=1x1&net=convT1d(out=1024,k=2,s=16)",
               "v=1&in=3x5&net=convT1d(out=512,k=3,s=2,p=1,op=1)", "v=1&in=1x1x1&net=convT2d(out=1024,k=1x2,s=1x64)"},
              "f32_deconv2d_subpixel");
}

// Its padded copy: at least 5 rows for one input row (the last tile row's reads), and 2 column
// phases of 8 columns a vector of tiles plus margins, which narrow rows outgrow. (The stride-1
// layers this was first written for run on the sub-pixel kernel now: checked as well.)
TEST(ScratchBound, WinogradTransposedPaddedCopy) {
    check_all({"v=1&in=64x1x1&net=convT2d(out=12,k=4,s=2,p=1)", "v=1&in=64x1x1&net=convT2d(out=12,k=3,s=2)",
               "v=1&in=512x300x1&net=convT2d(out=12,k=3,s=2,p=1)", "v=1&in=16x64x3&net=convT2d(out=12,k=4,s=2)"},
              "f32_deconv2d_winograd");
    check_all({"v=1&in=64x1&net=convT1d(out=12,k=2,s=1)", "v=1&in=64x1&net=convT1d(out=12,k=1,s=1)",
               "v=1&in=512x300x1&net=convT2d(out=12,k=1,s=1)", "v=1&in=16x64x3&net=convT2d(out=12,k=2,s=1)"},
              "f32_deconv2d_subpixel");
}

// The sub-pixel kernel's row pairs (k3 s2): two difference rows of every channel, in planes of up
// to 9 rows, and flags per band row, on top of its band; largest next to a tiny input (one or two
// rows, one column) or many channels of narrow rows.
TEST(ScratchBound, TransposedRowPairs) {
    check_all({"v=1&in=64x1x1&net=convT2d(out=5,k=3,s=2)", "v=1&in=8x2x1&net=convT2d(out=7,k=3,s=2,p=1,op=1)",
               "v=1&in=512x300x1&net=convT2d(out=6,k=3,s=2,p=1)", "v=1&in=16x1x1&n=2&net=convT2d(out=10,k=3,s=2,g=2)",
               "v=1&in=16x64x3&net=convT2d(out=11,k=3,s=2,p=0)"},
              "f32_deconv2d_subpixel_rowpairs");
}

// The 3x3 depthwise kernels that read the input in place keep a row of zeros as wide as it (for
// the padding rows, in every padding mode and both strides): wide rows make it count.
TEST(ScratchBound, DepthwiseWideRows) {
    check_all({"v=1&in=8x64x2000&net=conv2d(out=8,k=3,p=1,g=8)", "v=1&in=8x64x2000&net=conv2d(out=8,k=3,s=2,p=1,g=8)",
               "v=1&in=2x8x4000&net=conv2d(out=2,k=3,p=1,g=2,bias=0,pm=reflect)"},
              "f32_dwconv2d_3x3");
}

// A plan on 2 threads has 2 scratch buffers: the budget counts both before anything is made.
TEST(ScratchBound, CountedOncePerThread) {
    if (cp::usable_threads(2) < 2) GTEST_SKIP() << "this build has no threads";
    auto s = cp::parse_state("v=1&in=8x3x2000&net=conv2d(out=512,k=3,p=1)");
    ASSERT_TRUE(s.ok());
    const cp::NetInfo info = cp::net_info(*s);
    const int64_t one = cp::run_cost(*s, info, 1).total_bytes, two = cp::run_cost(*s, info, 2).total_bytes;
    EXPECT_EQ(two - one, cp::run_scratch_bytes(*s, info, 0, 1));
    EXPECT_EQ(cp::run_scratch_bytes(*s, info, 0, 2), 2 * cp::run_scratch_bytes(*s, info, 0, 1));
    cp::PlanOptions opt;
    opt.max_bytes = (one + two) / 2;
    ASSERT_TRUE(cp::Plan::create(*s, opt).ok());
    opt.threads = 2;
    auto p = cp::Plan::create(*s, opt);
    ASSERT_FALSE(p.ok());
    // refused by the budget from the shapes (before weights are made), not after planning
    EXPECT_NE(p.status().message.find("for the input and every layer"), std::string::npos) << p.status().message;
    // and says why one thread would have done
    EXPECT_NE(p.status().message.find(" on 2 threads (at most "), std::string::npos) << p.status().message;
}

}  // namespace
