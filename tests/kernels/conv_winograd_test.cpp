// The Winograd F(2x2, 3x3) conv (conv_winograd.cpp) against the reference kernel (float64
// accumulation), on 1, 2 and 3 threads (threaded outputs bit for bit the single-threaded ones):
// sizes around its 2-pixel tiles, 4-tile vectors and column chunks, 1x1 and tiny images, padding
// 0/1/2 and every padding mode, dilation 1-3 (residue classes), groups, batches, bias on/off, odd
// channel counts; and the dispatch: the registry picks it where it pays (a silently disabled kernel
// fails here) and the direct kernel elsewhere.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/codec.hpp"
#include "engine/plan.hpp"
#include "kernels/simd.hpp"  // CP_SIMD_SUFFIX
#include "support/kernel_compare.hpp"

namespace {

constexpr const char* kWinograd = "f32_conv2d_winograd_f2x3_4x8" CP_SIMD_SUFFIX;

void compare(const std::string& state_text, cp::test::KernelCompare& c) {
    cp::test::compare_with_reference(state_text, c, 23, kWinograd);
}

using Sweep = cp::test::ThreadedSweep<>;
CP_THREADED_SUITE(ConvWinogradSweep, Sweep);

using cp::test::kernel_of;

TEST_P(ConvWinogradSweep, SizesPaddingDilation) {
    for (int w : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33})
        for (int p : {0, 1, 2})
            for (int d : {1, 2, 3}) {
                const int h = (w * 5) % 9 + 1;  // H != W mostly, odd and even
                const int ch = d == 1 ? 12 : d == 2 ? 16 : 28;  // enough for the registry's rule at d
                compare("v=1&in=" + std::to_string(ch) + "x" + std::to_string(h) + "x" + std::to_string(w) +
                            (w % 2 ? "&n=2" : "") + "&net=conv2d(out=" + std::to_string(w % 3 ? ch : ch + 1) +
                            ",k=3,p=" + std::to_string(p) +
                            ",d=" + std::to_string(d) + (w % 4 == 1 ? ",bias=0" : "") + ")",
                        c);
            }
    EXPECT_GT(c.checked, 60);  // the rest have no output (3x3 dilated wider than the padded input)
    std::printf("winograd conv sweep: %d checked, %d skipped\n", c.checked, c.skipped);
}

TEST_P(ConvWinogradSweep, ChannelsGroupsModesAndChunks) {
    for (int cin : {8, 9, 16, 33})
        for (int cout : {16, 17, 21, 64}) compare("v=1&in=" + std::to_string(cin) + "x6x13&net=conv2d(out=" + std::to_string(cout) + ",k=3,p=1)", c);
    for (const char* pm : {"zeros", "reflect", "replicate", "circular"})
        for (const char* p : {"1", "2x1", "0:2x1:0", "same", "full", "-1"})
            compare(std::string("v=1&in=16x9x11&n=2&net=conv2d(out=32,k=3,p=") + p + ",g=2,pm=" + pm + ")", c);
    compare("v=1&in=24x10x10&net=conv2d(out=48,k=3,p=1,g=3,bias=0)", c);
    compare("v=1&in=8x1x1&net=conv2d(out=16,k=3,p=1)", c);       // 1x1 image
    compare("v=1&in=8x3x3&net=conv2d(out=16,k=3)", c);           // one output pixel
    compare("v=1&in=8x3x40&net=conv2d(out=16,k=3,p=0x1)", c);    // one output row: half a tile row
    // rows wider than a chunk of tiles (several chunks, a partial last one), several bands of rows
    compare("v=1&in=64x4x100&net=conv2d(out=64,k=3,p=1)", c);
    compare("v=1&in=16x20x150&n=2&net=conv2d(out=16,k=3,p=2,d=2,pm=reflect)", c);
    compare("v=1&in=32x19x40&net=conv2d(out=32,k=3,p=3,d=3)", c);
    compare("v=1&in=16x9x20&net=conv2d(out=16,k=3,p=2,d=2x1)", c);  // dilation differs per axis
    // dilated with several column chunks per residue class: 128 KiB / (16 positions * 16 bytes *
    // 96 channels) = 5 vectors of 4 tiles a chunk; a class of 100 columns has 50 tiles, 13 vectors:
    // chunks of 5, 5 and 3
    compare("v=1&in=48x10x200&net=conv2d(out=48,k=3,p=2,d=2)", c);
    EXPECT_EQ(c.checked, 16 + 23 + 9);  // p=-1 (a crop) is refused in zeros mode, as PyTorch does
}

TEST(ConvWinograd, ChosenWhereItPays) {
    // the benchmark's dense 3x3 stride-1 convs (bench/layers.mjs) and the playground's sizes
    for (const char* s : {"v=1&in=16x256x256&net=conv2d(out=16,k=3,p=1)", "v=1&in=64x64x64&net=conv2d(out=64,k=3,p=1)",
                          "v=1&in=32x128x128&net=conv2d(out=32,k=3,p=2,d=2)",
                          "v=1&in=16x64x64&net=conv2d(out=16,k=3,p=2,d=2)", "v=1&in=32x64x64&net=conv2d(out=32,k=3,p=3,d=3)", "v=1&in=8x20x20&net=conv2d(out=16,k=3)",
                          "v=1&in=16x20x20&net=conv2d(out=32,k=3,p=1,g=2,pm=reflect)"})
        EXPECT_EQ(kernel_of(s), kWinograd) << s;
    // too few channels per group, another kernel size, a stride, 1-d, depthwise: not Winograd
    for (const char* s : {"v=1&in=3x64x64&net=conv2d(out=16,k=3,p=1)", "v=1&in=8x64x64&net=conv2d(out=8,k=3,p=1)", "v=1&in=16x64x64&net=conv2d(out=4,k=3,p=1)",
                          "v=1&in=16x64x64&net=conv2d(out=16,k=3,p=1,g=4)", "v=1&in=16x64x64&net=conv2d(out=16,k=5,p=2)",
                          "v=1&in=16x64x64&net=conv2d(out=16,k=3,s=2,p=1)", "v=1&in=16x64&net=conv1d(out=16,k=3,p=1)",
                          "v=1&in=16x64x64&net=conv2d(out=16,k=3x1,p=1)", "v=1&in=16x64x64&net=conv2d(out=16,k=3,p=1,g=16)",
                          // dilated: more channels needed (12->12 at d=2, 16->16 at d=3 measured slower)
                          "v=1&in=12x64x64&net=conv2d(out=12,k=3,p=2,d=2)", "v=1&in=16x64x64&net=conv2d(out=16,k=3,p=3,d=3)"}) {
        const std::string k = kernel_of(s);
        EXPECT_NE(k, kWinograd) << s;
        EXPECT_EQ(k.rfind("f32_", 0), 0u) << s << " " << k;
    }
}

}  // namespace
