// The Winograd transposed conv (deconv_winograd.cpp) against the reference kernel: every phase
// shape the registry gives it at stride 2 (kernel 3 or 4 per axis, d == 1), every padding and
// output_padding, odd and even sizes, H != W, height 1, groups, batch, bias on/off, input and
// output channel counts around its rule (convt_winograd_pays(): 4-11 output channels per group
// from 8 or 32 input channels), partial output-channel blocks; and the dispatch: it serves exactly
// the layers convt_winograd_pays() takes, the sub-pixel kernel the rest (k <= s, stride 1, few
// channels). Beyond stride 2 (k = 2s or 2s - 1 at stride 3, per axis and mixed with stride 2) and
// 1-d layers are swept in StrideThreeMixedAndOneD.
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
                        const std::string state = "v=1&in=16x" + std::to_string(h) + "x" + std::to_string(w) +
                                                  (w % 2 ? "&n=2" : "") + "&net=convT2d(out=13,k=" + std::to_string(k) +
                                                  ",s=" + std::to_string(s) + ",p=" + std::to_string(p) +
                                                  ",op=" + std::to_string(op) + (w % 3 == 0 ? ",bias=0" : "") + ")";
                        WinogradCompare one;
                        one.threads = c.threads;
                        compare_winograd(state, one);
                        c.checked += one.checked, c.skipped += one.skipped, c.winograd += one.winograd;
                        // 16 -> 13 channels: enough for k3 and k4 (convt_winograd_pays())
                        if (one.checked) {
                            EXPECT_EQ(one.last_kernel == kWinograd, s == 2 && k >= 3) << state << " on " << one.last_kernel;
                        }
                    }
    EXPECT_GT(c.checked, 300);
    EXPECT_GT(c.winograd, 90);
    std::printf("winograd sweep: %d checked, %d skipped\n", c.checked, c.skipped);
}

TEST_P(DeconvWinogradSweep, ChannelsGroupsBatchAndHeight1) {
    for (int cin : {8, 16, 33})
        for (int cout : {12, 16, 33})
            for (const char* k : {"4", "3", "4x3"}) {
                if (cin < 16 && std::string(k) != "4") continue;  // k3 needs 16 inputs (convt_winograd_pays())
                compare_winograd("v=1&in=" + std::to_string(cin) + "x7x10&n=2&net=convT2d(out=" + std::to_string(cout) +
                                     ",k=" + k + ",s=2,p=1,op=1)",
                                 c);
            }
    for (const char* g : {"1", "2"})
        for (const char* k : {"4", "3", "4x3", "3x4"})
            for (const char* b : {"0", "1"})
                compare_winograd(std::string("v=1&in=32x7x9&n=2&net=convT2d(out=24,k=") + k + ",s=2,p=1,op=1,g=" + g +
                                     ",bias=" + b + ")",
                                 c);
    compare_winograd("v=1&in=32x16x16&net=convT2d(out=16,k=4,s=2,p=1)", c);
    // wide rows: stride-2 output rows written straight from the output transform, plus tails
    for (int w : {31, 32, 33, 40})
        for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1", "k=3,s=2,p=1,op=1", "k=4x3,s=2,p=1", "k=4,s=2,p=2,op=1"})
            compare_winograd("v=1&in=16x3x" + std::to_string(w) + "&n=2&net=convT2d(out=13," + L + ")", c);
    compare_winograd("v=1&in=16x19x17&net=convT2d(out=16,k=3,s=2,p=1,op=1)", c);
    compare_winograd("v=1&in=32x33x31&n=2&net=convT2d(out=26,k=3,s=2,p=1,op=1,g=2)", c);
    // one input row of a 2-d layer (kh of 3 or 4; 1-d layers, kh = 1, are in StrideThreeMixedAndOneD)
    for (int w : {1, 2, 5, 9, 37})
        for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1,op=1", "k=3x4,s=2,p=1"})
            compare_winograd("v=1&in=16x1x" + std::to_string(w) + "&n=2&net=convT2d(out=12," + L + ")", c);
    EXPECT_EQ(c.checked, 75);
    EXPECT_EQ(c.winograd, c.checked);
}

// The layers convt_winograd_pays() took from the sub-pixel kernel: k4 s2 with 4-11 output
// channels per group (8-11 from 8 input channels, 4-11 from 32) and k3 s2 with 8-11 from 32
// input channels; odd counts leave a partial block of output channels (4 a block) in the GEMMs and output transform.
TEST_P(DeconvWinogradSweep, FewOutputChannels) {
    for (int w : {9, 17, 33})
        for (int cout = 4; cout <= 11; ++cout) {
            const std::string size = "x" + std::to_string(w % 7 + 3) + "x" + std::to_string(w);
            if (cout >= 8)
                compare_winograd("v=1&in=8" + size + "&net=convT2d(out=" + std::to_string(cout) + ",k=4,s=2,p=1)", c);
            compare_winograd("v=1&in=32" + size + "&n=2&net=convT2d(out=" + std::to_string(cout) + ",k=4,s=2,p=1)", c);
            if (cout >= 8)
                for (const char* L : {"k=3,s=2,p=1", "k=3,s=2,p=1,op=1", "k=4x3,s=2,p=1,op=1"})
                    compare_winograd("v=1&in=32" + size + "&net=convT2d(out=" + std::to_string(cout) + "," + L + ")", c);
        }
    compare_winograd("v=1&in=16x9x9&n=2&net=convT2d(out=16,k=4,s=2,p=1,g=2)", c);  // 8 x 8 a group
    EXPECT_EQ(c.checked, 3 * (4 + 8 + 4 * 3) + 1);
    EXPECT_EQ(c.winograd, c.checked);
}

