// The Explain tab's channel diagram: which input channels feed which output channels of one layer
// (groups, depthwise, per-channel layers), drawn from core's channel_groups, never re-derived.
#pragma once
#include "core/channel_groups.hpp"

namespace cp::app {

// At the cursor, `width` wide: the summary in words, then inputs (a row of dots, top) joined to
// the outputs they feed (bottom); hovering a channel lights its connections. Many channels: one
// block per group instead of one dot per channel. `layer` is 1-based (test hooks).
void draw_channel_diagram(const ChannelGroups& g, int layer, float width);

}  // namespace cp::app
