// Every SIMD kernel against the reference kernel, over sweeps that hit the edges: widths around
// the vector width and the 8-pixel tile (3..9, 15..17), odd sizes, every stride / dilation /
// padding / padding mode, groups and depthwise, non-square kernels, output_padding, 1-d layers,
// tiny and larger channel counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "core/codec.hpp"
#include "engine/plan.hpp"
#include "engine/rng.hpp"
#include "kernels/padded_input.hpp"  // band_pitch_rows
#include "kernels/simd.hpp"  // CP_SIMD_SUFFIX
#include "support/kernel_compare.hpp"

namespace {

using Compare = cp::test::KernelCompare;

// Compares `state_text` with the reference; every layer must run on a kernel named `expect`*.
void compare(const std::string& state_text, Compare& c, const std::string& expect) {
    cp::test::compare_with_reference(state_text, c, 0, expect);
}

using Sweep = cp::test::ThreadedSweep<>;
CP_THREADED_SUITE(SimdConv, Sweep);
CP_THREADED_SUITE(SimdConvT, Sweep);
CP_THREADED_SUITE(SimdDepthwise, Sweep);
CP_THREADED_SUITE(SimdPool, Sweep);
CP_THREADED_SUITE(SimdWidths, Sweep);
CP_THREADED_SUITE(SimdActivationParts, Sweep);

TEST_P(SimdConv, SweepMatchesReference) {
    for (int w : {1, 3, 4, 5, 7, 8, 9, 15, 16, 17})
        for (int k : {1, 2, 3, 5})
            for (int s : {1, 2, 3})
                for (int p : {0, 1, 2})
                    for (int d : {1, 2}) {
                        const std::string in = "v=1&in=3x" + std::to_string(w % 5 + 4) + "x" + std::to_string(w);
                        compare(in + "&net=conv2d(out=5,k=" + std::to_string(k) + ",s=" + std::to_string(s) +
                                    ",p=" + std::to_string(p) + ",d=" + std::to_string(d) + ")",
                                c, "f32_conv2d");
                    }
    EXPECT_GT(c.checked, 300);
}

TEST_P(SimdConv, PaddingModesGroupsAndShapes) {
    for (const char* pm : {"zeros", "reflect", "replicate", "circular"})
        for (const char* p : {"1", "2x1", "0:2x1:0", "same", "tfsame", "full", "-1"})
            for (const char* g : {"1", "2", "4"})
                compare(std::string("v=1&in=4x9x11&n=2&net=conv2d(out=8,k=3x2,s=1x2,p=") + p + ",g=" + g + ",pm=" + pm +
                            ")",
                        c, "f32_");
    for (int cin : {1, 3, 16, 33})
        for (int cout : {1, 2, 3, 4, 5, 7, 8, 9, 16})
            compare("v=1&in=" + std::to_string(cin) + "x6x13&net=conv2d(out=" + std::to_string(cout) + ",k=3,p=1)", c, "f32_");
    compare("v=1&in=8x10x10&net=conv2d(out=8,k=3,p=1,g=8)", c, "f32_");           // depthwise
    compare("v=1&in=8x10x10&net=conv2d(out=16,k=3,p=1,g=8,bias=0)", c, "f32_");    // depthwise x2
    compare("v=1&in=5x37&n=3&net=conv1d(out=6,k=5,s=2,p=2,d=2)", c, "f32_");       // 1-d
    compare("v=1&in=5x37&net=conv1d(out=6,k=4,p=same,pm=reflect)", c, "f32_");
    compare("v=1&in=16x64x64&net=conv2d(out=16,k=1)", c, "f32_");                  // 1x1
    compare("v=1&in=3x40x40&net=conv2d(out=16,k=7,s=3,p=3,d=2)", c, "f32_");
    // many channels x wide rows: the padded copy is made in several bands of rows
    compare("v=1&in=48x23x260&net=conv2d(out=5,k=3,s=2,p=1,d=2)", c, "f32_");
    compare("v=1&in=40x17x300&n=2&net=conv2d(out=8,k=3,p=1,pm=reflect,g=2)", c, "f32_");
    compare("v=1&in=64x9x400&net=conv2d(out=4,k=5x3,s=3x1,p=same)", c, "f32_");
    EXPECT_GT(c.checked, 100);
}

// The dense conv's flat tiles (conv_row_flat: 16, then 8, then 4 pixels, then a partial tile;
// blocks of 2 output channels and a last one of 1) at every combination of row tails, with one,
// a few and many input channels (each a (tap, channel) offset of its own), strides and dilation.
TEST_P(SimdConv, FlatTilesEveryRowTail) {
    for (int w : {12, 20, 23, 24, 28, 29, 31, 33, 47})
        for (const char* in_c : {"1", "3", "17"})
            for (const char* net : {"out=1,k=3,p=1", "out=2,k=3,s=2,p=1", "out=5,k=2x3,d=2,p=1"})
                compare(std::string("v=1&in=") + in_c + "x7x" + std::to_string(w) + "&net=conv2d(" + net + ")", c,
                        "f32_conv2d_2x16");
    EXPECT_EQ(c.checked, 81);
}

// The 1x1 conv over several chunks of kPointwiseChunk (256) pixels. From kPointwiseOverlapCin (64)
// input channels and kPointwiseOverlapBytes (1.5 MiB) of input per group the tiles of one chunk
// copy the next (PlaneCopy, runs of 32 floats) into the other buffer (the last states), with more
// runs than tiles (64 -> 5, 128 -> 16) or fewer (96 -> 9); otherwise each chunk is copied after
// the tiles of the one before (64 -> 72 and the rest). Pixel counts with a last chunk
// of a whole number of runs (320 = 256 + 64), of whole vectors but not runs (272 = 256 + 16), of
// odd lengths (527 = 2*256 + 15, 600, 3 pixels); several images and groups (the next part is
// then another image's or group's chunk); output channel counts that leave blocks of 1-3
// channels (whose tiles are wider).
TEST_P(SimdConv, PointwiseChunksAndTheirCopies) {
    for (const char* hw : {"16x20", "16x17", "17x31", "20x30", "1x3"})
        for (const char* io : {"1x4", "3x9", "8x6", "64x5", "128x16", "64x72"})
            for (const char* ng : {"1,g=1", "2,g=1", "2,g=2"}) {
                const std::string s(io), n(ng);
                const std::string in_c = s.substr(0, s.find('x')), out_c = s.substr(s.find('x') + 1);
                const std::string groups = n.substr(n.find("g=") + 2);
                if (std::stoi(in_c) % std::stoi(groups) || std::stoi(out_c) % std::stoi(groups)) continue;
                compare("v=1&in=" + in_c + "x" + hw + "&n=" + n.substr(0, n.find(',')) + "&net=conv2d(out=" + out_c +
                            ",k=1,g=" + groups + ")",
                        c, "f32_conv2d_1x1_4x8");
            }
    // Inputs of kPointwiseOverlapBytes and more per group, where the next chunk is copied between
    // the tiles (the states above copy it after them): odd sizes, partial blocks, groups, batch.
    for (const char* L : {"in=64x77x83&net=conv2d(out=5,k=1)", "in=64x77x83&n=2&net=conv2d(out=16,k=1)",
                          "in=128x77x83&net=conv2d(out=14,k=1,g=2)", "in=96x64x65&net=conv2d(out=9,k=1)"})
        compare(std::string("v=1&") + L, c, "f32_conv2d_1x1_4x8");
    EXPECT_EQ(c.checked, 79);
}

TEST_P(SimdConvT, SweepMatchesReference) {
    for (int w : {1, 2, 3, 4, 5, 8, 9})
        for (int k : {1, 2, 3, 4, 5})
            for (int s : {1, 2, 3})
                for (int p : {0, 1, 2})
                    for (int d : {1, 2})
                        for (int op : {0, 1}) {
                            if (op >= s && op >= d) continue;
                            compare("v=1&in=3x" + std::to_string(w + 2) + "x" + std::to_string(w) + "&net=convT2d(out=5,k=" +
                                        std::to_string(k) + ",s=" + std::to_string(s) + ",p=" + std::to_string(p) +
                                        ",op=" + std::to_string(op) + ",d=" + std::to_string(d) + ")",
                                    c, "f32_deconv2d");
                        }
    EXPECT_GT(c.checked, 500);
}

TEST_P(SimdConvT, GroupsShapesAnd1d) {
    for (const char* g : {"1", "2", "4"})
        for (const char* k : {"4", "3x2", "1x5"})
            compare(std::string("v=1&in=8x7x9&n=2&net=convT2d(out=4,k=") + k + ",s=2x3,p=1,op=1,g=" + g + ")", c, "f32_deconv2d");
    compare("v=1&in=32x16x16&net=convT2d(out=16,k=4,s=2,p=1)", c, "f32_deconv2d");
    compare("v=1&in=16x19x17&net=convT2d(out=3,k=3,s=2,p=1,op=1)", c, "f32_deconv2d");
    compare("v=1&in=4x9&n=2&net=convT1d(out=3,k=5,s=3,p=1,op=2,d=2)", c, "f32_deconv2d");
    compare("v=1&in=4x9&net=convT1d(out=3,k=2,s=4)", c, "f32_deconv2d");  // phases no tap reaches: bias only
    compare("v=1&in=4x6x6&net=convT2d(out=8,k=2,s=4,op=3,bias=0)", c, "f32_deconv2d");
    // many channels x wide rows (threaded: each range copies only the padded rows it reads)
    compare("v=1&in=48x21x300&net=convT2d(out=3,k=3,s=2,p=1,op=1)", c, "f32_deconv2d");
    compare("v=1&in=40x13x290&n=2&net=convT2d(out=5,k=5,s=3,p=2,op=1,g=5)", c, "f32_deconv2d");
    compare("v=1&in=64x9x333&net=convT2d(out=2,k=7,s=1,p=4,d=2)", c, "f32_deconv2d");
    EXPECT_GT(c.checked, 10);
}

// Transposed convs whose taps all read at or after their phase position (no margin before the
// input) read most rows in place; a tile past a row's last column reads the next row, and those
// phase columns are recomputed. Widths around where that path turns on, heights where no row, one
// row or most rows are direct, every stride path (1, zipped 2, 3), large padding (many columns
// recomputed), dilation, groups and batches.
TEST_P(SimdConvT, DirectRowsAndTheirEdges) {
    const char* layers[] = {
        "k=3,s=2,p=1,op=1", "k=4,s=2,p=1", "k=2,s=2", "k=3,s=1,p=2", "k=5,s=3,p=2,op=1", "k=3,s=2,p=4", "k=2,s=2,p=2,d=2",
    };
    for (const char* l : layers)
        for (int w : {8, 16, 17, 20, 21, 33})
            for (int h : {1, 2, 3, 5})
                compare("v=1&in=3x" + std::to_string(h) + "x" + std::to_string(w) + "&net=convT2d(out=" +
                            std::to_string(w % 2 ? 5 : 3) + "," + l + ")",
                        c, "f32_deconv2d");
    compare("v=1&in=8x9x40&n=2&net=convT2d(out=4,k=3,s=2,p=1,op=1,g=2)", c, "f32_deconv2d");
    compare("v=1&in=6x7x41&n=2&net=convT2d(out=9,k=3,s=3,p=2,g=3,bias=0)", c, "f32_deconv2d");
    EXPECT_GT(c.checked, 120);  // 134: k=3,s=2,p=4 leaves no output at the smallest sizes
}

// The sub-pixel kernel's band of padded rows gets a few more rows per channel plane where its
// planes would otherwise start on the same L1 sets (band_pitch_rows): 15 rows of 273 floats
// (16 channels of 256 columns) are 4 bytes short of 16 KiB. The copy is written and read with
// that pitch; several bands per image (bands of about 1 MiB: 59 phase rows of 16 x 256 columns,
// 39 of 24 x 250), margins before the input (p=0), odd widths and batches.
TEST_P(SimdConvT, BandPitchApartFromRows) {
    EXPECT_EQ(cp::band_pitch_rows(15, 273, 16), 16);  // 16380 bytes a plane would alias
    EXPECT_EQ(cp::band_pitch_rows(16, 273, 16), 16);  // 17472: 17 lines apart, already spread
    EXPECT_EQ(cp::band_pitch_rows(7, 100, 1), 7);     // one channel: nothing to spread
    for (const char* in : {"16x130x256", "16x67x255", "24x95x250"})
        for (const char* l : {"k=3,s=2,p=1,op=1", "k=3,s=2,p=0", "k=4,s=2,p=1", "k=3,s=3,p=1"})
            compare(std::string("v=1&in=") + in + "&n=2&net=convT2d(out=3," + l + ")", c, "f32_deconv2d_subpixel");
    EXPECT_EQ(c.checked, 12);
}

// Row pairs (conv_simd.cpp: Winograd F(2,2) along y on the 2-tap row phase; the registry routes
// k3 s2 with 8 or more inputs and more than 4 outputs a group): widths 1-3, odd and around the
// tile widths, heights with one phase row, an odd count (the last row alone) or a last pair past
// the output (no output padding), paddings that move the 2-tap phase and its first row (p = 0
// reads a row before the input), 5 and 9 output channels (a block of 1 after full ones), groups,
// batches, no bias, and several bands of about 1 MiB per image.
TEST_P(SimdConvT, RowPairsAndTheirEdges) {
    for (int w : {1, 2, 3, 5, 8, 17})
        for (int h : {1, 2, 3, 4, 7})
            for (const char* l : {"p=1,op=1", "p=0", "p=2,op=1", "p=1"})
                compare("v=1&in=8x" + std::to_string(h) + "x" + std::to_string(w) + "&net=convT2d(out=" +
                            (w % 2 ? "5" : "9") + ",k=3,s=2," + l + ")",
                        c, "f32_deconv2d_subpixel_rowpairs");
    compare("v=1&in=16x9x11&n=2&net=convT2d(out=12,k=3,s=2,p=1,op=1,g=2)", c, "f32_deconv2d_subpixel_rowpairs");
    compare("v=1&in=8x6x7&n=2&net=convT2d(out=6,k=3,s=2,p=0,op=1,bias=0)", c, "f32_deconv2d_subpixel_rowpairs");
    compare("v=1&in=16x130x256&net=convT2d(out=8,k=3,s=2,p=1,op=1)", c, "f32_deconv2d_subpixel_rowpairs");
    compare("v=1&in=24x95x250&n=2&net=convT2d(out=5,k=3,s=2,p=0)", c, "f32_deconv2d_subpixel_rowpairs");
    EXPECT_GT(c.checked, 110);
}

}  // namespace

