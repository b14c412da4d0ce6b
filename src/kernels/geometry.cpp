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
    const int h = info.axes == 2 ? 0 : -1;  // axis index of H, -1 when 1-d
    const int w = info.axes == 2 ? 1 : 0;
    const AxisInfo one{};
    const AxisInfo& ah = h >= 0 ? info.axis[h] : one;
    const AxisInfo& aw = info.axis[w];
    g.H = h >= 0 ? ah.in : 1;
    g.OH = h >= 0 ? ah.out : 1;
    g.W = aw.in, g.OW = aw.out;
    g.kh = h >= 0 ? ah.kernel : 1, g.kw = aw.kernel;
    g.sh = h >= 0 ? ah.stride : 1, g.sw = aw.stride;
    g.dh = h >= 0 ? ah.dilation : 1, g.dw = aw.dilation;
    g.pt = h >= 0 ? ah.pad_before : 0, g.pb = h >= 0 ? ah.pad_after : 0;
    g.pl = aw.pad_before, g.pr = aw.pad_after;
    g.oph = h >= 0 ? ah.output_padding : 0, g.opw = aw.output_padding;
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
