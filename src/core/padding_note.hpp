// The note the playground and the CLI show when a conv uses padding='same' or TensorFlow's
// 'SAME' (p=same / p=tfsame): how PyTorch and TensorFlow/Keras pad this layer, with its numbers,
// and where they differ (PyTorch refuses 'same' with a stride; TensorFlow's padding depends on
// the input size and puts the odd cell after; a symmetric PyTorch padding of the same size
// shifts the windows).
#pragma once
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/shapes.hpp"

namespace cp {

// One line per spatial axis and a closing line; empty unless L is a valid conv with p=same or p=tfsame.
std::vector<std::string> same_padding_note(const Layer& L, const LayerInfo& info);

}  // namespace cp
