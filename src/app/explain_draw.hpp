// Drawing helpers shared by the Explain tab's pictures (explain_window.cpp) and its Values view
// (explain_values_view.cpp): one colour per kind of grid cell, readable ink on any cell, names.
#pragma once
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

}  // namespace cp::app
