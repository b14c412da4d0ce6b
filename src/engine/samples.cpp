// Procedural sample images. Each is drawn in RGB at the state's size, then mapped to its channels.
#include "engine/samples.hpp"

#include <cmath>

#include "core/choices.hpp"
#include "engine/rng.hpp"

namespace cp {

namespace {

struct RGB {
    float r, g, b;
};

// "CONVPLAY" in a 5x7 pixel font (one row per byte, low 5 bits, MSB = left).
const uint8_t kGlyphs[8][7] = {
    {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E},  // C
    {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E},  // O
    {0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11},  // N
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04},  // V
    {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10},  // P
    {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F},  // L
    {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},  // A
    {0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04},  // Y
};

float smoothstep(float a, float b, float x) {
    float t = std::fmin(1.0f, std::fmax(0.0f, (x - a) / (b - a)));
    return t * t * (3 - 2 * t);
}

// A landscape: sky gradient, a sun, two mountain ridges, a textured field.
RGB photo(float u, float v, Rng& rng) {
    RGB c{0.35f + 0.4f * v, 0.55f + 0.35f * v, 0.95f};
    const float du = u - 0.72f, dv = v - 0.25f;
    const float sun = 1.0f - smoothstep(0.07f, 0.09f, std::sqrt(du * du + dv * dv));
    c = {c.r + sun * (1.0f - c.r), c.g + sun * (0.9f - c.g), c.b + sun * (0.5f - c.b)};
    const float ridge1 = 0.55f - 0.12f * std::sin(u * 7.0f) - 0.06f * std::sin(u * 17.0f + 1.0f);
    if (v > ridge1) c = {0.35f, 0.38f, 0.45f};
    const float ridge2 = 0.68f - 0.05f * std::sin(u * 11.0f + 2.0f);
    if (v > ridge2) {
        const float tex = 0.08f * (rng.uniform(0, 1) - 0.5f) + 0.05f * std::sin(u * 90.0f) * std::sin(v * 60.0f);
        c = {0.25f + tex, 0.55f + tex + 0.2f * (v - ridge2), 0.2f + tex};
    }
    return c;
}

RGB draw(InputImage img, int64_t y, int64_t x, int64_t H, int64_t W, Rng& rng) {
    const float u = W > 1 ? float(x) / float(W - 1) : 0.5f, v = H > 1 ? float(y) / float(H - 1) : 0.5f;
    if (img == InputImage::Checker) {
        const int64_t sq = std::max<int64_t>(1, std::min(H > 1 ? H : W, W) / 8);
        const float c = ((y / sq + x / sq) % 2) ? 1.0f : 0.0f;
        return {c, c, c};
    }
    if (img == InputImage::Gradient) return {u, v, 0.5f * (u + v)};
    if (img == InputImage::Impulse) {
        const float c = (y == H / 2 && x == W / 2) ? 1.0f : 0.0f;
        return {c, c, c};
    }
    if (img == InputImage::Sine || img == InputImage::Square || img == InputImage::Chirp) {
        // Signals along the last axis (constant down a 2-d picture); R, G, B a third of a period
        // apart so the channels of a 1-d input differ.
        const float two_pi = 6.28318531f;
        auto wave = [&](float shift) {
            if (img == InputImage::Chirp)  // instantaneous frequency 1 + 15u periods per length
                return 0.5f + 0.5f * std::sin(two_pi * (u + 7.5f * u * u) + two_pi * shift);
            const float phase = 4.0f * u + shift;  // in periods
            if (img == InputImage::Sine) return 0.5f + 0.5f * std::sin(two_pi * phase);
            return phase - std::floor(phase) < 0.5f ? 1.0f : 0.0f;  // high in each period's first half
        };
        return {wave(0), wave(1.0f / 3), wave(2.0f / 3)};
    }
    if (img == InputImage::Noise) {
        return {rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0, 1)};
    }
    if (img == InputImage::Text) {
        // Eight glyphs of 5x7 with one column between them, scaled to fit, centred.
        const int64_t tw = 8 * 6 - 1, th = 7;
        const int64_t scale = std::max<int64_t>(1, std::min(W / (tw + 2), H / (th + 2)));
        const int64_t x0 = (W - tw * scale) / 2, y0 = (H - th * scale) / 2;
        const int64_t gx = (x - x0) / scale, gy = (y - y0) / scale;
        bool on = false;
        if (x >= x0 && y >= y0 && gx < tw && gy < th && gx % 6 < 5)
            on = (kGlyphs[gx / 6][gy] >> (4 - gx % 6)) & 1;
        const float c = on ? 0.0f : 1.0f;
        return {c, c, c};
    }
    return photo(u, v, rng);
}

}  // namespace

Result<Tensor> make_sample(const State& s) {
    Tensor t(input_dims(s));
    if (auto st = draw_sample(s, t); !st) return st;
    return t;
}

Status draw_sample(const State& s, Tensor& t) {
    if (s.image == InputImage::Upload)
        return Status::error("img=upload: this state's image was uploaded by its author and is not in the link",
                             "pick a built-in image (img=" +
                                 choice_names(choices<InputImage>().first(size_t(InputImage::Upload))) +
                                 ") or give one");
    const Dims& shape = t.shape;
    const int64_t C = shape[1];
    const int64_t H = shape.size() == 4 ? shape[2] : 1, W = shape.back();
    Rng rng(s.seed);
    const bool signal = s.image == InputImage::Sine || s.image == InputImage::Square || s.image == InputImage::Chirp;
    for (int64_t n = 0; n < s.batch; ++n)
        for (int64_t y = 0; y < H; ++y)
            for (int64_t x = 0; x < W; ++x) {
                const RGB c = draw(s.image, y, x, H, W, rng);
                // One channel: a picture's luminance, a signal's first wave.
                const float lum = signal ? c.r : 0.299f * c.r + 0.587f * c.g + 0.114f * c.b;
                for (int64_t ch = 0; ch < C; ++ch) {
                    const float v = C == 1 ? lum : (ch % 3 == 0 ? c.r : ch % 3 == 1 ? c.g : c.b);
                    t.data[static_cast<size_t>(((n * C + ch) * H + y) * W + x)] = v;
                }
            }
    return {};
}

}  // namespace cp
