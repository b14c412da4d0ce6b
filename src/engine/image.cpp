// Image decoding/encoding through Debian's header-only stb, and feature-map rendering.
#include "engine/image.hpp"

#include "core/limits.hpp"

#include "engine/memory.hpp"
#include "engine/npy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#define STBI_NO_STDIO  // as in stb.cpp, which holds stb's implementation
#include <stb_image.h>
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>

#include "core/colormap.hpp"

namespace cp {

namespace {

uint32_t be16(const std::string_view b, size_t i) { return uint32_t(uint8_t(b[i])) << 8 | uint8_t(b[i + 1]); }
uint32_t be32(const std::string_view b, size_t i) { return be16(b, i) << 16 | be16(b, i + 2); }
uint32_t le16(const std::string_view b, size_t i) { return uint32_t(uint8_t(b[i + 1])) << 8 | uint8_t(b[i]); }
uint32_t le32(const std::string_view b, size_t i) { return le16(b, i + 2) << 16 | le16(b, i); }

// The frame size of a JPEG: the first start-of-frame segment (SOF0..SOF15 but DHT, JPG, DAC).
void jpeg_size(std::string_view b, ImageHeader& h) {
    size_t i = 2;
    while (i + 4 <= b.size()) {
        if (uint8_t(b[i]) != 0xFF) return;
        const uint8_t m = uint8_t(b[i + 1]);
        if (m == 0xFF) { ++i; continue; }  // fill byte
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }  // no length
        if (m == 0xDA || m == 0xD9) return;  // scan or end before a frame header
        const size_t len = be16(b, i + 2);
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 7 || i + 9 > b.size()) return;
            h.height = be16(b, i + 5), h.width = be16(b, i + 7);
            return;
        }
        if (len < 2) return;
        i += 2 + len;
    }
}


uint32_t le24(std::string_view b, size_t at) {
    return uint32_t(uint8_t(b[at])) | uint32_t(uint8_t(b[at + 1])) << 8 | uint32_t(uint8_t(b[at + 2])) << 16;
}

// A WebP file's first chunk: lossy ("VP8 ": 14-bit sizes after the key frame's start code),
// lossless ("VP8L": 14-bit sizes minus one after its signature byte) or extended ("VP8X": 24-bit
// canvas sizes minus one).
void webp_size(std::string_view b, ImageHeader& h) {
    const std::string_view chunk = b.substr(12, 4);
    if (chunk == "VP8 " && b.size() >= 30 && b.substr(23, 3) == "\x9d\x01\x2a") {
        h.width = le16(b, 26) & 0x3fff, h.height = le16(b, 28) & 0x3fff;
    } else if (chunk == "VP8L" && b.size() >= 25 && uint8_t(b[20]) == 0x2f) {
        const uint32_t bits = le32(b, 21);
        h.width = int64_t(bits & 0x3fff) + 1, h.height = int64_t((bits >> 14) & 0x3fff) + 1;
    } else if (chunk == "VP8X" && b.size() >= 30) {
        h.width = int64_t(le24(b, 24)) + 1, h.height = int64_t(le24(b, 27)) + 1;
    }
}

// An AVIF file's size: its image spatial extents ("ispe") boxes, the largest of them (the image,
// its alpha plane and a thumbnail may each have one), looked for in the first 64 KiB.
void avif_size(std::string_view b, ImageHeader& h) {
    const std::string_view head = b.substr(0, 65536);
    for (size_t at = head.find("ispe"); at != std::string_view::npos; at = head.find("ispe", at + 4)) {
        if (at + 16 > b.size()) break;
        const int64_t w = be32(b, at + 8), hh = be32(b, at + 12);  // after the box's version and flags
        if (sat_mul(w, hh) > sat_mul(h.width, h.height)) h.width = w, h.height = hh;
    }
}

}  // namespace