namespace {

TEST_P(SimdDepthwise, MatchesReference) {
    for (const char* k : {"1", "3", "5x3"})
        for (const char* s : {"1", "2"})
            for (const char* pm : {"zeros", "reflect"})
                for (int w : {3, 8, 9, 17})
                    compare("v=1&in=6x" + std::to_string(w + 3) + "x" + std::to_string(w) + "&n=2&net=conv2d(out=12,k=" + k +
                                ",s=" + s + ",p=1,g=6,pm=" + pm + ",d=1)",
                            c, "f32_dwconv2d");
    compare("v=1&in=32x33x35&net=conv2d(out=32,k=3,p=1,g=32)", c, "f32_dwconv2d");
    // every padding at heights around the row tiles (4 rows; 2 for 3x3 stride 1): the 1-row tail
    // after 0..3 full tiles (3x3 with p=1 / same reads in place, p=0 / 2 goes through the copy)
    for (const auto& [k, kernel] : {std::pair{"3x2", "f32_dwconv2d_4x8"}, std::pair{"3", "f32_dwconv2d_3x3s1"}})
        for (const char* p : {"0", "1", "2", "same"})
            for (int h : {1, 3, 4, 5, 7, 8, 9})
                compare("v=1&in=4x" + std::to_string(h) + "x" + std::to_string(h + 6) + "&net=conv2d(out=8,k=" + k +
                            ",p=" + p + ",g=4,pm=replicate)",
                        c, kernel);
    // 3x3 stride 1 and 2 read in place (one padding column each side, any rows, every padding
    // mode): stride 1 at widths below 4 (a padded copy of the columns), 4 (one tile, a padding
    // column on each side), 5-7 and every width that is not a multiple of 4 (a last tile
    // overlapping the one before); stride 2 below 8 (the copy), 8 (one tile), odd widths (the
    // last tap is the right padding column) and even ones; 1-row inputs and heights around the
    // 2-row tiles, padding rows above and below, a channel multiplier of 2; the padded copies
    // (1x2) at the same widths (the last 3x3 stride-1 tile stores 1-3 lanes). Reflect padding
    // must be smaller than the input, circular at most its size.
    struct Pad {
        const char* p;
        int rows, cols;  // the most padding on a side
        const char* s1;  // the kernel at stride 1, at stride 2
        const char* s2;
    };
    for (const std::string pm : {"zeros", "reflect", "replicate", "circular"})
        for (const Pad& pad : {Pad{"1", 1, 1, "f32_dwconv2d_3x3s1p1_direct", "f32_dwconv2d_3x3s2p1_direct"},
                               Pad{"2x1", 2, 1, "f32_dwconv2d_3x3s1p1_direct", "f32_dwconv2d_3x3s2p1_direct"},
                               Pad{"0:2x1:1", 2, 1, "f32_dwconv2d_3x3s1p1_direct", "f32_dwconv2d_3x3s2p1_direct"},
                               Pad{"1x2", 1, 2, "f32_dwconv2d_3x3s1_rows", "f32_dwconv2d_4x8"}})
            for (int s : {1, 2})
                for (int h : {1, 2, 3, 4, 5})
                    for (int w : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 20, 21, 22, 25, 37}) {
                        if (pm == "reflect" && (h <= pad.rows || w <= pad.cols)) continue;
                        if (pm == "circular" && (h < pad.rows || w < pad.cols)) continue;
                        compare("v=1&in=4x" + std::to_string(h) + "x" + std::to_string(w) +
                                    "&n=2&net=conv2d(out=8,k=3,s=" + std::to_string(s) + ",p=" + pad.p + ",g=4,pm=" + pm + ")",
                                c, s == 1 ? pad.s1 : pad.s2);
                    }
    compare("v=1&in=4x20&net=conv1d(out=4,k=3,p=1,g=4,d=2)", c, "f32_dwconv2d");
    EXPECT_GE(c.checked, 390);
    EXPECT_EQ(c.last_kernel, "f32_dwconv2d_4x8" CP_SIMD_SUFFIX);  // named for this build (wasm or SIMDe)
}

