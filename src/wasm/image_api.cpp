// The engine's image decoder for JavaScript: the playground's engine Worker decodes an upload
// here, off the page's main thread, with the app's own decoder and budget (decode_image,
// upload_limits), so the pixels and messages are the ones the app would make itself.
// The results stay valid until the next cp_image_decode.
#include <string>
#include <vector>

#include "core/shapes.hpp"
#include "engine/image.hpp"
#include "engine/ranges.hpp"
#include "engine/signal_file.hpp"

namespace {
cp::Decoded g_image;
std::string g_message, g_dims, g_browser_format;
std::vector<float> g_ranges;

int keep(cp::Result<cp::Decoded> d) {
    g_image = {};
    if (!d) {
        g_message = d.status().message;
        return 0;
    }
    g_image = std::move(*d);
    g_message = g_image.notice;
    return 1;
}
}  // namespace

extern "C" {

// Decodes `len` bytes to `channels` (1, 3 or 4) planes in [0, 1] within the playground's upload
// budget (downscaled beyond it); a CSV or .npy file (is_signal_file) to its columns' channels. Returns 1, or 0 with cp_image_message() saying why (the file's
// `name` in it).
int cp_image_decode(const unsigned char* bytes, int len, int channels, const char* name) {
    const std::string_view data(reinterpret_cast<const char*>(bytes), size_t(len > 0 ? len : 0));
    const int ok = keep(cp::decode_upload(data, channels, cp::upload_limits(), name ? name : "the file"));
    // Refused only because stb lacks the format (its declared size is within the budget: the
    // refusal is then not "too large"): the caller may try the browser's decoder.
    const cp::ImageHeader head = cp::read_image_header(data);
    const bool in_budget = cp::sat_mul(head.width, head.height) <= cp::upload_limits().max_decode_pixels;
    g_browser_format = !ok && cp::needs_browser_decoder(head) && in_budget ? head.format : "";
    return ok;
}

// After a cp_image_decode that failed: the format ("WebP", "AVIF") when the browser's decoder
// should be tried, else "".
const char* cp_image_browser_format() { return g_browser_format.c_str(); }

// RGBA pixels the browser decoded (a WebP or AVIF file, see cp_image_browser_format) to
// `channels` planes within the playground's budget; then as cp_image_decode.
int cp_image_from_rgba(const unsigned char* rgba, int width, int height, int channels, const char* name) {
    return keep(cp::image_from_pixels(rgba, width, height, 4, channels, cp::upload_limits(), name ? name : "the file"));
}

// The decoded tensor [1, C, H, W] (a signal file's: [1, C, L]): its values, their count and its
// shape as "1x3xHxW" (or "1xCxL").
const float* cp_image_data() { return g_image.tensor.ptr(); }
int cp_image_size() { return static_cast<int>(g_image.tensor.numel()); }
const char* cp_image_dims() {
    g_dims = cp::shape_text(g_image.tensor.shape);
    return g_dims.c_str();
}
// Its per-plane ranges (engine/ranges.hpp): lo of its C planes, then hi.
const float* cp_image_ranges() {
    g_ranges = cp::plane_ranges(g_image.tensor);
    return g_ranges.data();
}
// The refusal of a failed decode, or the downscale notice of a good one ("" when none).
const char* cp_image_message() { return g_message.c_str(); }

}  // extern "C"
