// The colormap rules the page's shader and the PNG writer share (core/colormap.cpp).
#include <gtest/gtest.h>

#include <cstdint>

#include "core/colormap.hpp"

namespace cp {
namespace {

TEST(Colormap, AutoIsDivergingOnlyWhenBothSignsAndThenSymmetric) {
    const MapRange d = map_range(Colormap::Auto, -0.5f, 2.0f);
    EXPECT_EQ(d.mode, Colormap::Diverging);
    EXPECT_FLOAT_EQ(d.lo, -2.0f);
    EXPECT_FLOAT_EQ(d.hi, 2.0f);
    EXPECT_FLOAT_EQ(d.t(0.0f), 0.5f);  // zero is the neutral middle
    const MapRange s = map_range(Colormap::Auto, 0.0f, 3.0f);
    EXPECT_EQ(s.mode, Colormap::Sequential);
    EXPECT_FLOAT_EQ(s.t(3.0f), 1.0f);
    EXPECT_EQ(map_range(Colormap::Auto, -3.0f, -1.0f).mode, Colormap::Sequential);
    EXPECT_EQ(map_range(Colormap::Grey, -1.0f, 1.0f).mode, Colormap::Grey);  // a chosen map stays
}

TEST(Colormap, RgbKeepsZeroToOneWhenTheValuesFitAndFlatIsTheMiddle) {
    const MapRange in = map_range(Colormap::Rgb, 0.2f, 0.7f);
    EXPECT_FLOAT_EQ(in.lo, 0.0f);
    EXPECT_FLOAT_EQ(in.hi, 1.0f);
    const MapRange out = map_range(Colormap::Rgb, -1.0f, 3.0f);
    EXPECT_FLOAT_EQ(out.lo, -1.0f);
    EXPECT_FLOAT_EQ(out.hi, 3.0f);
    EXPECT_FLOAT_EQ(map_range(Colormap::Sequential, 4.0f, 4.0f).t(4.0f), 0.5f);
}

TEST(Colormap, EndsAreTheFirstAndLastAnchors) {
    for (Colormap m : {Colormap::Sequential, Colormap::Diverging, Colormap::Grey}) {
        const auto a = colormap_anchors(m);
        ASSERT_GE(a.size(), 2u);
        uint8_t lo[3], hi[3];
        colormap_rgb(m, 0.0f, lo);
        colormap_rgb(m, 1.0f, hi);
        EXPECT_EQ(lo[0], a.front().r);
        EXPECT_EQ(hi[2], a.back().b);
    }
}

}  // namespace
}  // namespace cp
