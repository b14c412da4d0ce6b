// Colormaps, defined once: the anchors every colour of a feature map is interpolated from. The PNG
// writer (engine/image.cpp), the UI's legends and weight cells (app/gl_maps.cpp) call
// colormap_rgb(); the fragment shader gets the same anchors as GLSL text (colormap_glsl()) when
// it is compiled. Codes are the Colormap enum's values everywhere, the shader's u_mode included.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace cp {

// Auto is a view setting (diverging when a channel has both signs, else sequential): it is
// resolved before anything is drawn. Rgb draws three channels as red, green and blue (each
// channel through the Grey ramp).
enum class Colormap : uint8_t { Auto, Sequential, Diverging, Grey, Rgb };

struct ColorAnchor {
    float t;  // position in [0, 1], increasing; the first is 0 and the last 1
    uint8_t r, g, b;
};

// The anchors of a palette (Rgb: the Grey ramp; Auto: empty).
std::span<const ColorAnchor> colormap_anchors(Colormap m);

// t in [0, 1] (clamped; NaN counts as 0) -> RGB bytes, linear between anchors, rounded.
void colormap_rgb(Colormap m, float t, uint8_t rgb[3]);

// How values spanning [lo, hi] are coloured, decided once for the page and the PNG writer: the
// palette (Auto resolved: diverging when the values have both signs, else sequential) and the
// values at its two ends. Diverging is symmetric around zero, so zero is always the neutral
// colour; Rgb (three channels' joint lo/hi) keeps [0, 1] when the values fit in it, as an image.
struct MapRange {
    Colormap mode = Colormap::Sequential;
    float lo = 0, hi = 1;
    // A value's position in the palette; a flat range puts everything at its middle (as the shader).
    float t(float v) const { return hi > lo ? (v - lo) / (hi - lo) : 0.5f; }
};
MapRange map_range(Colormap wanted, float lo, float hi);

// GLSL ES 3.0 declarations of the anchors for the fragment shader: constants
// CP_MAP_<NAME> (the enum codes) and `vec3 cp_palette(int mode, float t)`.
std::string colormap_glsl();

}  // namespace cp
