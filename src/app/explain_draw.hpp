// Drawing helpers shared by the Explain tab's pictures (explain_window.cpp) and its Values view
// (explain_values_view.cpp, explain_scatter_view.cpp): one colour per kind of grid cell, readable
// ink on any cell, names, value text and crops.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/explain.hpp"
#include "imgui.h"

namespace cp::app {

inline ImU32 cell_color(Cell c) {
    switch (c) {
        case Cell::Input: return IM_COL32(86, 140, 210, 255);
        case Cell::Pad: return IM_COL32(64, 64, 74, 255);
        case Cell::Inserted: return IM_COL32(150, 140, 95, 255);
        case Cell::Extra: return IM_COL32(215, 130, 55, 255);
        case Cell::Beyond: return IM_COL32(34, 34, 38, 255);
    }
    return 0;
}

// Digits drawn on a cell: dark on light cells, light on dark ones (sRGB luminance), so every
// count stays readable whatever colour the map gives the cell.
inline ImU32 ink_on(ImU32 bg) {
    const float r = float((bg >> IM_COL32_R_SHIFT) & 0xFF), g = float((bg >> IM_COL32_G_SHIFT) & 0xFF),
                b = float((bg >> IM_COL32_B_SHIFT) & 0xFF);
    const float lum = (0.2126f * r + 0.7152f * g + 0.0722f * b) / 255.0f;
    return lum > 0.5f ? IM_COL32(15, 15, 20, 255) : IM_COL32(245, 245, 245, 255);
}

inline const char* cell_name(Cell c) {
    switch (c) {
        case Cell::Input: return "input value";
        case Cell::Pad: return "padding";
        case Cell::Inserted: return "inserted zero";
        case Cell::Extra: return "output_padding";
        case Cell::Beyond: return "past the edge (ceil_mode: nothing there)";
    }
    return "";
}

// A value in a grid cell: three significant-ish digits in a cell about "-0.00" wide.
inline std::string value_text(float v) {
    char b[24];
    std::snprintf(b, sizeof b, std::fabs(v) >= 100 ? "%.0f" : std::fabs(v) >= 10 ? "%.1f" : "%.2f", v);
    return b;
}

// A [lo, lo + n) range of `size` cells, at most `cap` long, holding [a, b] when it fits.
inline void crop_range(int64_t a, int64_t b, int64_t size, int64_t cap, int64_t& lo, int64_t& n) {
    n = std::min(size, cap);
    const int64_t mid = (a + b) / 2;
    lo = std::clamp<int64_t>(mid - n / 2, 0, std::max<int64_t>(0, size - n));
    if (b - a + 1 <= n) lo = std::clamp(lo, std::max<int64_t>(0, b - n + 1), a);
}

}  // namespace cp::app
