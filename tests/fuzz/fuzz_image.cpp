// Fuzz target: the image reader (PNG and the other formats stb reads, `convplay run --image`).
// Property: any bytes decode within the pixel budget or give a message; a tiny file declaring a
// huge image is refused before the pixels are allocated, by the pixel budget (its declared size
// as read_image_header reads it).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/image.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cp::fuzz;
    if (size < 1) return 0;
    const int channels = data[0] % 3 == 0 ? 1 : data[0] % 3 == 1 ? 3 : 4;
    const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    cp::DecodeLimits lim;
    lim.max_decode_pixels = int64_t(1) << 22;  // keeps each run fast; the check is the same
    lim.max_pixels = int64_t(1) << 16;         // exercises the downscale too
    auto d = cp::decode_image(bytes, channels, lim, "fuzz.png");
    // A declared size over the budget is refused as such, whatever else the file holds.
    const cp::ImageHeader head = cp::read_image_header(bytes);
    const bool huge = head.width > 0 && head.height > 0 && cp::sat_mul(head.width, head.height) > lim.max_decode_pixels;
    require(!huge || (!d && d.status().message.find("too large to decode") != std::string::npos),
            "a huge declared size is not refused by the pixel budget");
    if (!d) {
        require(!d.status().message.empty(), "a refused image has no message");
        return 0;
    }
    const auto& sh = d->tensor.shape;
    require(sh.size() == 4 && sh[1] == channels, "decoded tensor has the wrong shape");
    require(sh[2] * sh[3] <= lim.max_pixels, "decoded image is over the pixel budget");
    return 0;
}