TEST_P(SimdPool, MatchesReference) {
    for (const char* op : {"maxpool2d", "avgpool2d"})
        for (const char* k : {"2", "3", "3x2"})
            for (const char* s : {"1", "2", "3"})
                for (const char* p : {"0", "1"})
                    for (const char* ceil : {"0", "1"})
                        for (int w : {4, 7, 9, 16, 17}) {
                            std::string L = std::string(op) + "(k=" + k + ",s=" + s + ",p=" + p + ",ceil=" + ceil;
                            if (std::string(op) == "avgpool2d") L += ",cip=" + std::string(w % 2 ? "0" : "1");
                            else L += std::string(",d=") + (w % 2 ? "2" : "1");
                            compare("v=1&in=3x" + std::to_string(w + 1) + "x" + std::to_string(w) + "&net=" + L + ")", c, std::string("f32_") + op);
                        }
    compare("v=1&in=3x30&net=maxpool1d(k=3,s=2,p=1,ceil=1);avgpool1d(k=2,ceil=1)", c, "f32_");
    EXPECT_GT(c.checked, 300);
}

TEST(SimdActivation, MatchesReferenceIncludingExtremes) {
    Compare c;
    for (const char* a : {"relu", "leakyrelu(slope=0.2)", "sigmoid", "tanh"})
        for (int n : {1, 3, 4, 5, 33}) compare("v=1&in=2x" + std::to_string(n) + "&net=" + a, c, "f32_");
    EXPECT_EQ(c.checked, 20);
    // large magnitudes: exp must not overflow, tanh/sigmoid saturate exactly
    auto st = cp::parse_state("v=1&in=1x12&net=sigmoid;tanh");
    auto p = cp::Plan::create(*st);
    (*p)->input().data = {-1000, -90, -20, -1, -1e-6f, 0, 1e-6f, 1, 20, 90, 1000, 3};
    (*p)->run();
    const auto& sg = (*p)->output(0).data;
    EXPECT_NEAR(sg[0], 0.0f, 1e-30f);
    EXPECT_EQ(sg[10], 1.0f);
    EXPECT_NEAR(sg[5], 0.5f, 1e-7);
    EXPECT_NEAR(sg[7], 0.7310585786f, 2e-7);
    const auto& th = (*p)->output(1).data;  // tanh of sigmoid's outputs (all in [0, 1])
    EXPECT_NEAR(th[7], std::tanh(0.7310585786f), 2e-7);
}