ImageHeader read_image_header(std::string_view b) {
    ImageHeader h;
    auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
    if (starts("\x89PNG\r\n\x1a\n")) {
        h.format = "PNG";
        if (b.size() >= 24 && b.substr(12, 4) == "IHDR") h.width = be32(b, 16), h.height = be32(b, 20);
    } else if (starts("\xFF\xD8\xFF")) {
        h.format = "JPEG";
        jpeg_size(b, h);
    } else if (starts("GIF87a") || starts("GIF89a")) {
        h.format = "GIF";
        if (b.size() >= 10) h.width = le16(b, 6), h.height = le16(b, 8);
    } else if (starts("BM") && b.size() >= 18) {
        h.format = "BMP";
        // OS/2 headers (12 bytes) hold 16-bit sizes; the others signed 32-bit (height < 0: top-down).
        if (le32(b, 14) == 12 && b.size() >= 22) h.width = le16(b, 18), h.height = le16(b, 20);
        else if (b.size() >= 26) h.width = int32_t(le32(b, 18)), h.height = std::abs(int64_t(int32_t(le32(b, 22))));
    } else if (starts("8BPS")) {
        h.format = "PSD";
        if (b.size() >= 22) h.height = be32(b, 14), h.width = be32(b, 18);
    } else if (starts("RIFF") && b.size() >= 16 && b.substr(8, 4) == "WEBP") {
        h.format = "WebP";
        webp_size(b, h);
    } else if (b.size() >= 12 && b.substr(4, 4) == "ftyp" && (b.substr(8, 4) == "avif" || b.substr(8, 4) == "avis")) {
        h.format = "AVIF";
        avif_size(b, h);
    }
    return h;
}

bool needs_browser_decoder(const ImageHeader& h) { return h.format == "WebP" || h.format == "AVIF"; }

std::string pixels_text(int64_t pixels) {
    const auto side = static_cast<int64_t>(std::llround(std::sqrt(double(pixels))));
    const std::string n = std::to_string(pixels) + " pixels";
    return side * side == pixels && side > 1 ? std::to_string(side) + "x" + std::to_string(side) + " = " + n : n;
}

namespace {

// The formats stb decodes here, for messages.
constexpr const char* kOwnFormats = "PNG, JPEG, BMP, GIF, TGA or PNM";

Status too_large(const std::string& name, int64_t w, int64_t h, const DecodeLimits& lim) {
    return Status::error(name + " is " + std::to_string(w) + "x" + std::to_string(h) +
                         " pixels: too large to decode (at most " + pixels_text(lim.max_decode_pixels) + ")");
}

}  // namespace

Result<Decoded> decode_image(std::string_view bytes, int channels, const DecodeLimits& lim, const std::string& name) {
    if (channels != 1 && channels != 3 && channels != 4)
        return Status::error("an image gives 1 (grey), 3 (RGB) or 4 (RGBA) channels, not " + std::to_string(channels));
    if (bytes.empty()) return Status::error(name + ": the file is empty");
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int len = static_cast<int>(std::min<size_t>(bytes.size(), 0x7fffffff));
    // The declared size first, before anything is decoded. stb's own header check refuses sizes
    // whose bytes overflow an int (a 100000x100000 PNG) with "corrupt": the formats that carry
    // their size in a fixed place are read here, so the refusal names the size and the budget.
    const ImageHeader head = read_image_header(bytes);
    int w = 0, h = 0, comp = 0;
    const bool known = stbi_info_from_memory(data, len, &w, &h, &comp) != 0;
    const std::string reason = known ? "" : stbi_failure_reason();
    // (stb's info gives a top-down BMP's height negative; its loader takes the absolute value.)
    const int64_t width = known ? std::abs(int64_t(w)) : head.width, height = known ? std::abs(int64_t(h)) : head.height;
    if (!known && head.format.empty())
        return Status::error(name + " is not an image convplay can read (" + reason + "); use " + kOwnFormats +
                             " (the playground also reads WebP and AVIF)");
    const std::string what = head.format.empty() ? "image" : head.format + " file";
    if (width > 0 && height > 0 && sat_mul(width, height) > lim.max_decode_pixels) return too_large(name, width, height, lim);
    if (!known && needs_browser_decoder(head))
        return Status::error(name + " is a " + what + ": convplay's own decoder needs " + kOwnFormats +
                             "; WebP and AVIF are read only by the playground's engine Worker, with the browser's decoder");
    if (!known) return Status::error(name + " is a corrupt " + what + " (" + reason + ")");
    stbi_uc* px = stbi_load_from_memory(data, len, &w, &h, &comp, channels);
    if (!px) {
        const std::string why = stbi_failure_reason();
        if (why == "Out of memory")
            return memory_error("decoding " + name + " (" + std::to_string(width) + "x" + std::to_string(height) + " pixels)");
        return Status::error(name + " is a corrupt or truncated " + what + " (" + why + ")");
    }
    auto d = image_from_pixels(px, w, h, channels, channels, lim, name);
    stbi_image_free(px);
    return d;
}

