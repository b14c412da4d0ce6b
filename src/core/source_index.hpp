// Which input cell an output cell reads along one axis, as PyTorch 1.13's CPU kernels compute it:
// padding_mode's source of a padded cell, and the source indices of nearest and linear
// upsampling. One place for the kernels, the explain views and the receptive field
// (receptive_field.hpp), so the picture and the run can never disagree.
#pragma once
#include <cstdint>

#include "core/layer.hpp"

namespace cp {

// Where padded coordinate j (0 <= j < size + before + after) reads from the input along one axis,
// or -1 for a zero. Handles reflect / replicate / circular and negative padding (a crop). As
// ATen's _pad_circular, circular padding crops first and then wraps around what is left.
inline int64_t pad_source(int64_t j, int64_t before, int64_t size, PadMode mode, int64_t after = 0) {
    int64_t i = j - before;
    if (i >= 0 && i < size) return i;
    switch (mode) {
        case PadMode::Zeros: return -1;
        case PadMode::Reflect: return i < 0 ? -i : 2 * (size - 1) - i;
        case PadMode::Replicate: return i < 0 ? 0 : size - 1;
        case PadMode::Circular: {
            const int64_t lo = before < 0 ? -before : 0, hi = size - (after < 0 ? -after : 0);
            const int64_t m = hi - lo;
            return m > 0 ? lo + (((i - lo) % m) + m) % m : -1;
        }
    }
    return -1;
}

// ATen 1.13 has two nearest index rules. Its channels-last kernel (taken for a 4-d input that is
// also channels-last contiguous: one channel, or a 1x1 plane) copies when out == in and halves
// when out == 2*in (`shortcuts`); every other input goes through the generic kernel
// (HelperInterpNearest), which always computes floor(o * scale) in float.
int64_t nearest_index(int64_t o, int64_t in, int64_t out, double given, bool shortcuts);

// A linearly interpolated output cell: l0 * x[i0] + l1 * x[i1].
struct UpsampleTap {
    int64_t i0, i1;
    float l0, l1;
};
// ATen compute_source_index_and_lambda: an axis whose size does not change is copied (whatever
// the scale given); else area_pixel_compute_scale / area_pixel_compute_source_index (non-cubic),
// where `scale * (o + 0.5) - 0.5` is evaluated in double and rounded to float.
UpsampleTap linear_index(int64_t o, int64_t in, int64_t out, bool align_corners, double given);

// What an upsample layer passes to the index rules above, for an input [N, C, H, W] (a 1-d
// layer: H = 1): the scale_factor given per axis (0 when a size was given: PyTorch then passes
// none) and whether ATen takes its channels-last nearest kernel.
struct UpsampleRule {
    double scale_h = 0, scale_w = 0;
    bool channels_last = false;
};
UpsampleRule upsample_rule(const Layer& L, int axes, int64_t C, int64_t H, int64_t W);

}  // namespace cp
