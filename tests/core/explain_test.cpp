// The explain geometry: coverage gaps, zero insertion, rings and overlap counts, checked against
// values worked out by hand and against each other.
#include <gtest/gtest.h>

#include <ctime>

#include "core/codec.hpp"
#include "core/explain.hpp"

namespace {

struct Case {
    cp::State state;
    cp::LayerInfo info;
    cp::Explain e;
};

Case explain(const std::string& text) {
    Case c;
    auto s = cp::parse_state(text);
    EXPECT_TRUE(s.ok()) << s.status().message;
    c.state = *s;
    c.info = cp::net_info(c.state).layers.at(0);
    EXPECT_TRUE(c.info.status.ok) << c.info.status.message;
    auto e = cp::explain_layer(c.state.net[0], c.info);
    EXPECT_TRUE(e.ok()) << e.status().message;
    c.e = *e;
    return c;
}

TEST(Explain, ConvK2S2On5LeavesTheLastColumnUncovered) {
    Case c = explain("v=1&in=1x5x5&net=conv2d(out=1,k=2,s=2)");
    EXPECT_EQ(c.info.out, (cp::Dims{1, 1, 2, 2}));
    EXPECT_EQ(c.e.grid_h, 5);
    EXPECT_EQ(c.e.ax[1].gap, 1);
    EXPECT_EQ(c.e.ax[1].gap_input, 1);
    // last row and last column: 5 + 5 - 1 = 9 input cells never seen
    EXPECT_EQ(c.e.uncovered_inputs, 9);
    for (int64_t y = 0; y < 5; ++y) EXPECT_EQ(c.e.coverage[size_t(y * 5 + 4)], 0);
    EXPECT_EQ(c.e.coverage[0], 1);
}

TEST(Explain, PaddedConvCoversEveryInputCell) {
    Case c = explain("v=1&in=1x5x5&net=conv2d(out=1,k=3,s=2,p=1)");
    EXPECT_EQ(c.e.grid_h, 7);
    EXPECT_EQ(c.e.uncovered_inputs, 0);
    EXPECT_EQ(c.e.cells[0], cp::Cell::Pad);
    EXPECT_EQ(c.e.cells[size_t(1 * 7 + 1)], cp::Cell::Input);
    // coverage sums to out cells * kernel taps
    int64_t sum = 0;
    for (int32_t v : c.e.coverage) sum += v;
    EXPECT_EQ(sum, 3 * 3 * 9);
}

TEST(Explain, TransposedK3S2P1On3) {
    // 3 -> zero-inserted 5 -> ring 2*1... d*(k-1)-p = 1 each side -> 7 -> output 5
    Case c = explain("v=1&in=1x3x3&net=convT2d(out=1,k=3,s=2,p=1)");
    EXPECT_EQ(c.e.ax[0].zeros_size, 5);
    EXPECT_EQ(c.e.ax[0].pad_before, 1);
    EXPECT_EQ(c.e.grid_h, 7);
    EXPECT_EQ(c.e.out_h, 5);
    EXPECT_EQ(c.e.cells[size_t(1 * 7 + 1)], cp::Cell::Input);
    EXPECT_EQ(c.e.cells[size_t(1 * 7 + 2)], cp::Cell::Inserted);
    EXPECT_EQ(c.e.cells[0], cp::Cell::Pad);
    // 1-d overlap along an axis for k=3 s=2: 1 2 1 2 1; in 2-d the product
    const int32_t want[5] = {1, 2, 1, 2, 1};
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 5; ++x) EXPECT_EQ(c.e.overlap[size_t(y * 5 + x)], want[y] * want[x]) << y << "," << x;
    // 9 inputs x 9 taps = 81 products, of which p=1 crops those landing on the outer ring
    int64_t sum = 0;
    for (int32_t v : c.e.overlap) sum += v;
    EXPECT_EQ(sum, (1 + 2 + 1 + 2 + 1) * (1 + 2 + 1 + 2 + 1));
}

