// The kernel registry: which kernel serves which layer (a SIMD kernel where one covers it, else
// the reference kernel, kernels/reference.cpp).
#include "kernels/registry.hpp"

#include <algorithm>

#include "kernels/reference.hpp"
#include "kernels/simd_kernels.hpp"

namespace cp {

namespace {

// Dense 3x3 stride-1 convs (any dilation, padding mode, groups) run Winograd F(2x2, 3x3)
// (conv_winograd.cpp: 16 products per 2x2 outputs and channel pair instead of 36) where the
// products it saves, which grow with cin*cout per group, outweigh its transforms, which grow with
// cin + cout. Measured in Node (bench/ab.mjs, direct against Winograd alternating, 128x128, load
// 4-5; B/A = Winograd / direct, min and median of both call orders): 3->16 1.38-3.05, 4->4 1.40-1.54,
// 4->8 1.18-1.23, 8->4 1.15-1.34, 6->6 1.14-1.25, 16->3 1.22-1.31, 8->8 0.99-1.07 (break-even),
// 8->16 0.92-1.00, 16->8 0.87-0.91, 12->12 0.65-0.97; 16->16 at 256x256 0.84-0.95, 32->32 d2 at
// 128x128 0.69-0.75, 64->64 at 64x64 0.52-0.65. The rule cin*cout >= 5*(cin + cout) takes 8->16
// and above and leaves 8->8 and below (and 3-channel inputs) on the direct kernel.
// A dilated conv costs more around the GEMMs (2d column phases copied one value at a time, d
// residue classes interleaved), so it needs more channels (same A/B, 128x128, load 1.5): d=2
// 8->16 1.08-1.09, 16->8 1.12-1.46, 12->12 1.07-1.11, 16->16 0.93-0.95, 24->24 0.76-0.79, 16->32
// 0.76-0.88; d=3 16->16 1.31-1.43, 32->32 0.83-1.08. The factor 5 becomes 7*(d - 1) for d >= 2
// (d the larger of the two dilations).
bool winograd_pays(const Geom& g) {
    const int64_t ci = g.cin_g(), co = g.cout_g(), d = std::max(g.dh, g.dw);
    const int64_t factor = d == 1 ? 5 : 7 * (d - 1);
    return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && ci * co >= factor * (ci + co);
}

}  // namespace

std::unique_ptr<LayerKernel> select_kernel(const KernelRequest& req) {
    if (!req.reference_only) {
        const Geom g = make_geom(*req.layer, *req.info);
        switch (req.layer->op) {
            case Op::Conv:
                if (g.groups == g.C_in && g.groups > 1) return make_depthwise_simd(g, req.weight, req.bias);
                if (winograd_pays(g))
                    if (auto k = make_conv_winograd(g, req.weight, req.bias)) return k;
                return make_conv_simd(g, req.weight, req.bias);
            case Op::ConvT:
                if (convt_winograd_pays(g))
                    if (auto k = make_convt_winograd(g, req.weight, req.bias)) return k;
                return make_convt_simd(g, req.weight, req.bias, convt_rowpairs_pays(g));
            case Op::MaxPool:
            case Op::AvgPool: return make_pool_simd(g, req.layer->op == Op::MaxPool, req.layer->count_include_pad);
            case Op::ReLU:
            case Op::LeakyReLU:
            case Op::Sigmoid:
            case Op::Tanh:
                return make_activation_simd(req.layer->op, float(req.layer->negative_slope), g.N * g.C_in * g.H * g.W);
            default: break;  // upsample (gathers with no regular vector shape), crop (a copy) and any op without one yet
        }
    }
    auto k = make_reference_kernel(req);
    k->set_note(req.reference_only                   ? "reference kernels requested"
                : req.layer->op == Op::Upsample      ? "no SIMD kernel for upsampling: the reference kernel runs (memory-bound gather)"
                : req.layer->op == Op::Crop          ? "a crop is a copy: the reference kernel runs"
                                                     : "no SIMD kernel for this layer type: the reference kernel runs");
    return k;
}

}  // namespace cp
