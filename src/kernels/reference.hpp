// Reference kernels: plain loops that are obviously correct, NCHW float32, batch >= 1.
// They are the oracle every fast kernel is tested against. Callers own the buffers (the
// transposed conv keeps a double accumulator of its own: it is an oracle, not a hot path).
#pragma once
#include <memory>

#include "kernels/geometry.hpp"
#include "kernels/registry.hpp"

namespace cp::ref {

// y[N, C_out, OH, OW] = conv(x[N, C_in, H, W], w[C_out, C_in/g, kh, kw]) + b
void conv2d(const Geom& g, const float* x, const float* w, const float* b, float* y);

// Transposed conv computed directly: every input cell scatters x * w into the output.
// w[C_in, C_out/g, kh, kw]
void conv_transpose2d(const Geom& g, const float* x, const float* w, const float* b, float* y);

void max_pool2d(const Geom& g, const float* x, float* y);
void avg_pool2d(const Geom& g, bool count_include_pad, const float* x, float* y);

// Upsampling as PyTorch's CPU kernels compute source indices (float scales).
// scale_h/scale_w: the scale_factor given (0 when a size was given).
// channels_last: ATen would take its channels-last kernel (a 4-d input with one channel or a
// 1x1 plane), whose index rule differs (see reference.cpp).
void upsample_nearest(const Geom& g, double scale_h, double scale_w, bool channels_last, const float* x, float* y);
void upsample_linear(const Geom& g, bool align_corners, double scale_h, double scale_w, const float* x, float* y);

// y = x[..., pt:pt+OH, pl:pl+OW] (a crop: g.pt, g.pl are minus the cells removed before).
void crop2d(const Geom& g, const float* x, float* y);

enum class Act { ReLU, LeakyReLU, Sigmoid, Tanh };
void activation(Act act, float slope, int64_t n, const float* x, float* y);

}  // namespace cp::ref

namespace cp {

// The reference kernel of any layer, as the registry hands it out (reference_only requests, and
// layers no SIMD kernel covers).
std::unique_ptr<LayerKernel> make_reference_kernel(const KernelRequest& req);

}  // namespace cp