TEST(Explain, OutputPaddingAddsAnExtraRowAndColumn) {
    Case c = explain("v=1&in=1x3x3&net=convT2d(out=1,k=3,s=2,p=1,op=1)");
    EXPECT_EQ(c.e.grid_h, 8);
    EXPECT_EQ(c.e.out_h, 6);
    EXPECT_EQ(c.e.cells[size_t(7 * 8 + 3)], cp::Cell::Extra);
    EXPECT_EQ(c.e.cells[size_t(3 * 8 + 7)], cp::Cell::Extra);
    EXPECT_EQ(c.e.cells[size_t(6 * 8 + 6)], cp::Cell::Pad);
}

TEST(Explain, NegativeRingIsACrop) {
    // k=2 s=2 p=1: ring 1*(2-1)-1 = 0; k=1 p=1 s=1: ring -1 -> crop
    Case c = explain("v=1&in=1x4&net=convT1d(out=1,k=1,p=1)");
    EXPECT_EQ(c.e.ax[0].pad_before, -1);
    EXPECT_EQ(c.e.grid_w, 2);
    EXPECT_EQ(c.e.out_w, 2);
    EXPECT_NE(c.e.steps[1].find("crop 1 from each side"), std::string::npos) << c.e.steps[1];
}

TEST(Explain, TextShowsGridsForSmallSizes) {
    Case c = explain("v=1&in=1x3x3&net=convT2d(out=1,k=3,s=2,p=1,op=1)");
    const std::string t = cp::explain_text(c.state.net[0], c.info, c.e);
    EXPECT_NE(t.find(". # o # o # . + "), std::string::npos) << t;
    EXPECT_NE(t.find("Step 1. Insert 1 zero between neighbouring input cells"), std::string::npos) << t;
}

TEST(Explain, ActivationsHaveNoWindow) {
    auto s = cp::parse_state("v=1&in=1x3x3&net=relu");
    const cp::LayerInfo info = cp::net_info(*s).layers[0];
    EXPECT_FALSE(cp::explain_layer(s->net[0], info).ok());
}

}  // namespace

