// Shape arithmetic and validation, exactly as PyTorch 1.13 computes and checks them: for each
// layer, the output shape, the resolved padding, the formula with the numbers filled in, MACs,
// the coverage gap, warnings, or PyTorch's own error message.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/status.hpp"

namespace cp {

using Dims = std::vector<int64_t>;  // a full tensor shape: N, C, spatial...

// The geometry of one spatial axis of one layer, after every padding word is resolved.
struct AxisInfo {
    int64_t in = 0, out = 0;
    int64_t kernel = 1, stride = 1, dilation = 1, output_padding = 0;
    int64_t eff_kernel = 1;  // d*(k-1)+1
    // Padding per side as the kernels apply it (conv: may be negative = crop, only with a
    // non-zeros padding_mode, as PyTorch's F.pad does; convT: the p that is cropped).
    int64_t pad_before = 0, pad_after = 0;
    // Conv/pool: padded-input cells at the end that no window reaches ("a" in Dumoulin & Visin),
    // and how many of those are real input cells rather than padding.
    int64_t gap = 0, gap_input = 0;
    std::string formula;  // "H: floor((64 + 1 + 1 - 3) / 2) + 1 = floor(63 / 2) + 1 = 32"

    // The H axis of a 1-d layer run as 2-d (see as_hw): one cell in, one out, a 1-tap kernel.
    static AxisInfo unit() {
        AxisInfo a;
        a.in = a.out = 1;
        return a;
    }
};

struct LayerInfo {
    int index = 0;     // 0-based position in the net
    std::string name;  // "conv2d"
    Dims in, out;      // full shapes
    int axes = 0;      // spatial axes used in `axis`
    std::array<AxisInfo, kMaxAxes> axis{};
    int64_t in_channels = 0, out_channels = 0;
    int64_t params = 0;  // weights + bias
    int64_t macs = 0;    // multiply-accumulates (conv/convT, batch included; no zero-multiplies)
    std::string formula_general;  // the symbolic formula of this op
    std::vector<std::string> warnings;
    Status status;  // not ok: the error PyTorch raises at this layer
};

struct NetInfo {
    Dims input;
    std::vector<LayerInfo> layers;  // one per layer; after the first error, status says "not computed"
    int first_error = -1;           // index of the first failing layer, -1 if none
    bool ok() const { return first_error < 0; }
};

// TensorFlow's 'SAME' padding of one axis: out = ceil(in / s), total = max(0, (out - 1)*s +
// eff_kernel - in), the odd cell after (p=tfsame; also what padding_note.hpp compares against).
struct SidePads {
    int64_t before = 0, after = 0;
};
SidePads tf_same_pads(int64_t in, int64_t stride, int64_t eff_kernel);

// Output shape and geometry of one layer for an input of shape `in` (N, C, spatial...).
LayerInfo layer_info(const Layer& layer, const Dims& in, int index);

// Every layer of a state, in order; stops computing at the first error.
NetInfo net_info(const State& state);

// The input shape a state describes: N, C, spatial...
Dims input_dims(const State& state);

// "[1, 3, 64, 64]" as PyTorch prints sizes; "1x3x64x64" as convplay prints them.
std::string torch_sizes(const Dims& d);
std::string shape_text(const Dims& d);

}  // namespace cp
