// The upsampling index rules of PyTorch 1.13's CPU kernels (see source_index.hpp).
#include "core/source_index.hpp"

#include <algorithm>
#include <cmath>

namespace cp {

namespace {

// ATen compute_scales_value<float>: 1/scale when a scale was given, else in/out.
float scale_value(double given, int64_t in, int64_t out) {
    return given > 0 ? static_cast<float>(1.0 / given) : static_cast<float>(in) / static_cast<float>(out);
}

}  // namespace

int64_t nearest_index(int64_t o, int64_t in, int64_t out, double given, bool shortcuts) {
    if (shortcuts && out == in) return o;
    if (shortcuts && out == 2 * in) return o >> 1;
    const float s = scale_value(given, in, out);
    return std::min(static_cast<int64_t>(std::floor(static_cast<float>(o) * s)), in - 1);
}

UpsampleTap linear_index(int64_t o, int64_t in, int64_t out, bool align_corners, double given) {
    if (out == in) return UpsampleTap{o, o, 1.0f, 0.0f};
    float scale;
    if (align_corners) scale = out > 1 ? static_cast<float>(in - 1) / static_cast<float>(out - 1) : 0.0f;
    else scale = scale_value(given, in, out);
    float src = align_corners ? scale * static_cast<float>(o)
                              : static_cast<float>(static_cast<double>(scale) * (static_cast<double>(o) + 0.5) - 0.5);
    if (!align_corners && src < 0) src = 0;
    UpsampleTap r;
    r.i0 = static_cast<int64_t>(src);
    r.i1 = r.i0 + (r.i0 < in - 1 ? 1 : 0);
    r.l1 = src - static_cast<float>(r.i0);
    r.l0 = 1.0f - r.l1;
    return r;
}

UpsampleRule upsample_rule(const Layer& L, int axes, int64_t C, int64_t H, int64_t W) {
    UpsampleRule r;
    // scales as PyTorch passes them: only when given as scale_factor
    r.scale_h = L.up_by_size || axes != 2 ? 0 : L.scale[0];
    r.scale_w = L.up_by_size ? 0 : (axes == 2 ? L.scale[1] : L.scale[0]);
    r.channels_last = axes == 2 && (C == 1 || H * W == 1);
    return r;
}

}  // namespace cp
