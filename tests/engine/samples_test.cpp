// The built-in signals (sine, square, chirp) of a 1-d input: their values along the length, the
// channels a third of a period apart, and a 2-d picture of one constant down each column.
#include <gtest/gtest.h>

#include <cmath>

#include "core/codec.hpp"
#include "engine/samples.hpp"

namespace {

cp::Tensor sample(const std::string& text) {
    auto s = cp::parse_state(text);
    EXPECT_TRUE(s.ok()) << s.status().message;
    auto t = cp::make_sample(*s);
    EXPECT_TRUE(t.ok()) << t.status().message;
    return *t;
}

TEST(Samples, SineHasFourPeriodsAndChannelsAThirdApart) {
    const cp::Tensor t = sample("v=1&in=3x65&img=sine");
    ASSERT_EQ(t.shape, (cp::Dims{1, 3, 65}));
    const double pi = std::acos(-1.0);
    for (int x = 0; x < 65; ++x) {
        const double u = x / 64.0;
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(t.data[size_t(c * 65 + x)], 0.5 + 0.5 * std::sin(2 * pi * (4 * u + c / 3.0)), 1e-5) << c << " " << x;
    }
}

TEST(Samples, SquareIsZeroOrOneWithEightEdges) {
    const cp::Tensor t = sample("v=1&in=1x256&img=square");
    int edges = 0;
    for (size_t x = 0; x < 256; ++x) {
        EXPECT_TRUE(t.data[x] == 0.0f || t.data[x] == 1.0f) << x;
        if (x > 0 && t.data[x] != t.data[x - 1]) ++edges;
    }
    // High in each period's first half: 8 half-periods, and the last sample (u = 1) starts a fifth.
    EXPECT_EQ(edges, 8);
    EXPECT_EQ(t.data[0], 1.0f);
    EXPECT_EQ(t.data[255], 1.0f);
}

TEST(Samples, ChirpRisesInFrequency) {
    const cp::Tensor t = sample("v=1&in=1x2048&img=chirp");
    auto crossings = [&](size_t a, size_t b) {
        int n = 0;
        for (size_t x = a + 1; x < b; ++x) n += (t.data[x] - 0.5f) * (t.data[x - 1] - 0.5f) < 0;
        return n;
    };
    // Phase u + 7.5u^2 periods: 2.375 in the first half (4 crossings of the mid-level), 6.125 in
    // the second (12 or 13), 8.5 in all.
    EXPECT_EQ(crossings(0, 1024), 4);
    EXPECT_GE(crossings(1024, 2048), 12);
    EXPECT_EQ(crossings(0, 2048), 17);
}

TEST(Samples, SignalsOnAPictureAreConstantDownEachColumn) {
    const cp::Tensor t = sample("v=1&in=1x5x16&img=sine");
    for (int y = 1; y < 5; ++y)
        for (int x = 0; x < 16; ++x) EXPECT_EQ(t.data[size_t(y * 16 + x)], t.data[size_t(x)]);
}

}  // namespace