Result<Decoded> image_from_pixels(const uint8_t* px, int64_t w, int64_t h, int comps, int channels,
                                  const DecodeLimits& lim, const std::string& name) {
    if (channels != 1 && channels != 3 && channels != 4)
        return Status::error("an image gives 1 (grey), 3 (RGB) or 4 (RGBA) channels, not " + std::to_string(channels));
    if (comps != channels && comps != 4)
        return Status::error("pixels of " + std::to_string(comps) + " components cannot give " + std::to_string(channels) +
                             " channels");
    if (w <= 0 || h <= 0) return Status::error(name + " has no pixels (" + std::to_string(w) + "x" + std::to_string(h) + ")");
    if (sat_mul(w, h) > lim.max_decode_pixels) return too_large(name, w, h, lim);
    const int64_t plane = w * h;
    // The float pixels, and their downscaled copy when over the budget.
    const int64_t floats = sat_add(sat_mul(plane, channels), plane > lim.max_pixels ? sat_mul(lim.max_pixels, channels) : 0);
    if (auto st = check_memory(sat_mul(floats, 4), "the pixels of " + name + " (" + std::to_string(w) + "x" +
                                                       std::to_string(h) + ")");
        !st)
        return st;
    Decoded d;
    d.tensor = Tensor(Dims{1, channels, h, w});
    float* out = d.tensor.data.data();
    if (comps == channels) {
        for (int64_t i = 0; i < plane; ++i)
            for (int c = 0; c < channels; ++c) out[c * plane + i] = px[i * channels + c] / 255.0f;
    } else if (channels == 1) {  // RGBA to luminance, stb's integer formula
        for (int64_t i = 0; i < plane; ++i) {
            const uint8_t* p = px + i * 4;
            out[i] = uint8_t((p[0] * 77 + p[1] * 150 + p[2] * 29) >> 8) / 255.0f;
        }
    } else {  // RGBA to RGB: alpha dropped
        for (int64_t i = 0; i < plane; ++i)
            for (int c = 0; c < 3; ++c) out[c * plane + i] = px[i * 4 + c] / 255.0f;
    }
    if (plane > lim.max_pixels) {
        d.tensor = downscale_to_budget(d.tensor, lim.max_pixels);
        d.notice = name + ": downscaled from " + std::to_string(w) + "x" + std::to_string(h) + " to " +
                   std::to_string(d.tensor.shape[3]) + "x" + std::to_string(d.tensor.shape[2]) +
                   " to stay within the pixel budget";
    }
    return d;
}

Result<Decoded> read_image(const std::string& path, int channels, const DecodeLimits& lim) {
    auto bytes = read_file_within_budget(path);
    if (!bytes) return bytes.status();
    return decode_image(*bytes, channels, lim, path);
}

Tensor downscale_to_budget(const Tensor& t, int64_t max_pixels) {
    const int64_t N = t.shape[0], C = t.shape[1], H = t.shape[2], W = t.shape[3];
    if (H * W <= max_pixels) return t;
    const double f = std::sqrt(double(max_pixels) / double(H * W));
    int64_t OH = std::max<int64_t>(1, int64_t(H * f)), OW = std::max<int64_t>(1, int64_t(W * f));
    // A very thin image (2 x 273154): its short side stops at 1 pixel, so the long one must give
    // up what the short one could not (the fuzzer found 1 x 94620 against a 65536 budget).
    OH = std::max<int64_t>(1, std::min(OH, max_pixels / OW));
    OW = std::max<int64_t>(1, std::min(OW, max_pixels / OH));
    Tensor out(Dims{N, C, OH, OW});
    for (int64_t nc = 0; nc < N * C; ++nc)
        for (int64_t oy = 0; oy < OH; ++oy) {
            const int64_t y0 = oy * H / OH, y1 = std::max(y0 + 1, (oy + 1) * H / OH);
            for (int64_t ox = 0; ox < OW; ++ox) {
                const int64_t x0 = ox * W / OW, x1 = std::max(x0 + 1, (ox + 1) * W / OW);
                double s = 0;
                for (int64_t y = y0; y < y1; ++y)
                    for (int64_t x = x0; x < x1; ++x) s += t.data[static_cast<size_t>((nc * H + y) * W + x)];
                out.data[static_cast<size_t>((nc * OH + oy) * OW + ox)] = float(s / double((y1 - y0) * (x1 - x0)));
            }
        }
    return out;
}