// Inputs with +inf, -inf and NaN planted: the passes that read one take the fallback (direct
// sums, direct_rows), densely (every pass) and sparsely (next to Winograd passes), on every phase
// shape, groups, odd widths, height 1, few outputs; NaN and inf exactly where the reference has them.
TEST_P(DeconvWinogradSweep, FallbackOnNonFiniteInputs) {
    for (int plant : {5, 151}) {
        c.plant = plant;
        for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1,op=1", "k=4x3,s=2,p=1,op=1", "k=3x4,s=2", "k=4,s=2,p=2,op=1",
                              "k=3,s=2", "k=4,s=2,p=1,g=2", "k=3,s=2,p=0,op=1"})
            for (int w : {1, 9, 33})
                compare_winograd(std::string("v=1&in=16x7x") + std::to_string(w) + "&n=2&net=convT2d(out=24," + L + ")", c);
        compare_winograd("v=1&in=16x19x40&net=convT2d(out=13,k=4,s=2,p=1,bias=0)", c);
        // partial blocks of 1, 2 and 3 outputs (of blocks of 4), as the layers of 5-11 outputs have
        for (int cout : {5, 6, 7, 10, 11})
            compare_winograd("v=1&in=32x7x9&n=2&net=convT2d(out=" + std::to_string(cout) + ",k=4,s=2,p=1)", c);
        compare_winograd("v=1&in=32x7x9&net=convT2d(out=11,k=3,s=2,p=1,op=1)", c);
        compare_winograd("v=1&in=16x1x37&n=2&net=convT2d(out=12,k=3,s=2,p=1,op=1)", c);
    }
    EXPECT_EQ(c.winograd, c.checked);
    EXPECT_EQ(c.checked, 2 * (8 * 3 + 8));
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
                for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1,op=1", "k=3,s=2", "k=4,s=2,p=2,op=1", "k=3x4,s=2,p=1"})
                    compare_winograd("v=1&in=16x" + std::to_string(h) + "x" + std::to_string(w) + (h % 2 ? "&n=2" : "") +
                                         "&net=convT2d(out=13," + L + ")",
                                     c);
    }
    EXPECT_EQ(c.winograd, c.checked);
    EXPECT_EQ(c.checked, 2 * 7 * 2 * 5);
}

// The layers convt_winograd_pays() takes beyond stride 2: k = 2s (two taps a phase) and k = 2s - 1
// (all phases but one of two taps) at stride 3, per axis and mixed with stride 2, and 1-d layers
// (convT1d: one input row, kh = 1), at every padding, output_padding, odd and even widths down to
// 1, with and without bias, and with specials planted so that the fallback runs on those phase
// shapes too. Each state must run on the Winograd kernel (16 -> 12 channels, from the rule).
TEST_P(DeconvWinogradSweep, StrideThreeMixedAndOneD) {
    for (int plant : {0, 23}) {
        c.plant = plant;
        for (int w : {1, 2, 5, 8, 13})
            for (const char* k : {"5", "6", "6x5", "5x6"})
                for (int p = 0; p <= 2; ++p)
                    for (int op = 0; op < 3; ++op)
                        compare_winograd("v=1&in=16x" + std::to_string(w % 4 + 2) + "x" + std::to_string(w) + (w % 2 ? "&n=2" : "") +
                                             "&net=convT2d(out=12,k=" + k + ",s=3,p=" + std::to_string(p) +
                                             ",op=" + std::to_string(op) + (p == 1 ? ",bias=0" : "") + ")",
                                         c);
        for (int w : {3, 9, 34})
            for (const char* L : {"k=6x4,s=3x2,p=1", "k=5x3,s=3x2,p=2x1,op=1", "k=4x6,s=2x3,p=1x2,op=1x2", "k=3x5,s=2x3"})
                compare_winograd("v=1&in=16x5x" + std::to_string(w) + "&net=convT2d(out=12," + L + ")", c);
        for (int len : {1, 2, 7, 33, 64})
            for (const char* L : {"k=4,s=2,p=1", "k=3,s=2,p=1,op=1", "k=6,s=3,p=2,op=2", "k=5,s=3", "k=4,s=2,p=2,op=1,bias=0"})
                compare_winograd("v=1&in=16x" + std::to_string(len) + (len % 2 ? "&n=2" : "") + "&net=convT1d(out=12," + L + ")", c);
    }
    EXPECT_EQ(c.winograd, c.checked);
    EXPECT_EQ(c.checked + c.skipped, 2 * (5 * 4 * 3 * 3 + 3 * 4 + 5 * 5));
    EXPECT_GT(c.checked, 2 * 200);
    std::printf("stride-3 / mixed / 1-d winograd sweep: %d checked, %d skipped\n", c.checked, c.skipped);
}

