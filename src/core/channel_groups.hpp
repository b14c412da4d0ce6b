// Which input channels feed which output channels of one layer: PyTorch's grouping rule. A conv
// (or transposed conv) with `groups` = g splits its C_in inputs and C_out outputs into g equal,
// consecutive blocks; output block k reads input block k only (weight [C_out, C_in/g, k...] for
// a conv, [C_in, C_out/g, k...] for a transposed one). groups = C_in is depthwise: each input
// channel has its own C_out/C_in filters. Pools, upsampling and activations work per channel.
// The Explain tab's channel diagram draws this; nothing else re-derives it.
#pragma once
#include <cstdint>
#include <string>

#include "core/layer.hpp"
#include "core/shapes.hpp"

namespace cp {

struct ChannelGroups {
    int64_t in_channels = 0, out_channels = 0;
    int64_t groups = 1;                        // blocks (per-channel layers: one per channel)
    int64_t in_per_group = 0, out_per_group = 0;
    bool per_channel = false;  // a layer without weights: output c is input c
    bool depthwise = false;    // a conv with groups = C_in > 1
    // The weight's first two sizes (conv [C_out, C_in/g], convT [C_in, C_out/g]); 0 without weights.
    int64_t weight_dim0 = 0, weight_dim1 = 0;
    std::string summary;  // in words, with this layer's numbers

    int64_t group_of_input(int64_t ci) const { return ci / in_per_group; }
    int64_t group_of_output(int64_t co) const { return co / out_per_group; }
    bool feeds(int64_t ci, int64_t co) const { return group_of_input(ci) == group_of_output(co); }
    // Inputs read by output `co`: [first_input(co), first_input(co) + in_per_group).
    int64_t first_input(int64_t co) const { return group_of_output(co) * in_per_group; }
};

// The mapping of a layer whose shapes computed (info.status ok); `layer` the layer of `info`.
ChannelGroups channel_groups(const Layer& layer, const LayerInfo& info);

}  // namespace cp
