// The geometry a kernel needs, flattened from core's LayerInfo. Every op runs as 2-d: a 1-d layer
// is a 2-d one with height 1 (k=1, s=1, d=1, no padding along H), exactly as PyTorch runs it.
#pragma once
#include <cstdint>
#include <vector>

#include "core/layer.hpp"
#include "core/source_index.hpp"  // pad_source
#include "core/shapes.hpp"

namespace cp {

struct Geom {
    int64_t N = 1, C_in = 1, C_out = 1, groups = 1;
    int64_t H = 1, W = 1, OH = 1, OW = 1;
    int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
    int64_t pt = 0, pb = 0, pl = 0, pr = 0;  // padding per side (convT: what is cropped)
    int64_t oph = 0, opw = 0;                // output_padding (convT)
    PadMode mode = PadMode::Zeros;
    bool bias = false;

    int64_t cin_g() const { return C_in / groups; }
    int64_t cout_g() const { return C_out / groups; }
    int64_t in_plane() const { return H * W; }
    int64_t out_plane() const { return OH * OW; }
};

// Builds the kernel geometry of a valid layer (info.status.ok).
Geom make_geom(const Layer& layer, const LayerInfo& info);

// A transposed conv along one axis, split into its s sub-pixel phases: output q*s + r meets kernel
// tap k only when r + p - k*d is a multiple of s, and then reads input q + c, c = (r + p - k*d)/s.
// phase_taps lists those (k, c) of phase r in increasing k. Both transposed-conv SIMD kernels
// (sub-pixel and Winograd) are built on it.
struct PhaseTap {
    int64_t k, c;
};
std::vector<PhaseTap> phase_taps(int64_t r, int64_t K, int64_t s, int64_t d, int64_t p);

}  // namespace cp