TEST(DeconvWinograd, DispatchOnlyWherePays) {
    EXPECT_EQ(kernel_of("v=1&in=32x128x128&net=convT2d(out=16,k=4,s=2,p=1)"), kWinograd);
    EXPECT_EQ(kernel_of("v=1&in=16x256x256&net=convT2d(out=16,k=3,s=2,p=1,op=1)"), kWinograd);
    // the rule's boundary: k = 2s from 8 x 8 channels per group or 32 x 4 (and from 64 columns 16 x
    // 4 or 4 x 12); k = 2s - 1 from 16 x 12 or 32 x 8 (and from 64 columns 8 x 12); 1-d alike
    for (const char* L : {"in=8x32x32&net=convT2d(out=8,k=4,s=2,p=1)", "in=32x32x32&net=convT2d(out=4,k=4,s=2,p=1)",
                          "in=16x64x64&net=convT2d(out=4,k=4,s=2,p=1)", "in=4x64x64&net=convT2d(out=12,k=4,s=2,p=1)",
                          "in=16x32x32&net=convT2d(out=16,k=4,s=2,p=1,g=2)", "in=16x32x32&net=convT2d(out=12,k=3,s=2,p=1)",
                          "in=32x32x32&net=convT2d(out=8,k=3,s=2,p=1,op=1)", "in=32x32x32&net=convT2d(out=8,k=4x3,s=2,p=1)",
                          "in=8x64x64&net=convT2d(out=12,k=3,s=2,p=1)", "in=16x32x32&net=convT2d(out=12,k=6,s=3,p=2)",
                          "in=16x32x32&net=convT2d(out=12,k=5,s=3,p=1)", "in=64x4096&net=convT1d(out=32,k=4,s=2,p=1)",
                          "in=16x4096&net=convT1d(out=12,k=3,s=2,p=1,op=1)"})
        EXPECT_EQ(kernel_of(std::string("v=1&") + L), kWinograd) << L;
    // the sub-pixel kernel: too few channels (for the width), no products saved (k <= s), stride
    // 1, and the benchmark's convT 16->3 and the default stack's last layer
    for (const char* L : {"in=8x64x64&net=convT2d(out=7,k=4,s=2,p=1)", "in=16x32x32&net=convT2d(out=4,k=4,s=2,p=1)",
                          "in=4x32x32&net=convT2d(out=16,k=4,s=2,p=1)", "in=64x64x64&net=convT2d(out=3,k=4,s=2,p=1)",
                          "in=3x128x128&net=convT2d(out=16,k=4,s=2,p=1)", "in=16x64x64&net=convT2d(out=14,k=4,s=2,p=1,g=2)",
                          "in=16x64x64&net=convT2d(out=8,k=3,s=2,p=1)", "in=8x32x32&net=convT2d(out=32,k=3,s=2,p=1)",
                          "in=4x64x64&net=convT2d(out=32,k=3,s=2,p=1)", "in=64x64x64&net=convT2d(out=7,k=3,s=2,p=1)",
                          "in=64x64x64&net=convT2d(out=32,k=2,s=2)", "in=32x64x64&net=convT2d(out=32,k=2,s=1)",
                          "in=32x64x64&net=convT2d(out=32,k=4x2,s=2,p=1)", "in=32x64x64&net=convT2d(out=32,k=4,s=3,p=1)",
                          "in=8x4096&net=convT1d(out=7,k=4,s=2,p=1)", "in=16x256x256&net=convT2d(out=3,k=3,s=2,p=1,op=1)",
                          "in=16x256x256&net=convT2d(out=3,k=3,s=2,p=1)"}) {
        const std::string k = kernel_of(std::string("v=1&") + L);
        EXPECT_EQ(k.rfind("f32_deconv2d_subpixel", 0), 0u) << L << " " << k;
    }
    for (const char* L : {"k=3,s=1", "k=5,s=2", "k=7,s=3", "k=3,s=2,d=2", "k=2,s=2,d=2", "k=3x5,s=2", "k=4,s=2,d=2"}) {
        const std::string k = kernel_of(std::string("v=1&in=32x12x12&net=convT2d(out=16,") + L + ")");
        EXPECT_NE(k, kWinograd) << L;
        EXPECT_EQ(k.find("ref::"), std::string::npos) << L << " " << k;
    }
    // and the sub-pixel kernel still matches the reference on what it keeps
    WinogradCompare c;
    for (const char* L : {"k=3,s=1,p=1", "k=5,s=2,p=2,op=1", "k=3,s=2,d=2", "k=3,s=2,p=1,d=2,op=1", "k=4,s=2,p=1", "k=2,s=2"})
        compare_winograd(std::string("v=1&in=5x9x8&n=2&net=convT2d(out=13,") + L + ")", c);
    EXPECT_EQ(c.checked, 6);
    EXPECT_EQ(c.winograd, 0);
}

}  // namespace