namespace {

// Channels of a 2-d picture: every channel a tile, 3 channels one RGB picture.
struct Grid {
    int64_t C, H, W, cols, rows;
};
Grid feature_map_grid(const Dims& s) {
    Grid g{s.size() > 1 ? s[1] : 0, s.size() == 4 ? s[2] : 1, s.size() > 2 ? s.back() : 0, 1, 1};
    if (g.C != 3 && g.C > 0) {
        g.cols = int64_t(std::ceil(std::sqrt(double(g.C))));
        g.rows = (g.C + g.cols - 1) / g.cols;
    }
    return g;
}

}  // namespace

int64_t feature_map_pixels(const Dims& shape) {
    const Grid g = feature_map_grid(shape);
    if (sat_count(shape) == 0) return 0;
    if (g.C == 3) return sat_mul(g.H, g.W);
    return sat_mul(sat_add(sat_mul(g.cols, g.W), g.cols - 1), sat_add(sat_mul(g.rows, g.H), g.rows - 1));
}

Image render_feature_map(const Tensor& t, int64_t n) {
    Image img;
    if (t.numel() == 0 || n < 0 || (!t.shape.empty() && n >= t.shape[0])) return img;
    const Grid g = feature_map_grid(t.shape);
    const int64_t C = g.C, H = g.H, W = g.W;
    const int64_t plane = H * W;
    const float* base = t.ptr() + n * C * plane;
    if (C == 3) {
        const auto [mn, mx] = std::minmax_element(base, base + 3 * plane);
        const MapRange r = map_range(Colormap::Rgb, *mn, *mx);
        img.width = int(W), img.height = int(H);
        img.rgb.resize(size_t(plane * 3));
        for (int64_t i = 0; i < plane; ++i)
            for (int c = 0; c < 3; ++c)
                img.rgb[size_t(i * 3 + c)] = uint8_t(std::lround(std::clamp(r.t(base[c * plane + i]), 0.0f, 1.0f) * 255));
        return img;
    }
    // Channel grid with a 1-pixel gap.
    const int64_t cols = g.cols, rows = g.rows;
    img.width = int(cols * W + (cols - 1)), img.height = int(rows * H + (rows - 1));
    img.rgb.assign(size_t(img.width) * img.height * 3, 255);
    for (int64_t c = 0; c < C; ++c) {
        const float* p = base + c * plane;
        const auto [mn, mx] = std::minmax_element(p, p + plane);
        const MapRange r = map_range(Colormap::Auto, *mn, *mx);  // as the page's default view
        const int64_t ox = (c % cols) * (W + 1), oy = (c / cols) * (H + 1);
        for (int64_t y = 0; y < H; ++y)
            for (int64_t x = 0; x < W; ++x)
                colormap_rgb(r.mode, r.t(p[y * W + x]), &img.rgb[size_t(((oy + y) * img.width + ox + x) * 3)]);
    }
    return img;
}

std::string encode_png(const Image& img) {
    std::string out;
    if (img.width <= 0 || img.height <= 0) return out;
    stbi_write_png_to_func(
        [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); },
        &out, img.width, img.height, 3, img.rgb.data(), img.width * 3);
    return out;
}

Result<std::string> feature_map_png(const Tensor& t, int64_t n) {
    const int64_t pixels = feature_map_pixels(t.shape);
    if (pixels == 0) return Status::error("empty tensor " + shape_text(t.shape) + ": no picture");
    if (pixels > Limits::max_png_pixels)
        return Status::error("the picture of " + shape_text(t.shape) + " would have " + std::to_string(pixels) +
                             " pixels (at most " + std::to_string(Limits::max_png_pixels) + "): no PNG written");
    return encode_png(render_feature_map(t, n));
}

}  // namespace cp
