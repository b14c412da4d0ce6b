// 1-d maps as line plots: a signal (the input of a conv1d stack, or a layer's output [N, C, L])
// has no height, so a colour strip one pixel high says little; each channel is drawn as a line
// of its values instead (the Outputs strip and the viewer). The values are the tensor's own.
#pragma once
#include "engine/tensor.hpp"
#include "imgui.h"

namespace cp::app {

// Whether `t` is a 1-d map: [N, C, L].
inline bool is_signal(const Tensor& t) { return t.shape.size() == 3; }

struct PlotHover {
    bool inside = false;   // a sample under the pointer
    int x = 0;             // its index along L
    float value = 0;
    bool clicked = false;  // a click (or tap) on it
};

// Channel `channel` of batch item `item` of a 1-d `t` into [p0, p1], `lo` at the bottom and `hi`
// at the top (a flat signal in the middle), with the zero line when the range spans it. Long
// signals are drawn as the min-max band of each pixel column. Returns the number of points drawn
// (test hooks).
int draw_signal(ImDrawList* dl, const Tensor& t, int item, int channel, float lo, float hi, ImVec2 p0, ImVec2 p1,
                ImU32 col);

// The viewer's plot: an item `id` of `size` at the cursor with the signal in `col`, its samples
// as dots when they are far enough apart, and the sample under the pointer marked.
PlotHover signal_view(const char* id, const Tensor& t, int item, int channel, float lo, float hi, ImVec2 size,
                      ImVec2* p0, ImVec2* p1, ImU32 col);

}  // namespace cp::app
