// The odd-size solver: a conv followed by the transposed conv it solves for restores the size,
// for every small size and parameter; whole encoder-decoder stacks get every mismatch fixed.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/solver.hpp"

namespace {

cp::Layer conv1d(int64_t k, int64_t s, int64_t p, int64_t d) {
    cp::Layer L;
    L.op = cp::Op::Conv;
    L.dims = 1;
    L.out_channels = 2;
    L.kernel = {k, 1}, L.stride = {s, 1}, L.dilation = {d, 1};
    L.pad = {p, p, 0, 0};
    return L;
}

TEST(Solver, ConvThenSolvedTransposeRestoresEverySmallSize) {
    int pairs = 0;
    for (int64_t i = 1; i <= 40; ++i)
        for (int64_t k = 1; k <= 7; ++k)
            for (int64_t s = 1; s <= 4; ++s)
                for (int64_t p = 0; p <= 3; ++p)
                    for (int64_t d = 1; d <= 3; ++d) {
                        cp::Layer c = conv1d(k, s, p, d);
                        const cp::LayerInfo ci = cp::layer_info(c, {1, 2, i}, 0);
                        if (!ci.status.ok) continue;
                        cp::Layer t = c;
                        t.op = cp::Op::ConvT;
                        const cp::AxisFix f = cp::solve_axis(t, 0, ci.axis[0].out, i);
                        ASSERT_TRUE(f.by_output_padding) << "i=" << i << " k=" << k << " s=" << s << " p=" << p << " d=" << d;
                        // the op is exactly the coverage gap "a"
                        EXPECT_EQ(f.output_padding, ci.axis[0].gap);
                        t.output_padding[0] = f.output_padding;
                        const cp::LayerInfo ti = cp::layer_info(t, ci.out, 1);
                        ASSERT_TRUE(ti.status.ok) << ti.status.message;
                        EXPECT_EQ(ti.axis[0].out, i) << "i=" << i << " k=" << k << " s=" << s << " p=" << p << " d=" << d;
                        ++pairs;
                    }
    EXPECT_GT(pairs, 10000);
}

TEST(Solver, DefaultPlaygroundStackGetsOutputPaddingOne) {
    auto s = cp::parse_state("v=1&in=3x256x256&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1)");
    ASSERT_TRUE(s.ok());
    const cp::SolveReport r = cp::solve_net(*s);
    ASSERT_EQ(r.mismatches.size(), 1u);
    EXPECT_EQ(r.mismatches[0].up_layer, 2);
    EXPECT_EQ(r.mismatches[0].down_layer, 0);
    EXPECT_EQ(r.mismatches[0].got, (cp::Dims{255, 255}));
    EXPECT_EQ(r.mismatches[0].want, (cp::Dims{256, 256}));
    EXPECT_EQ(r.mismatches[0].fix, "op=1");
    EXPECT_EQ(r.mismatches[0].message, "layer 3 (convT2d) makes 255x255 but layer 1 (conv2d) took 256x256: set op=1");
    EXPECT_TRUE(r.all_fixed);
    EXPECT_EQ(cp::print_state(r.fixed),
              "v=1&in=3x256x256&img=photo&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)");
}

TEST(Solver, UNetOnOddSizesIsFixedLevelByLevel) {
    // 101 -> 51 -> 26 -> 13, then three decoders: each must restore its own encoder's size.
    auto s = cp::parse_state(
        "v=1&in=1x101x75&net=conv2d(out=4,k=3,s=2,p=1);conv2d(out=8,k=3,s=2,p=1);maxpool2d(k=2);"
        "upsample(scale=2);convT2d(out=4,k=3,s=2,p=1);convT2d(out=1,k=4,s=2,p=1)");
    ASSERT_TRUE(s.ok()) << s.status().message;
    const cp::SolveReport r = cp::solve_net(*s);
    EXPECT_TRUE(r.all_fixed);
    ASSERT_GE(r.mismatches.size(), 2u);
    const cp::NetInfo fixed = cp::net_info(r.fixed);
    ASSERT_TRUE(fixed.ok());
    EXPECT_EQ(fixed.layers[3].out, fixed.layers[2].in);  // upsample restores the pool's input
    EXPECT_EQ(fixed.layers[4].out, fixed.layers[1].in);
    EXPECT_EQ(fixed.layers[5].out, fixed.layers[0].in);
    EXPECT_TRUE(cp::solve_net(r.fixed).mismatches.empty());
    // Every level is a pair, matching or not; each mismatch is one of them.
    ASSERT_EQ(r.pairs.size(), 3u);
    EXPECT_EQ(r.pairs[0].down_layer, 2);
    EXPECT_EQ(r.pairs[0].up_layer, 3);
    EXPECT_EQ(r.pairs[1].down_layer, 1);
    EXPECT_EQ(r.pairs[2].down_layer, 0);
    EXPECT_EQ(r.pairs[2].up_layer, 5);
    for (const cp::LayerPair& p : r.pairs) {
        if (p.mismatch >= 0) {
            EXPECT_EQ(r.mismatches[size_t(p.mismatch)].up_layer, p.up_layer);
        }
    }
    const cp::SolveReport again = cp::solve_net(r.fixed);
    ASSERT_EQ(again.pairs.size(), 3u);
    for (const cp::LayerPair& p : again.pairs) EXPECT_EQ(p.mismatch, -1);
}

TEST(Solver, PaddingFixWhenOutputPaddingCannotReach) {
    // k=4 s=2 p=0 on 3 makes 8; restoring 6 needs p=1 (op must stay below the stride).
    cp::Layer t = conv1d(4, 2, 0, 1);
    t.op = cp::Op::ConvT;
    const cp::AxisFix f = cp::solve_axis(t, 0, 3, 6);
    EXPECT_FALSE(f.by_output_padding);
    EXPECT_EQ(f.padding, 1);
    EXPECT_EQ(f.padding_op, 0);
}

}  // namespace

namespace {

TEST(Solver, SaysWhenTheStridesDoNotMirror) {
    auto s = cp::parse_state("v=1&in=3x256x256&net=conv2d(out=16,k=3,s=8,p=1);relu;convT2d(out=3,k=3,s=2,p=1)");
    const cp::SolveReport r = cp::solve_net(*s);
    ASSERT_EQ(r.mismatches.size(), 1u);
    EXPECT_FALSE(r.all_fixed);
    EXPECT_EQ(r.mismatches[0].message,
              "layer 3 (convT2d) makes 63x63 but layer 1 (conv2d) took 256x256: no output_padding or padding restores it "
              "(its stride 2 does not undo layer 1's stride 8)");
}

}  // namespace