TEST(SimdActivation, AValueGivesTheSameBitsInALaneAndInTheTail) {
    // 7 values: 4 in a vector and 3 in the tail. Each value sits at lane 0 and at tail position 4,
    // and the two outputs must be the same bits; -0 stays -0 under relu (torch.relu(-0.) is -0.).
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (const char* a : {"relu", "leakyrelu(slope=0.2)", "sigmoid", "tanh"}) {
        auto st = cp::parse_state(std::string("v=1&in=1x7&net=") + a);
        ASSERT_TRUE(st.ok()) << a;
        auto p = cp::Plan::create(*st);
        ASSERT_TRUE(p.ok()) << a;
        for (float v : {-0.0f, 0.0f, -3.5f, 0.3f, 7.0f, -1e-30f, nan}) {
            (*p)->input().data.assign(7, 1.0f);
            (*p)->input().data[0] = (*p)->input().data[4] = v;
            (*p)->run();
            const auto& y = (*p)->output(0).data;
            uint32_t lane, tail;
            std::memcpy(&lane, &y[0], 4);
            std::memcpy(&tail, &y[4], 4);
            EXPECT_EQ(lane, tail) << a << "(" << v << "): " << y[0] << " in a lane, " << y[4] << " in the tail";
            if (std::string(a) == "relu" && v == 0.0f) {
                EXPECT_EQ(std::signbit(y[4]), std::signbit(v)) << "relu(" << v << ")";
            }
        }
    }
}

