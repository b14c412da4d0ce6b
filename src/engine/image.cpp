// Image decoding/encoding through Debian's header-only stb, and feature-map rendering.
#include "engine/image.hpp"

#include "core/limits.hpp"

#include "engine/npy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>

#include "core/colormap.hpp"

namespace cp {

Result<Decoded> decode_image(const std::string& bytes, int channels, const DecodeLimits& lim, const std::string& name) {
    if (channels != 1 && channels != 3 && channels != 4)
        return Status::error("an image gives 1 (grey), 3 (RGB) or 4 (RGBA) channels, not " + std::to_string(channels));
    if (bytes.empty()) return Status::error(name + ": the file is empty");
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int len = static_cast<int>(std::min<size_t>(bytes.size(), 0x7fffffff));
    int w = 0, h = 0, comp = 0;
    if (!stbi_info_from_memory(data, len, &w, &h, &comp))
        return Status::error(name + " is not an image convplay can read (" + stbi_failure_reason() +
                             "); use PNG, JPEG, BMP, GIF, TGA or PNM");
    if (int64_t(w) * h > lim.max_decode_pixels)
        return Status::error(name + " is " + std::to_string(w) + "x" + std::to_string(h) + " (" +
                             std::to_string(int64_t(w) * h / 1000000) + " megapixels): too large (at most " +
                             std::to_string(lim.max_decode_pixels / 1000000) + " megapixels)");
    stbi_uc* px = stbi_load_from_memory(data, len, &w, &h, &comp, channels);
    if (!px) return Status::error(name + " could not be decoded (" + std::string(stbi_failure_reason()) + ")");
    Decoded d;
    d.tensor = Tensor(Dims{1, channels, h, w});
    const int64_t plane = int64_t(w) * h;
    for (int64_t i = 0; i < plane; ++i)
        for (int c = 0; c < channels; ++c) d.tensor.data[static_cast<size_t>(c * plane + i)] = px[i * channels + c] / 255.0f;
    stbi_image_free(px);
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
    const int64_t OH = std::max<int64_t>(1, int64_t(H * f)), OW = std::max<int64_t>(1, int64_t(W * f));
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
        float lo = 0, hi = 1;
        const auto [mn, mx] = std::minmax_element(base, base + 3 * plane);
        if (*mn < 0 || *mx > 1) lo = *mn, hi = *mx > *mn ? *mx : *mn + 1;
        img.width = int(W), img.height = int(H);
        img.rgb.resize(size_t(plane * 3));
        for (int64_t i = 0; i < plane; ++i)
            for (int c = 0; c < 3; ++c)
                img.rgb[size_t(i * 3 + c)] = uint8_t(std::lround(std::clamp((base[c * plane + i] - lo) / (hi - lo), 0.0f, 1.0f) * 255));
        return img;
    }
    // Channel grid with a 1-pixel gap.
    const int64_t cols = g.cols, rows = g.rows;
    img.width = int(cols * W + (cols - 1)), img.height = int(rows * H + (rows - 1));
    img.rgb.assign(size_t(img.width) * img.height * 3, 255);
    for (int64_t c = 0; c < C; ++c) {
        const float* p = base + c * plane;
        const auto [mn, mx] = std::minmax_element(p, p + plane);
        const bool diverging = *mn < 0 && *mx > 0;
        const float m = std::max(std::fabs(*mn), std::fabs(*mx));
        const int64_t ox = (c % cols) * (W + 1), oy = (c / cols) * (H + 1);
        for (int64_t y = 0; y < H; ++y)
            for (int64_t x = 0; x < W; ++x) {
                const float v = p[y * W + x];
                uint8_t* px = &img.rgb[size_t(((oy + y) * img.width + ox + x) * 3)];
                if (diverging) colormap_rgb(Colormap::Diverging, 0.5f + 0.5f * v / m, px);
                else colormap_rgb(Colormap::Sequential, *mx > *mn ? (v - *mn) / (*mx - *mn) : 0.5f, px);
            }
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
