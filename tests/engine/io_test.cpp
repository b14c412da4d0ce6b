// NPY and image I/O: round trips, and bad files refused with clear words.
#include <gtest/gtest.h>

#include "engine/image.hpp"
#include "engine/npy.hpp"

namespace {

TEST(Npy, RoundTrip) {
    cp::Tensor t(cp::Dims{2, 3, 4, 5});
    for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = float(i) * 0.25f - 3.0f;
    auto back = cp::parse_npy(cp::encode_npy(t));
    ASSERT_TRUE(back.ok()) << back.status().message;
    EXPECT_EQ(back->shape, t.shape);
    EXPECT_EQ(back->data, t.data);
    EXPECT_EQ(cp::encode_npy(t).size() % 64, (t.data.size() * 4) % 64);  // header aligned to 64
}

TEST(Npy, OneDimensionalShapeHasTrailingComma) {
    cp::Tensor t(cp::Dims{3});
    const std::string b = cp::encode_npy(t);
    EXPECT_NE(b.find("'shape': (3,)"), std::string::npos);
}

TEST(Npy, WrongDtypeAndGarbageAreRefused) {
    cp::Tensor t(cp::Dims{2, 2});
    std::string b = cp::encode_npy(t);
    std::string f8 = b;
    f8.replace(f8.find("<f4"), 3, "<f8");
    auto r = cp::parse_npy(f8, "x.npy");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message,
              "x.npy: dtype '<f8' is not supported; convplay reads float32 ('<f4'): save it with x.astype(np.float32)");
    EXPECT_FALSE(cp::parse_npy("hello", "x.npy").ok());
    EXPECT_EQ(cp::parse_npy(b.substr(0, b.size() - 3), "x.npy").status().message,
              "x.npy: data size does not match shape (2, 2) (13 bytes after the header)");
    EXPECT_EQ(cp::read_npy("/nonexistent/x.npy").status().message,
              "/nonexistent/x.npy: cannot open (No such file or directory)");
}

TEST(Image, PngRoundTripThroughDecode) {
    cp::Image img;
    img.width = 3, img.height = 2;
    img.rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90};
    const std::string png = cp::encode_png(img);
    auto d = cp::decode_image(png, 3);
    ASSERT_TRUE(d.ok()) << d.status().message;
    EXPECT_EQ(d->tensor.shape, (cp::Dims{1, 3, 2, 3}));
    EXPECT_FLOAT_EQ(d->tensor.data[0], 1.0f);        // R of pixel (0,0)
    EXPECT_FLOAT_EQ(d->tensor.data[6 + 1], 1.0f);    // G of pixel (0,1)
    EXPECT_FLOAT_EQ(d->tensor.data[12 + 5], 90 / 255.0f);
    auto g = cp::decode_image(png, 1);
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->tensor.shape, (cp::Dims{1, 1, 2, 3}));
}

TEST(Image, CorruptAndEmptyFilesGetMessages) {
    auto r = cp::decode_image("this is not an image at all", 3, {}, "notes.txt");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message.rfind("notes.txt is not an image convplay can read (", 0), 0u) << r.status().message;
    cp::Image img;
    img.width = 4, img.height = 4;
    img.rgb.assign(48, 128);
    std::string png = cp::encode_png(img);
    auto cut = cp::decode_image(png.substr(0, png.size() / 2), 3, {}, "cut.png");
    EXPECT_FALSE(cut.ok());
    EXPECT_EQ(cp::decode_image("", 3, {}, "empty.png").status().message, "empty.png: the file is empty");
}

TEST(Image, GiantImagesAreDownscaledOrRefused) {
    cp::Image img;
    img.width = 300, img.height = 200;
    img.rgb.assign(size_t(300 * 200 * 3), 200);
    const std::string png = cp::encode_png(img);
    cp::DecodeLimits lim;
    lim.max_pixels = 100 * 100;
    auto d = cp::decode_image(png, 3, lim, "big.png");
    ASSERT_TRUE(d.ok());
    EXPECT_LE(d->tensor.shape[2] * d->tensor.shape[3], 100 * 100);
    EXPECT_NEAR(double(d->tensor.shape[3]) / double(d->tensor.shape[2]), 1.5, 0.02);  // aspect kept
    EXPECT_NE(d->notice.find("downscaled from 300x200"), std::string::npos);
    EXPECT_NEAR(d->tensor.data[0], 200 / 255.0f, 1e-6);
    lim.max_decode_pixels = 1000;
    EXPECT_EQ(cp::decode_image(png, 3, lim, "big.png").status().message,
              "big.png is 300x200 (0 megapixels): too large (at most 0 megapixels)");
}

TEST(Image, FeatureMapsUseDivergingColorsForSignedChannels) {
    cp::Tensor t(cp::Dims{1, 2, 1, 3});
    t.data = {-1, 0, 1, 0, 0.5f, 1};
    const cp::Image img = cp::render_feature_map(t);
    EXPECT_EQ(img.width, 2 * 3 + 1);
    EXPECT_EQ(img.height, 1);
    // channel 0 is signed: -1 blue, 0 grey, 1 red
    EXPECT_GT(img.rgb[2], img.rgb[0]);
    EXPECT_EQ(img.rgb[3], img.rgb[4]);
    EXPECT_GT(img.rgb[6], img.rgb[8]);
}

}  // namespace