namespace {

TEST(Explain, WindowCoversItsDilatedTapsOnly) {
    Case c = explain("v=1&in=1x9x9&net=conv2d(out=1,k=2,s=3,d=2)");
    // output (1, 0) starts at row 3, column 0; taps at rows 3 and 5, columns 0 and 2
    int n = 0;
    for (int64_t y = 0; y < c.e.grid_h; ++y)
        for (int64_t x = 0; x < c.e.grid_w; ++x) n += cp::window_covers(c.e, 1, 0, y, x);
    EXPECT_EQ(n, 4);
    EXPECT_TRUE(cp::window_covers(c.e, 1, 0, 5, 2));
    EXPECT_FALSE(cp::window_covers(c.e, 1, 0, 4, 1));
    EXPECT_FALSE(cp::window_covers(c.e, 1, 0, 2, 0));
}

// Found by fuzzing (tests/fuzz): a grid at the caps overflowed 64 bits, and coverage cost
// outputs x taps.
TEST(Explain, ExplainOfAHugeGridSaysSoWithoutTabulating) {
    // p=same with d*(k-1) = 65536 * 65535 pads each axis to 2^32 cells: 2^64 cells in all.
    const Case x = explain("v=1&in=1x8x8&net=conv2d(out=1,k=65536,p=same,d=65536)");
    EXPECT_FALSE(x.e.grids_included);
    EXPECT_FALSE(cp::explain_text(x.state.net[0], x.info, x.e).empty());
}

// Coverage used to cost outputs x kernel taps: a 1000-cell grid with a 500-tap window took 2.5e5
// steps per row, 1e11 in all. Per-axis counts make it linear; the counts stay exact.
// Timed in CPU time (std::clock: the process's, and the test runs on one thread), so load cannot
// move it: the linear count takes 0.04 s natively and well under 1 s under the sanitizers, the
// quadratic one 34 s natively (-O3; the review's plant). A wall-clock bound went red on CI's
// loaded machine (6.4 s at load 15, sanitizers) and a loose one let the bug through on an idle one.
// Emscripten's clock() reads the wall clock: there the bound is wider (the quadratic count is
// minutes in wasm).
TEST(Explain, ExplainCoverageOfALargeWindowIsFastAndExact) {
    const std::clock_t c0 = std::clock();
    const Case x = explain("v=1&in=1x1000x1000&net=conv2d(out=1,k=500)");
    const double cpu_secs = double(std::clock() - c0) / CLOCKS_PER_SEC;
    ASSERT_TRUE(x.e.grids_included);
#ifdef __EMSCRIPTEN__
    EXPECT_LT(cpu_secs, 30.0);
#else
    EXPECT_LT(cpu_secs, 5.0);
#endif
    // Cell (y, x) is under min(y+1, 500, 1000-y) windows per axis.
    auto per_axis = [](int64_t j) { return std::min<int64_t>({j + 1, 500, 1000 - j}); };
    for (int64_t row : {0, 1, 250, 499, 500, 998, 999})
        for (int64_t col : {0, 7, 500, 999})
            EXPECT_EQ(x.e.coverage[size_t(row * 1000 + col)], per_axis(row) * per_axis(col)) << row << "," << col;
}

TEST(Explain, TransposedOverlapCountsMatchTheirDefinition) {
    const cp::Explain e = explain("v=1&in=1x5x4&net=convT2d(out=1,k=3x4,s=2x3,p=1x2,op=1x2,d=2x1)").e;
    ASSERT_TRUE(e.grids_included);
    for (int64_t oy = 0; oy < e.out_h; ++oy)
        for (int64_t ox = 0; ox < e.out_w; ++ox) {
            int n = 0;
            for (int64_t y = 0; y < e.grid_h; ++y)
                for (int64_t x = 0; x < e.grid_w; ++x)
                    n += cp::window_covers(e, oy, ox, y, x) && e.cells[size_t(y * e.grid_w + x)] == cp::Cell::Input;
            EXPECT_EQ(e.overlap[size_t(oy * e.out_w + ox)], n) << oy << "," << ox;
        }
}

// The recipe's count of products is the products landing inside the output (the overlap grid's
// sum, per channel pair), and with padding it names the MACs figure and the difference. Swept over
// paddings that crop nothing, part of the windows, more than the ring (negative), with
// output_padding, strides, dilations, groups and 1-d.
TEST(Explain, TransposedProductCountIsWhatLandsInTheOutput) {
    const char* nets[] = {
        "v=1&in=1x3x3&net=convT2d(out=1,k=3,s=2,p=1)",        "v=1&in=1x3x3&net=convT2d(out=1,k=3,s=2)",
        "v=1&in=2x4x5&net=convT2d(out=3,k=4,s=2,p=1,op=0)",   "v=1&in=4x5x4&net=convT2d(out=2,k=3x4,s=2x3,p=1x2,op=1x2,d=2x1,g=2)",
        "v=1&in=2x9&net=convT1d(out=2,k=5,s=3,p=4)",          "v=1&in=1x4&net=convT1d(out=1,k=1,p=1)",
        "v=1&in=1x6x6&net=convT2d(out=1,k=2,s=3,p=2,op=2)",   "v=1&in=3x7x2&net=convT2d(out=3,k=5,s=1,p=3,d=2,g=3)",
    };
    for (const char* text : nets) {
        const Case c = explain(text);
        ASSERT_TRUE(c.e.grids_included) << text;
        int64_t landing = 0;
        for (int32_t v : c.e.overlap) landing += v;
        const int64_t pairs = c.info.in[1] * (c.info.out[1] / c.state.net[0].groups);
        std::string step;
        for (const std::string& s : c.e.steps)
            if (s.rfind("Only the real input cells", 0) == 0) step = s;
        const std::string want = "contribute: " + std::to_string(landing * pairs) + " multiply-adds per image";
        EXPECT_NE(step.find(want), std::string::npos) << text << "\n" << step;
        const int64_t macs = c.info.macs / c.info.in[0];
        if (landing * pairs < macs) {
            const std::string named = "MACs figure, " + std::to_string(macs) + ", counts every input cell times every "
                                      "weight; the other " + std::to_string(macs - landing * pairs) + " products";
            EXPECT_NE(step.find(named), std::string::npos) << text << "\n" << step;
        } else {
            EXPECT_EQ(landing * pairs, macs) << text;
            EXPECT_EQ(step.find("MACs figure"), std::string::npos) << text << "\n" << step;
        }
    }
}

TEST(Explain, OneDimensionalPaddingNamesThePaddedLength) {
    // 12 cells + 1 on each side = 14 (the grid is one row: its height must not be printed)
    Case c = explain("v=1&in=1x12&net=conv1d(out=1,k=3,p=1)");
    ASSERT_FALSE(c.e.steps.empty());
    EXPECT_NE(c.e.steps[0].find("Pad the 12 input"), std::string::npos) << c.e.steps[0];
    EXPECT_NE(c.e.steps[0].find("-> 14 grid."), std::string::npos) << c.e.steps[0];
    EXPECT_EQ(c.e.grid_h, 1);
    EXPECT_EQ(c.e.grid_w, 14);
    Case d = explain("v=1&in=1x6x9&net=conv2d(out=1,k=3,p=1x2)");
    EXPECT_NE(d.e.steps[0].find("-> 8x13 grid."), std::string::npos) << d.e.steps[0];
}

TEST(Explain, CeilModePoolWindowHangsOverTheEdge) {
    // 5 cells, k=2 s=2, ceil_mode: 3 windows, the last starts at 4 and needs cell 5, which is not there
    Case c = explain("v=1&in=1x5x5&net=maxpool2d(k=2,ceil=1)");
    EXPECT_EQ(c.info.out, (cp::Dims{1, 1, 3, 3}));
    EXPECT_EQ(c.e.ax[0].overhang, 1);
    EXPECT_EQ(c.e.ax[1].overhang, 1);
    EXPECT_EQ(c.e.grid_h, 6);
    EXPECT_EQ(c.e.grid_w, 6);
    EXPECT_EQ(c.e.cells[size_t(0 * 6 + 5)], cp::Cell::Beyond);
    EXPECT_EQ(c.e.cells[size_t(5 * 6 + 0)], cp::Cell::Beyond);
    EXPECT_EQ(c.e.cells[size_t(4 * 6 + 4)], cp::Cell::Input);
    EXPECT_EQ(c.e.coverage[size_t(5 * 6 + 5)], 1);  // the overhanging tap is drawn
    EXPECT_EQ(c.e.uncovered_inputs, 0);
    bool said = false;
    for (const auto& s : c.e.steps) said |= s.find("Along H and W, ceil_mode keeps a last window that starts at 4 (inside the input) and hangs 1 row and column over the edge") != std::string::npos;
    EXPECT_TRUE(said);
    const std::string text = cp::explain_text(c.state.net[0], c.info, c.e);
    EXPECT_NE(text.find("x past the edge (ceil_mode)"), std::string::npos) << text;

    // average pooling says what it divides by
    Case a = explain("v=1&in=1x5&net=avgpool1d(k=2,ceil=1,cip=0)");
    EXPECT_EQ(a.e.ax[0].overhang, 1);
    EXPECT_EQ(a.e.grid_w, 6);
    bool avg = false;
    for (const auto& s : a.e.steps) avg |= s.find("real input cells only") != std::string::npos;
    EXPECT_TRUE(avg);
    // floor mode never hangs over
    Case f = explain("v=1&in=1x5x5&net=maxpool2d(k=2)");
    EXPECT_EQ(f.e.ax[0].overhang, 0);
    EXPECT_EQ(f.e.grid_h, 5);
}

}  // namespace
