// Net: runs a state's layer stack on an input tensor, layer by layer, keeping every output.
// Shapes and validation come from core (net_info); kernels from the kernels library.
#pragma once
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/limits.hpp"
#include "core/shapes.hpp"
#include "core/status.hpp"
#include "engine/tensor.hpp"
#include "engine/weights.hpp"

namespace cp {

struct LayerRun {
    LayerInfo info;
    LayerWeights weights;  // conv / convT only
    Tensor output;         // empty when the layer did not run
    std::string kernel;       // which kernel computed it ("f32_conv2d_2x16__wasmsimd" in wasm, "...__simde" natively, "ref::...")
    std::string kernel_note;  // why a fallback kernel ran (empty on the fast path)
    int64_t bytes = 0;        // memory held for this layer (output, weights, packed weights, scratch)
    double ms = 0;
};

struct NetRun {
    NetInfo info;
    std::vector<LayerRun> layers;  // one per layer; those after an error have no output
    int64_t bytes = 0;             // memory held by outputs and weights
};

struct RunOptions {
    int64_t max_bytes = Limits::max_plan_bytes;  // refuse to plan a stack that needs more
    bool reference_only = false;           // the oracle kernels everywhere
};

// Plans and runs every valid layer once (engine/plan.hpp keeps a plan for many runs), copying
// each output out. An invalid layer stops the run (its status says why); the result is
// still returned so callers can show the layers before it. Errors: input shape does not match
// the state, or the stack needs more memory than allowed.
Result<NetRun> run_net(const State& state, const Tensor& input, const RunOptions& opt = {});

// One layer on one input with the reference kernel (info must be valid for this input).
Tensor run_layer(const Layer& layer, const LayerInfo& info, const LayerWeights& w, const Tensor& in,
                 std::string* kernel_name = nullptr);

// The transposed conv computed by the teaching recipe: insert s-1 zeros, pad d*(k-1)-p (crop
// when negative) plus output_padding at the end, then a stride-1 conv with the flipped kernel.
Tensor conv_transpose_by_recipe(const Layer& layer, const LayerInfo& info, const LayerWeights& w, const Tensor& in);

}  // namespace cp
