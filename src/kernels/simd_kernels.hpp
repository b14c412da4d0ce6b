// Factories of the SIMD128 kernels (the registry decides which serves a layer).
#pragma once
#include <memory>

#include "kernels/geometry.hpp"
#include "kernels/registry.hpp"

namespace cp {

// w and b in PyTorch's layout; b may be nullptr.
std::unique_ptr<LayerKernel> make_conv_simd(const Geom& g, const float* w, const float* b);
// 3x3 stride-1 convs (any dilation, padding mode, groups) by Winograd F(2x2, 3x3); the registry
// decides where it pays. nullptr when the weights or bias are not finite or too large for it.
std::unique_ptr<LayerKernel> make_conv_winograd(const Geom& g, const float* w, const float* b);
// The sub-pixel transposed conv; with `row_pairs`, where the shape allows them (stride 2 and
// kernel height 3 with dilation 1 along y, stride 2 along x, more than 4 inputs a group), pairs
// of phase rows of the 2-tap row phase take 3 row passes instead of 4 (Winograd F(2,2) along y).
std::unique_ptr<LayerKernel> make_convt_simd(const Geom& g, const float* w, const float* b, bool row_pairs = false);
bool convt_rowpairs_pays(const Geom& g);
// Winograd on the sub-pixel phases (F(3,2) along y, F(2,2) along x); nullptr unless d == 1 and
// k <= 2s on both axes, and the weights and bias are finite and small enough for it. The registry
// uses it where convt_winograd_pays() (measured against the sub-pixel kernel there).
std::unique_ptr<LayerKernel> make_convt_winograd(const Geom& g, const float* w, const float* b);
bool convt_winograd_pays(const Geom& g);
// groups == C_in (any channel multiplier)
std::unique_ptr<LayerKernel> make_depthwise_simd(const Geom& g, const float* w, const float* b);
std::unique_ptr<LayerKernel> make_pool_simd(const Geom& g, bool is_max, bool count_include_pad);
// n: elements of the whole tensor
std::unique_ptr<LayerKernel> make_activation_simd(Op op, float slope, int64_t n);

}  // namespace cp
