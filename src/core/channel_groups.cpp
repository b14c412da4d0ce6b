// Input -> output channels of one layer (see channel_groups.hpp).
#include "core/channel_groups.hpp"

namespace cp {

ChannelGroups channel_groups(const Layer& L, const LayerInfo& info) {
    ChannelGroups g;
    g.in_channels = info.in.size() > 1 ? info.in[1] : 0;
    g.out_channels = info.out.size() > 1 ? info.out[1] : 0;
    const std::string ci = std::to_string(g.in_channels), co = std::to_string(g.out_channels);
    if (!L.has_weights()) {
        // Pools, upsampling and activations: channel c of the output is made from channel c only.
        g.per_channel = true;
        g.groups = g.in_channels;
        g.in_per_group = g.out_per_group = 1;
        g.summary = "Each of the " + ci + " channels is computed on its own: output channel c comes from input channel c.";
        return g;
    }
    g.groups = L.groups;
    g.in_per_group = g.in_channels / g.groups;
    g.out_per_group = g.out_channels / g.groups;
    const bool transposed = L.op == Op::ConvT;
    g.weight_dim0 = transposed ? g.in_channels : g.out_channels;
    g.weight_dim1 = transposed ? g.out_per_group : g.in_per_group;
    g.depthwise = g.groups > 1 && g.groups == g.in_channels;
    const std::string gs = std::to_string(g.groups), ipg = std::to_string(g.in_per_group),
                      opg = std::to_string(g.out_per_group);
    const std::string weight = "weight [" + std::to_string(g.weight_dim0) + ", " + std::to_string(g.weight_dim1) + ", k...]";
    if (g.groups == 1) {
        g.summary = "groups=1: every output channel reads " + (g.in_channels == 1 ? std::string("the one input channel")
                                                                                  : "all " + ci + " input channels") +
                    " (" + weight + ").";
    } else if (g.depthwise) {
        g.summary = "Depthwise (groups = in_channels = " + ci + "): each input channel has its own " + opg +
                    (g.out_per_group == 1 ? " filter" : " filters") + " and feeds only output channel" +
                    (g.out_per_group == 1 ? " c" : "s c*" + opg + " .. c*" + opg + "+" + std::to_string(g.out_per_group - 1)) +
                    " (" + weight + ").";
    } else {
        g.summary = "groups=" + gs + ": the " + ci + " inputs and " + co + " outputs split into " + gs +
                    " blocks; each block of " + opg + " output channel" + (g.out_per_group == 1 ? "" : "s") +
                    " reads only its own " + ipg + " input channel" + (g.in_per_group == 1 ? "" : "s") + " (" + weight + ").";
    }
    return g;
}

}  // namespace cp
