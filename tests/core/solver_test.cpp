// The odd-size solver: a conv followed by the transposed conv it solves for restores the size,
// for every small size and parameter; whole encoder-decoder stacks get every mismatch fixed, by
// every kind of fix (output_padding, padding, a crop after the decoder, size), each right for the
// stack as the fixes before it leave it (random stacks, checked with the shapes engine).
#include <gtest/gtest.h>

#include <random>

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
              "layer 3 (convT2d) makes 63x63 but layer 1 (conv2d) took 256x256: no output_padding, padding or crop restores it "
              "(its stride 2 does not undo layer 1's stride 8)");
}

}  // namespace

namespace {

// The sizes the shapes engine gives on both sides of every pair of `s` (as solve_net pairs them).
// Pairs `first` .. `upto` - 1.
void expect_pairs_round_trip(const cp::State& s, size_t upto, const std::string& what, size_t first = 0) {
    const cp::NetInfo info = cp::net_info(s);
    const cp::SolveReport r = cp::solve_net(s);
    ASSERT_LE(upto, r.pairs.size()) << what;
    for (size_t k = first; k < upto; ++k) {
        const cp::LayerPair& p = r.pairs[k];
        ASSERT_TRUE(info.layers[size_t(p.out_layer)].status.ok) << what;
        const cp::Dims& in = info.layers[size_t(p.down_layer)].in;
        const cp::Dims& out = info.layers[size_t(p.out_layer)].out;
        EXPECT_EQ(cp::Dims(in.begin() + 2, in.end()), cp::Dims(out.begin() + 2, out.end()))
            << what << "\n  pair " << k + 1 << ": layer " << p.up_layer + 1 << " / " << p.down_layer + 1;
        EXPECT_EQ(p.mismatch, -1) << what << "\n  pair " << k + 1;
    }
}

TEST(Solver, OffersPaddingAndACropWhenTheDecoderOvershoots) {
    // 64 -> 32 -> (32-1)*2 + 4 = 66: op cannot remove cells; p=1 or a crop of one cell a side can.
    auto s = cp::parse_state("v=1&in=1x64x64&net=conv2d(out=4,k=3,s=2,p=1);relu;convT2d(out=1,k=4,s=2)");
    ASSERT_TRUE(s.ok());
    const cp::SolveReport r = cp::solve_net(*s);
    ASSERT_EQ(r.mismatches.size(), 1u);
    const cp::Mismatch& m = r.mismatches[0];
    ASSERT_EQ(m.fixes.size(), 2u);
    EXPECT_EQ(m.fixes[0].kind, cp::FixKind::Padding);
    EXPECT_EQ(m.fixes[0].change, "p=1");
    EXPECT_EQ(m.fixes[1].kind, cp::FixKind::Crop);
    EXPECT_EQ(m.fixes[1].label, "insert crop2d(c=1) after layer 3");
    EXPECT_EQ(cp::print_state(m.fixes[1].result),
              "v=1&in=1x64x64&img=photo&net=conv2d(out=4,k=3,s=2,p=1);relu;convT2d(out=1,k=4,s=2);crop2d(c=1)");
    EXPECT_EQ(m.after_fixes, 0);
    // Once the crop is in, the pair compares the crop's output: it round-trips, and a crop that
    // removes too little gets a fix of its own amounts.
    const cp::SolveReport again = cp::solve_net(m.fixes[1].result);
    ASSERT_EQ(again.pairs.size(), 1u);
    EXPECT_EQ(again.pairs[0].out_layer, 3);
    EXPECT_TRUE(again.mismatches.empty());
    auto odd = cp::parse_state("v=1&in=1x64x65&net=conv2d(out=4,k=3,s=2,p=1);convT2d(out=1,k=4,s=2);relu;crop2d(c=0:1x0)");
    ASSERT_TRUE(odd.ok());
    const cp::SolveReport o = cp::solve_net(*odd);
    ASSERT_EQ(o.mismatches.size(), 1u);  // 65 -> 33 -> 68; crop 0:1 x 0 leaves 65 x 68 for 64 x 65
    EXPECT_EQ(o.mismatches[0].got, (cp::Dims{65, 68}));
    EXPECT_EQ(o.mismatches[0].out_layer, 3);
    bool crop_fix = false;
    for (const cp::PairFix& f : o.mismatches[0].fixes)
        if (f.kind == cp::FixKind::Crop) {
            crop_fix = true;
            EXPECT_EQ(f.label, "set c=0:2x1:2 on layer 4");
            EXPECT_EQ(f.result.net.size(), odd->net.size());
        }
    EXPECT_TRUE(crop_fix);
    // A crop that removes too much: less of it (off the end first) is the one fix.
    auto over = cp::parse_state("v=1&in=2x41&net=conv1d(out=3,k=4,s=2);convT1d(out=2,k=5,s=2);crop1d(c=1:2)");
    ASSERT_TRUE(over.ok());
    const cp::SolveReport v = cp::solve_net(*over);
    ASSERT_EQ(v.mismatches.size(), 1u);
    EXPECT_EQ(v.mismatches[0].message, "layer 2 (convT1d) makes 38 (after its crop) but layer 1 (conv1d) took 41: set c=0 on layer 3");
    ASSERT_EQ(v.mismatches[0].fixes.size(), 1u);
    EXPECT_EQ(cp::print_layer(v.mismatches[0].fixes[0].result.net[2]), "crop1d(c=0)");
}

TEST(Solver, LaterFixesAreComputedAfterTheEarlierOnes) {
    // Two levels, both decoders overshoot. The inner pair's first fix changes what the outer
    // decoder gets, so the outer pair's fixes (and its "got") are for the stack after it.
    // 45 -> 22 -> 11 -> 24 (for 22) -> 50 (for 45); once the inner pair gives 22, the outer gives 46.
    auto s = cp::parse_state("v=1&in=1x45x45&net=conv2d(out=2,k=3,s=2);conv2d(out=4,k=3,s=2,p=1);"
                             "convT2d(out=2,k=4,s=2);convT2d(out=1,k=4,s=2)");
    ASSERT_TRUE(s.ok());
    const cp::SolveReport r = cp::solve_net(*s);
    ASSERT_EQ(r.mismatches.size(), 2u);
    EXPECT_EQ(r.mismatches[0].got, (cp::Dims{24, 24}));
    EXPECT_EQ(r.mismatches[1].got, (cp::Dims{46, 46}));
    EXPECT_EQ(r.mismatches[1].message,
              "layer 4 (convT2d) makes 46x46 once the fix before is in but layer 1 (conv2d) took 45x45: set p=1,op=1");
    ASSERT_EQ(r.mismatches[1].fixes.size(), 2u);
    EXPECT_EQ(r.mismatches[1].fixes[0].change, "p=1,op=1");
    EXPECT_EQ(r.mismatches[1].fixes[1].change, "crop2d(c=0:1)");
    EXPECT_EQ(r.mismatches[0].after_fixes, 0);
    EXPECT_EQ(r.mismatches[1].after_fixes, 1);
    for (size_t k = 0; k < r.mismatches.size(); ++k)
        for (const cp::PairFix& f : r.mismatches[k].fixes) {
            expect_pairs_round_trip(f.result, k + 1, f.label);
            // the outer pair's fixes carry the inner pair's first fix: nothing is left to fix
            if (k == 1) {
                EXPECT_EQ(cp::solve_net(f.result).mismatches.size(), 0u) << f.label;
            }
        }
    expect_pairs_round_trip(r.fixed, r.pairs.size(), "fix every pair");
}

// Random encoder-decoder stacks: strided convs and pools down, transposed convs and upsamples up
// (strides that mirror or not, any padding and output_padding), activations and crops between.
std::string random_encoder_decoder(std::mt19937& rng) {
    auto num = [&](int lo, int hi) { return std::to_string(lo + int(rng() % unsigned(hi - lo + 1))); };
    const bool one_d = rng() % 3 == 0;
    const std::string d = one_d ? "1d" : "2d";
    std::string s = "v=1&in=1x" + num(9, 70) + (one_d ? "" : "x" + num(9, 70)) + "&net=";
    const int levels = 1 + int(rng() % 3);
    std::vector<std::string> net;
    std::vector<std::string> strides;
    for (int l = 0; l < levels; ++l) {
        const std::string st = rng() % 5 ? "2" : num(1, 3);
        strides.push_back(st);
        if (rng() % 5 == 0) net.push_back("maxpool" + d + "(k=2" + (st == "2" ? "" : ",s=" + st) + ")");
        else net.push_back("conv" + d + "(out=2,k=" + num(1, 5) + ",s=" + st + ",p=" + num(0, 2) + ")");
        if (rng() % 3 == 0) net.push_back("relu");
    }
    for (int l = levels - 1; l >= 0; --l) {
        const std::string st = rng() % 6 ? strides[size_t(l)] : num(1, 3);
        if (rng() % 5 == 0) net.push_back("upsample(scale=" + st + ")");
        else
            net.push_back("convT" + d + "(out=2,k=" + num(1, 5) + ",s=" + st + ",p=" + num(0, 2) +
                          (rng() % 4 == 0 ? ",op=" + num(0, 1) : "") + ")");
        if (rng() % 4 == 0) net.push_back("crop" + d + "(c=" + num(0, 1) + ":" + num(0, 1) + ")");
        if (rng() % 3 == 0) net.push_back("tanh");
    }
    for (size_t i = 0; i < net.size(); ++i) s += (i ? ";" : "") + net[i];
    return s;
}

TEST(Solver, FixEveryPairLeavesEveryPairGreenOnRandomEncoderDecoders) {
    std::mt19937 rng(20261211);
    int tested = 0, fixed_all = 0, two_or_more = 0, fixes = 0, unfixable_first_then_fix = 0;
    int kinds[4] = {0, 0, 0, 0};
#ifdef __EMSCRIPTEN__
    const int want_stacks = 150;  // the same check within the wasm suite's time
#else
    const int want_stacks = 600;
#endif
    for (int attempt = 0; attempt < 4000 && tested < want_stacks; ++attempt) {
        const std::string text = random_encoder_decoder(rng);
        auto s = cp::parse_state(text);
        ASSERT_TRUE(s.ok()) << text << ": " << s.status().message;
        if (!cp::net_info(*s).ok()) continue;
        const cp::SolveReport r = cp::solve_net(*s);
        if (r.mismatches.empty()) continue;
        ++tested;
        two_or_more += r.mismatches.size() >= 2;
        int applied = 0;
        for (size_t k = 0; k < r.mismatches.size(); ++k) {
            const cp::Mismatch& m = r.mismatches[k];
            EXPECT_EQ(m.after_fixes, applied) << text;
            EXPECT_EQ(m.fixable, !m.fixes.empty()) << text;
            // Each fix, applied as it stands, makes its pair and every pair before it round-trip.
            const size_t pair_index = size_t(std::find_if(r.pairs.begin(), r.pairs.end(), [&](const cp::LayerPair& p) {
                                                  return p.mismatch == int(k);
                                              }) - r.pairs.begin());
            ASSERT_LT(pair_index, r.pairs.size()) << text;
            for (const cp::PairFix& f : m.fixes) {
                ++fixes, ++kinds[int(f.kind)];
                // (when a pair before it has no fix, only this pair)
                expect_pairs_round_trip(f.result, pair_index + 1, text + "\n  " + f.label, r.all_fixed ? 0 : pair_index);
                if (::testing::Test::HasFailure()) return;
            }
            applied += m.fixable;
        }
        // The button's text counts the mismatches that have a fix, wherever they are.
        const size_t fixable = cp::fixable_count(r);
        EXPECT_EQ(int(fixable), applied) << text;
        const std::string label = cp::fix_button_label(r);
        const auto first_fix = std::find_if(r.mismatches.begin(), r.mismatches.end(), [](const cp::Mismatch& m) { return m.fixable; });
        if (fixable == 0) EXPECT_EQ(label, "") << text;
        else if (fixable == 1) EXPECT_EQ(label, "Fix: " + first_fix->fixes.front().label) << text;
        else if (fixable == r.mismatches.size()) EXPECT_EQ(label, "Fix all " + std::to_string(fixable)) << text;
        else EXPECT_EQ(label, "Fix " + std::to_string(fixable) + " of " + std::to_string(r.mismatches.size())) << text;
        unfixable_first_then_fix += !r.mismatches.front().fixable && fixable > 0;
        if (!r.all_fixed) continue;
        ++fixed_all;
        // "fix every pair": every pair round-trips, as many pairs as before, checked by the shapes engine.
        expect_pairs_round_trip(r.fixed, r.pairs.size(), text + "\n  fixed: " + cp::print_state(r.fixed));
        EXPECT_EQ(cp::solve_net(r.fixed).pairs.size(), r.pairs.size()) << text;
        EXPECT_TRUE(cp::solve_net(r.fixed).mismatches.empty()) << text;
        if (::testing::Test::HasFailure()) return;
    }
    std::printf("[ solver ] %d stacks with a miss (%d with two or more, %d whose first miss has no fix but a later "
                "one has), %d fixed by 'fix every pair'; %d fixes: %d output_padding, %d padding, %d crop, %d size\n",
                tested, two_or_more, unfixable_first_then_fix, fixed_all, fixes, kinds[0], kinds[1], kinds[2], kinds[3]);
    EXPECT_EQ(tested, want_stacks);
    EXPECT_GT(two_or_more, want_stacks / 6);
    EXPECT_GT(unfixable_first_then_fix, 0);  // the case the button once had no text for
    EXPECT_GT(kinds[int(cp::FixKind::Crop)], want_stacks / 6);
    EXPECT_GT(kinds[int(cp::FixKind::Padding)], want_stacks / 6);
}

}  // namespace
