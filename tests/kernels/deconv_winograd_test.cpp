// The Winograd transposed conv (deconv_winograd.cpp) against the reference kernel: every phase
// shape it covers (k <= 2s, d == 1), odd and even sizes, H != W, groups, batch, bias on/off,
// output_padding, 1-d layers, tiny and larger input channel counts, partial output-channel
// blocks; and the dispatch: it serves exactly the eligible layers (d == 1, k <= 2s, and at least
// 12 output channels per group, see kMinCout).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/codec.hpp"
#include "engine/plan.hpp"
#include "engine/rng.hpp"
#include "kernels/simd.hpp"  // CP_SIMD_SUFFIX
#include "support/kernel_compare.hpp"

namespace {

constexpr const char* kWinograd = "f32_deconv2d_winograd3x2_4x8" CP_SIMD_SUFFIX;

// Counts the layers the Winograd kernel served, on top of the shared comparison.
struct WinogradCompare : cp::test::KernelCompare {
    int winograd = 0;
};

void compare_winograd(const std::string& state_text, WinogradCompare& c) {
    const int before = c.kernels[kWinograd];
    cp::test::compare_with_reference(state_text, c, 17);
    c.winograd += c.kernels[kWinograd] - before;
}

using WinogradSweep = cp::test::ThreadedSweep<WinogradCompare>;
CP_THREADED_SUITE(DeconvWinogradSweep, WinogradSweep);

using cp::test::kernel_of;

TEST_P(DeconvWinogradSweep, SweepMatchesReference) {
    for (int w = 1; w <= 9; ++w)
        for (int k = 1; k <= 4; ++k)
            for (int s = 1; s <= 3; ++s)
                for (int p = 0; p <= 2; ++p)
                    for (int op = 0; op < s; ++op) {
                        if (k > 2 * s) continue;
                        const int h = (w * 5) % 9 + 1;  // H != W mostly, odd and even
                        const std::string state = "v=1&in=3x" + std::to_string(h) + "x" + std::to_string(w) +
                                                  (w % 2 ? "&n=2" : "") + "&net=convT2d(out=13,k=" + std::to_string(k) +
                                                  ",s=" + std::to_string(s) + ",p=" + std::to_string(p) +
                                                  ",op=" + std::to_string(op) + (w % 3 == 0 ? ",bias=0" : "") + ")";
                        WinogradCompare one;
                        one.threads = c.threads;
                        compare_winograd(state, one);
                        c.checked += one.checked, c.skipped += one.skipped, c.winograd += one.winograd;
                        if (one.checked) {
                            EXPECT_EQ(one.last_kernel, kWinograd) << state;
                        }
                    }
    EXPECT_GT(c.checked, 300);
    EXPECT_EQ(c.winograd, c.checked);
    std::printf("winograd sweep: %d checked, %d skipped\n", c.checked, c.skipped);
}

TEST_P(DeconvWinogradSweep, ChannelsGroupsBatchAnd1d) {
    for (int cin : {1, 3, 16, 33})
        for (int cout : {12, 16, 33})
            for (const char* k : {"4", "3", "2x3"})
                compare_winograd("v=1&in=" + std::to_string(cin) + "x7x10&n=2&net=convT2d(out=" + std::to_string(cout) +
                                     ",k=" + k + ",s=2,p=1,op=1)",
                                 c);
    for (const char* g : {"1", "2"})
        for (const char* k : {"4", "3", "2", "3x2", "1x4"})
            for (const char* b : {"0", "1"})
                compare_winograd(std::string("v=1&in=8x7x9&n=2&net=convT2d(out=24,k=") + k + ",s=2x3,p=1,op=1,g=" + g +
                                     ",bias=" + b + ")",
                                 c);
    compare_winograd("v=1&in=32x16x16&net=convT2d(out=16,k=4,s=2,p=1)", c);
    // wide rows: stride-2 output rows written straight from the output transform, plus tails
    for (int w : {31, 32, 33, 40})
        for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1", "k=3,s=2,p=1,op=1", "k=2,s=2", "k=4,s=2,p=2,op=1"})
            compare_winograd("v=1&in=5x3x" + std::to_string(w) + "&n=2&net=convT2d(out=13," + L + ")", c);
    compare_winograd("v=1&in=16x19x17&net=convT2d(out=16,k=3,s=2,p=1,op=1)", c);
    compare_winograd("v=1&in=16x33x31&n=2&net=convT2d(out=26,k=3,s=2,p=1,op=1,g=2)", c);
    for (int w : {1, 2, 5, 9, 37})
        for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1,op=1", "k=5,s=3,p=2,op=2", "k=2,s=1", "k=1,s=3,op=2"})
            compare_winograd("v=1&in=4x" + std::to_string(w) + "&n=2&net=convT1d(out=12," + L + ")", c);
    compare_winograd("v=1&in=4x6x6&net=convT2d(out=12,k=2,s=4,op=3,bias=0)", c);  // bias-only phases
    compare_winograd("v=1&in=4x9&net=convT1d(out=12,k=2,s=4)", c);
    EXPECT_GT(c.checked, 100);
    EXPECT_EQ(c.winograd, c.checked);
}

// Inputs with +inf, -inf and NaN planted: the passes that read one take the fallback (direct
// sums, direct_rows), densely (every pass) and sparsely (next to Winograd passes), on every phase
// shape, groups, odd widths, 1-d, bias-only phases; NaN and inf exactly where the reference has them.
TEST_P(DeconvWinogradSweep, FallbackOnNonFiniteInputs) {
    for (int plant : {5, 151}) {
        c.plant = plant;
        for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1,op=1", "k=2x3,s=2,p=1,op=1", "k=2,s=2", "k=2,s=1",
                              "k=5,s=3,p=2,op=2", "k=1,s=3,op=2", "k=3x2,s=2x3,p=1,op=1,g=2"})
            for (int w : {1, 9, 33})
                compare_winograd(std::string("v=1&in=8x7x") + std::to_string(w) + "&n=2&net=convT2d(out=24," + L + ")", c);
        compare_winograd("v=1&in=16x19x40&net=convT2d(out=13,k=4,s=2,p=1,bias=0)", c);
        compare_winograd("v=1&in=4x6x6&net=convT2d(out=12,k=2,s=4,op=3)", c);  // bias-only phases
        compare_winograd("v=1&in=4x37&n=2&net=convT1d(out=12,k=3,s=2,p=1,op=1)", c);
    }
    EXPECT_EQ(c.winograd, c.checked);
    EXPECT_EQ(c.checked, 2 * (8 * 3 + 3));
}

