// Built-in input images, drawn procedurally at any size so a state works with no upload:
// the pictures photo, checker, text, gradient, impulse, noise and the signals sine, square, chirp.
#pragma once
#include <string>

#include "core/layer.hpp"
#include "core/status.hpp"
#include "engine/tensor.hpp"

namespace cp {

// [N, C, H, W] (or [N, C, L]) with values in [0, 1]. C=1 is luminance, C=3 RGB; other channel
// counts cycle through R, G, B. Errors for img=upload (no pixels in a link).
Result<Tensor> make_sample(const State& state);
// The same into `t`, already allocated with the state's input shape (a plan's input).
Status draw_sample(const State& state, Tensor& t);

}  // namespace cp
