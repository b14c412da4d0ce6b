// Images <-> tensors: decoding user images (PNG, JPEG, BMP, GIF... via Debian's stb), the pixel
// budget, rendering feature maps through a colormap, and PNG encoding.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/status.hpp"
#include "engine/tensor.hpp"

namespace cp {

struct Image {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;  // width * height * 3
};

struct DecodeLimits {
    int64_t max_decode_pixels = Limits::max_decode_pixels;  // refuse to even decode beyond this
    int64_t max_pixels = Limits::max_image_pixels;          // downscale beyond this
};

struct Decoded {
    Tensor tensor;        // [1, C, H, W] in [0, 1]
    std::string notice;   // e.g. "downscaled from 8000x6000 to 4096x3072"
};

// The playground's budget for an uploaded image (downscaled beyond Limits::max_upload_pixels): the
// app and the page's engine Worker, which decodes uploads off the main thread, use this one.
inline DecodeLimits upload_limits() {
    DecodeLimits lim;
    lim.max_pixels = Limits::max_upload_pixels;
    return lim;
}

// What a file's first bytes declare, read without decoding: the format of PNG, JPEG, GIF, BMP,
// PSD, WebP and AVIF files from their signatures, and the size they declare (0 when the header is
// cut short).
struct ImageHeader {
    std::string format;            // "PNG", "JPEG", ...; empty: none of these
    int64_t width = 0, height = 0;
};
ImageHeader read_image_header(std::string_view bytes);

// WebP and AVIF: stb cannot decode them, a browser can. The playground's engine Worker hands such
// a file to the browser's decoder (createImageBitmap) once decode_image has checked its declared
// size, and passes the pixels to image_from_pixels.
bool needs_browser_decoder(const ImageHeader& h);

// "8192x8192 = 67108864 pixels" (a square count), else "1000 pixels": pixel budgets in messages.
std::string pixels_text(int64_t pixels);

// channels: 1 (luminance), 3 (RGB) or 4 (RGBA). The declared size is checked against
// lim.max_decode_pixels before anything is decoded; a file whose data then fails to decode is
// called corrupt, with the decoder's reason.
Result<Decoded> decode_image(std::string_view bytes, int channels, const DecodeLimits& lim = {},
                             const std::string& name = "image");
Result<Decoded> read_image(const std::string& path, int channels, const DecodeLimits& lim = {});

// Decoded 8-bit pixels (stb's, or the browser's for WebP and AVIF), `comps` components per pixel,
// row-major, to `channels` planes in [0, 1], with decode_image's budget: refused above
// lim.max_decode_pixels, downscaled above lim.max_pixels. comps is channels, or 4 (RGBA), which
// is converted as stb converts: alpha dropped for 3 channels, luminance (77 R + 150 G + 29 B) >> 8
// for 1.
Result<Decoded> image_from_pixels(const uint8_t* px, int64_t width, int64_t height, int comps, int channels,
                                  const DecodeLimits& lim, const std::string& name);

// Area-average downscale of [N, C, H, W] so that H*W <= max_pixels (aspect kept).
Tensor downscale_to_budget(const Tensor& t, int64_t max_pixels);

// A feature map as a picture: 3 channels -> RGB composite; otherwise every channel through a
// colormap (core/colormap.hpp; Colormap::Auto: diverging around 0 when a channel has both signs,
// else sequential), tiled in a grid.
// Batch item `n` only.
// An empty tensor (a size of 0) gives an empty image.
Image render_feature_map(const Tensor& t, int64_t n = 0);
// The pixels render_feature_map makes for this shape (saturated; 0 for an empty tensor).
int64_t feature_map_pixels(const Dims& shape);

std::string encode_png(const Image& img);
// The feature-map picture of batch item `n` of `t` as PNG bytes, or why there is none (an empty
// tensor, or a picture beyond Limits::max_png_pixels).
Result<std::string> feature_map_png(const Tensor& t, int64_t n = 0);

}  // namespace cp
