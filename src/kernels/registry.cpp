// The kernel registry: which kernel serves which layer (a SIMD kernel where one covers it, else
// the reference kernel, kernels/reference.cpp).
#include "kernels/registry.hpp"

#include "kernels/reference.hpp"
#include "kernels/simd_kernels.hpp"

namespace cp {

std::unique_ptr<LayerKernel> select_kernel(const KernelRequest& req) {
    if (!req.reference_only) {
        const Geom g = make_geom(*req.layer, *req.info);
        switch (req.layer->op) {
            case Op::Conv:
                if (g.groups == g.C_in && g.groups > 1) return make_depthwise_simd(g, req.weight, req.bias);
                return make_conv_simd(g, req.weight, req.bias);
            case Op::ConvT:
                if (auto k = make_convt_winograd(g, req.weight, req.bias)) return k;
                return make_convt_simd(g, req.weight, req.bias);
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
