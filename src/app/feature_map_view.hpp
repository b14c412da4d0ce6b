// The feature-map viewer widget: one channel (or an RGB composite) of a map, with zoom (wheel,
// around the cursor), pan (drag), fit (double-click), a pixel grid once zoomed in, and the value
// under the cursor with its (c, y, x); a click (not a drag) on a cell is reported.
#pragma once
#include "app/app.hpp"
#include "app/gl_maps.hpp"
#include "engine/tensor.hpp"

namespace cp::app {

struct MapHover {
    bool valid = false;        // a cell under the pointer, with its value
    bool inside = false;       // a cell under the pointer (valid or not)
    int c = 0, y = 0, x = 0;
    float value = 0;
    bool clicked = false;      // a click (or tap) on the cell, not a drag
    ImVec2 q0, q1;             // where the whole map was drawn (it may reach past the view)
    ImVec2 view0, view1;       // the view's rectangle (clip overlays to it)
};

// The colours and range a map is drawn with, from the view settings (per-channel or shared
// range; auto picks the diverging map when a channel has both signs, as `convplay run` does).
MapStyle map_style(const MapTexture& m, const ViewState& v, int channel, bool rgb);

// `values` is the tensor the texture holds (null when it has changed since: no value readout).
MapHover feature_map_view(const char* id, MapCache& maps, const MapTexture& m, const MapStyle& style,
                          const Tensor* values, int item, int channel, ViewState& vs, ImVec2 size);

// A colour bar for `style` with its two ends labelled.
void map_legend(const MapStyle& style, float width);

}  // namespace cp::app
