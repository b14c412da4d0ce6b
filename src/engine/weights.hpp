// Weight presets for conv / transposed-conv layers: seeded random (PyTorch's default init
// distribution), identity, box, gauss, sobel x/y, laplace, sharpen, bilinear; or explicit values.
#pragma once
#include <cstdint>

#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "engine/tensor.hpp"

namespace cp {

struct LayerWeights {
    Tensor weight;  // conv: [C_out, C_in/g, k...]; convT: [C_in, C_out/g, k...]
    Tensor bias;    // [C_out], empty when bias=0
};

// `info` must be a valid conv/convT layer. `seed` is the layer's resolved seed.
LayerWeights make_weights(const Layer& layer, const LayerInfo& info, uint32_t seed);

// The weight's shape make_weights gives: conv [C_out, C_in/g, k...], convT [C_in, C_out/g, k...].
Dims weight_shape(const Layer& layer, const LayerInfo& info);

// Whether make_weights gives layer `a` (its info, its resolved seed) the same weights as `b`: the
// same kind, channels, groups, kernel, bias and preset or values, and the seed when it is used.
// Lets a re-plan keep the weights of a layer whose other parameters (stride, padding, input
// size) changed, so an edit makes only the weights it changes.
bool same_weights(const Layer& a, const LayerInfo& ai, uint32_t a_seed, const Layer& b, const LayerInfo& bi,
                  uint32_t b_seed);

// The seed a layer's `rand` preset uses: its own, or the state's seed plus its index.
uint32_t layer_seed(const State& state, int index);

}  // namespace cp
