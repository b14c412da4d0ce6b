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
              "big.png is 300x200 pixels: too large to decode (at most 1000 pixels)");
}

TEST(Image, ThinImagesAreDownscaledWithinTheBudgetToo) {
    // 2 x 3000 against a 100-pixel budget: the short side cannot shrink below 1, so the long one
    // takes the whole budget (scaling both by the same factor would give 1 x 173).
    cp::Tensor t(cp::Dims{1, 1, 3000, 2});
    for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = float(i % 7);
    const cp::Tensor d = cp::downscale_to_budget(t, 100);
    ASSERT_EQ(d.shape.size(), 4u);
    EXPECT_LE(d.shape[2] * d.shape[3], 100);
    EXPECT_EQ(d.shape[3], 1);
    EXPECT_EQ(d.shape[2], 100);
}

// A PNG of 1x1 pixel whose header then declares w x h (the IHDR CRC is not checked by stb).
std::string png_declaring(uint32_t w, uint32_t h) {
    cp::Image img;
    img.width = img.height = 1;
    img.rgb = {1, 2, 3};
    std::string png = cp::encode_png(img);
    for (int k = 0; k < 4; ++k) {
        png[size_t(16 + k)] = char(w >> (24 - 8 * k));
        png[size_t(20 + k)] = char(h >> (24 - 8 * k));
    }
    return png;
}

