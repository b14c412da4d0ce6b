// make_geom: LayerInfo (core) -> Geom (kernels), 1-d mapped to 2-d with height 1; the sub-pixel
// phase taps of a transposed conv.
#include "kernels/geometry.hpp"

namespace cp {

Geom make_geom(const Layer& L, const LayerInfo& info) {
    Geom g;
    g.N = info.in[0];
    g.C_in = info.in[1];
    g.C_out = info.out[1];
    g.groups = L.has_weights() ? L.groups : 1;
    g.mode = L.has_weights() ? L.padding_mode : PadMode::Zeros;
    g.bias = L.has_weights() && L.bias;
    const auto [ah, aw] = as_hw(info.axes, info.axis, AxisInfo::unit());
    g.H = ah.in, g.W = aw.in;
    g.OH = ah.out, g.OW = aw.out;
    g.kh = ah.kernel, g.kw = aw.kernel;
    g.sh = ah.stride, g.sw = aw.stride;
    g.dh = ah.dilation, g.dw = aw.dilation;
    g.pt = ah.pad_before, g.pb = ah.pad_after;
    g.pl = aw.pad_before, g.pr = aw.pad_after;
    g.oph = ah.output_padding, g.opw = aw.output_padding;
    return g;
}

std::vector<PhaseTap> phase_taps(int64_t r, int64_t K, int64_t s, int64_t d, int64_t p) {
    std::vector<PhaseTap> taps;
    for (int64_t k = 0; k < K; ++k) {
        const int64_t num = r + p - k * d;
        if (((num % s) + s) % s != 0) continue;
        taps.push_back({k, num >= 0 ? num / s : -((-num) / s)});  // exact division
    }
    return taps;
}

}  // namespace cp