// Activations split into parts of 16384 values: a part boundary, one past it, several parts with
// a ragged end (threaded: bit for bit the single-threaded outputs).
TEST_P(SimdActivationParts, ManyPartsMatchReference) {
    for (const char* a : {"relu", "leakyrelu(slope=0.2)", "sigmoid", "tanh"})
        for (const char* in : {"2x8192", "1x16385", "3x40001", "4x9x5003"}) compare(std::string("v=1&in=") + in + "&net=" + a, c, "f32_");
    EXPECT_EQ(c.checked, 16);
}

// Every SIMD path at widths one below, at and one above its vector (4) and tile (8, 16) widths,
// on odd heights: rows then start at every alignment of the flattened plane (a misaligned start).
TEST_P(SimdWidths, EveryPathAroundItsVectorWidth) {
    struct Path {
        const char* in_c;     // channels
        const char* net;      // the layer
        const char* expect;   // its kernel
    };
    const Path paths[] = {
        {"3", "conv2d(out=5,k=3,p=1)", "f32_conv2d_2x16"},
        {"8", "conv2d(out=6,k=1)", "f32_conv2d_1x1_4x8"},
        {"3", "conv2d(out=4,k=3,s=2,p=1)", "f32_conv2d_2x16"},
        {"6", "conv2d(out=6,k=3,p=1,g=6)", "f32_dwconv2d_3x3s1p1_direct"},
        {"6", "conv2d(out=6,k=3,p=1,g=6,pm=reflect)", "f32_dwconv2d_3x3s1p1_direct"},
        {"6", "conv2d(out=6,k=3,p=1x2,g=6,pm=reflect)", "f32_dwconv2d_3x3s1_rows"},
        {"6", "conv2d(out=12,k=5,p=2,g=6)", "f32_dwconv2d_4x8"},
        {"6", "conv2d(out=6,k=3,s=2,p=1,g=6)", "f32_dwconv2d_3x3s2p1_direct"},
        {"6", "conv2d(out=6,k=3,s=2,p=0,g=6)", "f32_dwconv2d_4x8"},
        {"5", "convT2d(out=3,k=3,s=2,p=1,op=1)", "f32_deconv2d_"},
        {"4", "convT2d(out=3,k=4,s=2,p=1)", "f32_deconv2d_"},
        {"4", "convT2d(out=3,k=3,s=3)", "f32_deconv2d_subpixel_4x8"},
        {"3", "maxpool2d(k=2,s=1)", "f32_maxpool2d_8"},
        {"3", "avgpool2d(k=3,s=1,p=1)", "f32_avgpool2d_8"},
        {"3", "leakyrelu(slope=0.1)", "f32_leakyrelu"},
    };
    for (const Path& p : paths)
        for (int w : {3, 4, 5, 7, 8, 9, 15, 16, 17})
            compare(std::string("v=1&in=") + p.in_c + "x5x" + std::to_string(w) + "&net=" + p.net, c, p.expect);
    EXPECT_EQ(c.checked, int(std::size(paths)) * 9);
}

}  // namespace