// Passes of 3 phase rows (F(3,2) along y for 2 taps, 1 row for 1 tap): every count of rows the
// last pass has (1, 2 or 3) and images of fewer rows than a pass, on rows that the output
// transform writes straight into the output (w = 33) and rows it does not (w = 6); then with
// specials planted, so that passes falling back to direct sums sit next to Winograd ones.
TEST_P(DeconvWinogradSweep, ThreeRowPasses) {
    for (int plant : {0, 97}) {
        c.plant = plant;
        for (int h = 1; h <= 7; ++h)
            for (int w : {6, 33})
                for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1,op=1", "k=2,s=1", "k=4,s=2,p=2,op=1", "k=3x4,s=2,p=1"})
                    compare_winograd("v=1&in=5x" + std::to_string(h) + "x" + std::to_string(w) + (h % 2 ? "&n=2" : "") +
                                         "&net=convT2d(out=13," + L + ")",
                                     c);
    }
    EXPECT_EQ(c.winograd, c.checked);
    EXPECT_EQ(c.checked, 2 * 7 * 2 * 5);
}

TEST(DeconvWinograd, DispatchOnlyForEligibleLayers) {
    EXPECT_EQ(kernel_of("v=1&in=32x128x128&net=convT2d(out=16,k=4,s=2,p=1)"), kWinograd);
    EXPECT_EQ(kernel_of("v=1&in=16x256x256&net=convT2d(out=16,k=3,s=2,p=1,op=1)"), kWinograd);
    EXPECT_EQ(kernel_of("v=1&in=4x20&net=convT1d(out=12,k=3,s=2,p=1)"), kWinograd);
    // too few output channels per group to amortise the transforms: the sub-pixel kernel
    EXPECT_NE(kernel_of("v=1&in=16x256x256&net=convT2d(out=3,k=3,s=2,p=1,op=1)"), kWinograd);
    EXPECT_NE(kernel_of("v=1&in=16x16x16&net=convT2d(out=16,k=4,s=2,p=1,g=2)"), kWinograd);
    for (const char* L : {"k=3,s=1", "k=5,s=2", "k=7,s=3", "k=3,s=2,d=2", "k=2,s=2,d=2", "k=3x5,s=2"}) {
        const std::string k = kernel_of(std::string("v=1&in=4x12x12&net=convT2d(out=16,") + L + ")");
        EXPECT_NE(k, kWinograd) << L;
        EXPECT_EQ(k.find("ref::"), std::string::npos) << L << " " << k;
    }
    // and the sub-pixel kernel still matches the reference on what it keeps
    WinogradCompare c;
    for (const char* L : {"k=3,s=1,p=1", "k=5,s=2,p=2,op=1", "k=3,s=2,d=2", "k=3,s=2,p=1,d=2,op=1"})
        compare_winograd(std::string("v=1&in=5x9x8&n=2&net=convT2d(out=13,") + L + ")", c);
    EXPECT_EQ(c.checked, 4);
    EXPECT_EQ(c.winograd, 0);
}

}  // namespace