// SOI, an APP0 segment, then a baseline frame header declaring w x h (16-bit sizes).
std::string jpeg_declaring(uint16_t w, uint16_t h) {
    std::string j = "\xFF\xD8\xFF\xE0";
    j += std::string("\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 16);
    j += std::string("\xFF\xFF\xC0\x00\x11\x08", 6);  // a fill byte, then SOF0
    j += char(h >> 8), j += char(h & 255), j += char(w >> 8), j += char(w & 255);
    j += std::string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
    return j;
}

TEST(Image, HeadersDeclareFormatAndSize) {
    const auto png = cp::read_image_header(png_declaring(100000, 70000));
    EXPECT_EQ(png.format, "PNG");
    EXPECT_EQ(png.width, 100000);
    EXPECT_EQ(png.height, 70000);
    const auto jpeg = cp::read_image_header(jpeg_declaring(60000, 50000));
    EXPECT_EQ(jpeg.format, "JPEG");
    EXPECT_EQ(jpeg.width, 60000);
    EXPECT_EQ(jpeg.height, 50000);
    const auto gif = cp::read_image_header(std::string("GIF89a\xff\xff\x10\x00", 10));
    EXPECT_EQ(gif.format, "GIF");
    EXPECT_EQ(gif.width, 65535);
    EXPECT_EQ(gif.height, 16);
    // BMP: signed height (negative: rows top-down).
    std::string bmp(26, '\0');
    bmp[0] = 'B', bmp[1] = 'M', bmp[14] = 40;
    bmp[18] = char(0x10), bmp[19] = char(0x27);                                   // width 10000
    bmp[22] = char(0xF0), bmp[23] = char(0xD8), bmp[24] = bmp[25] = char(0xFF);  // height -10000
    const auto b = cp::read_image_header(bmp);
    EXPECT_EQ(b.format, "BMP");
    EXPECT_EQ(b.width, 10000);
    EXPECT_EQ(b.height, 10000);
    // Cut short: the format is known, the size is not.
    const auto cut = cp::read_image_header(png_declaring(5, 5).substr(0, 20));
    EXPECT_EQ(cut.format, "PNG");
    EXPECT_EQ(cut.width, 0);
    EXPECT_EQ(cp::read_image_header("hello").format, "");
}

// The first bytes of a WebP file whose first chunk (VP8, VP8L or VP8X) declares w x h.
std::string webp_declaring(const std::string& chunk, uint32_t w, uint32_t h) {
    std::string b = std::string("RIFF\x40\x00\x00\x00WEBP", 12) + chunk + std::string("\x20\x00\x00\x00", 4);
    auto le = [&](uint32_t v, int n) { for (int k = 0; k < n; ++k) b += char((v >> (8 * k)) & 255); };
    if (chunk == "VP8 ") {
        b += std::string("\x00\x00\x00\x9d\x01\x2a", 6);  // frame tag, start code
        le(w, 2), le(h, 2);
    } else if (chunk == "VP8L") {
        b += '\x2f';
        le((w - 1) | (h - 1) << 14, 4);
    } else {
        b += std::string(4, '\0');  // flags
        le(w - 1, 3), le(h - 1, 3);
    }
    return b + std::string(16, '\0');
}

// An AVIF file's ftyp box, then an image spatial extents box declaring w x h (and a smaller one,
// as a thumbnail's would be, after it).
std::string avif_declaring(uint32_t w, uint32_t h) {
    std::string b = std::string("\x00\x00\x00\x14" "ftypavif\x00\x00\x00\x00mif1", 20);
    auto box = [&](uint32_t bw, uint32_t bh) {
        b += std::string("\x00\x00\x00\x14ispe\x00\x00\x00\x00", 12);
        for (uint32_t v : {bw, bh})
            for (int k = 3; k >= 0; --k) b += char((v >> (8 * k)) & 255);
    };
    box(w, h);
    box(16, 16);
    return b;
}

TEST(Image, WebpAndAvifDeclareTheirSizeAndNeedTheBrowser) {
    for (const char* chunk : {"VP8 ", "VP8L", "VP8X"}) {
        const auto h = cp::read_image_header(webp_declaring(chunk, 640, 480));
        EXPECT_EQ(h.format, "WebP") << chunk;
        EXPECT_EQ(h.width, 640) << chunk;
        EXPECT_EQ(h.height, 480) << chunk;
        EXPECT_TRUE(cp::needs_browser_decoder(h));
    }
    const auto big = cp::read_image_header(webp_declaring("VP8X", 16383, 16383));
    EXPECT_EQ(big.width, 16383);
    const auto avif = cp::read_image_header(avif_declaring(4000, 3000));
    EXPECT_EQ(avif.format, "AVIF");
    EXPECT_EQ(avif.width, 4000);
    EXPECT_EQ(avif.height, 3000);
    EXPECT_TRUE(cp::needs_browser_decoder(avif));
    EXPECT_FALSE(cp::needs_browser_decoder(cp::read_image_header(png_declaring(5, 5))));
    // stb cannot decode them: said so, or the size refused first.
    EXPECT_EQ(cp::decode_image(webp_declaring("VP8L", 64, 64), 3, {}, "cat.webp").status().message,
              "cat.webp is a WebP file: convplay's own decoder needs PNG, JPEG, BMP, GIF, TGA or PNM; WebP and AVIF "
              "are read only by the playground's engine Worker, with the browser's decoder");
    EXPECT_EQ(cp::decode_image(avif_declaring(10000, 9000), 3, {}, "big.avif").status().message,
              "big.avif is 10000x9000 pixels: too large to decode (at most 8192x8192 = 67108864 pixels)");
}

TEST(Image, BrowserPixelsConvertAsStbConverts) {
    // RGBA pixels (alpha anything: stb and the browser path drop it) against stb decoding the
    // same colours from a PNG, to 3 channels and to luminance, and downscaled the same way.
    cp::Image img;
    img.width = 300, img.height = 200;
    std::vector<uint8_t> rgba;
    for (int i = 0; i < img.width * img.height; ++i) {
        const uint8_t px[4] = {uint8_t(i * 7), uint8_t(i * 13 + 5), uint8_t(i / 3), uint8_t(i * 31)};
        img.rgb.insert(img.rgb.end(), px, px + 3);
        rgba.insert(rgba.end(), px, px + 4);
    }
    const std::string png = cp::encode_png(img);
    cp::DecodeLimits lim;
    for (int64_t max_pixels : {int64_t(1) << 20, int64_t(5000)}) {
        lim.max_pixels = max_pixels;
        for (int channels : {3, 1}) {
            const auto a = cp::decode_image(png, channels, lim, "x");
            const auto b = cp::image_from_pixels(rgba.data(), img.width, img.height, 4, channels, lim, "x");
            ASSERT_TRUE(a.ok() && b.ok());
            EXPECT_EQ(a->tensor.shape, b->tensor.shape);
            EXPECT_EQ(a->tensor.data, b->tensor.data) << channels << " channels, budget " << max_pixels;
            EXPECT_EQ(a->notice, b->notice);
        }
    }
    lim.max_decode_pixels = 1000;
    EXPECT_EQ(cp::image_from_pixels(rgba.data(), img.width, img.height, 4, 3, lim, "x.avif").status().message,
              "x.avif is 300x200 pixels: too large to decode (at most 1000 pixels)");
    EXPECT_FALSE(cp::image_from_pixels(rgba.data(), 0, 5, 4, 3, {}, "x").ok());
}

TEST(Image, HugeDeclaredSizesAreRefusedWithTheBudgetNotAsCorrupt) {
    // stb's own header check calls these "corrupt" (their bytes overflow an int): the size and
    // the budget are named instead, before any decoding.
    const std::string budget = "(at most " + cp::pixels_text(cp::Limits::max_decode_pixels) + ")";
    EXPECT_EQ(budget, "(at most 8192x8192 = 67108864 pixels)");
    EXPECT_EQ(cp::decode_image(png_declaring(100000, 100000), 3, {}, "huge.png").status().message,
              "huge.png is 100000x100000 pixels: too large to decode " + budget);
    EXPECT_EQ(cp::decode_image(png_declaring(10000, 10000), 3, {}, "bomb.png").status().message,
              "bomb.png is 10000x10000 pixels: too large to decode " + budget);
    EXPECT_EQ(cp::decode_image(png_declaring(0x7fffffff, 0x7fffffff), 1, {}, "max.png").status().message,
              "max.png is 2147483647x2147483647 pixels: too large to decode " + budget);
    EXPECT_EQ(cp::decode_image(jpeg_declaring(60000, 60000), 3, {}, "huge.jpg").status().message,
              "huge.jpg is 60000x60000 pixels: too large to decode " + budget);
    EXPECT_EQ(cp::decode_image(jpeg_declaring(9000, 8000), 3, {}, "big.jpg").status().message,
              "big.jpg is 9000x8000 pixels: too large to decode " + budget);
}

TEST(Image, CorruptImagesSayCorrupt) {
    cp::Image img;
    img.width = img.height = 16;
    img.rgb.assign(16 * 16 * 3, 7);
    const std::string png = cp::encode_png(img);
    // The header is whole, the compressed data is cut.
    const auto cut = cp::decode_image(png.substr(0, png.size() - 20), 3, {}, "cut.png");
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.status().message.rfind("cut.png is a corrupt or truncated PNG file (", 0), 0u) << cut.status().message;
    // A JPEG header within the budget and no image data after it.
    const auto jpg = cp::decode_image(jpeg_declaring(64, 64), 3, {}, "cut.jpg");
    ASSERT_FALSE(jpg.ok());
    EXPECT_EQ(jpg.status().message.rfind("cut.jpg is a corrupt or truncated JPEG file (", 0), 0u) << jpg.status().message;
    // A PNG signature with no header at all.
    const auto sig = cp::decode_image(png.substr(0, 8), 3, {}, "sig.png");
    ASSERT_FALSE(sig.ok());
    EXPECT_EQ(sig.status().message.rfind("sig.png is a corrupt PNG file (", 0), 0u) << sig.status().message;
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
