// The kernel registry: reference kernels wrapped as LayerKernels, and the dispatcher.
#include "kernels/registry.hpp"

#include <vector>

#include "kernels/reference.hpp"
#include "kernels/simd_kernels.hpp"

namespace cp {

namespace {

class RefKernel final : public LayerKernel {
public:
    explicit RefKernel(const KernelRequest& r) : L_(*r.layer), g_(make_geom(*r.layer, *r.info)), axes_(r.info->axes) {
        if (L_.has_weights()) {
            int64_t n = 1;
            for (int a = 0; a < r.info->axes; ++a) n *= r.info->axis[a].kernel;
            n *= L_.op == Op::ConvT ? g_.C_in * g_.cout_g() : g_.C_out * g_.cin_g();
            w_.assign(r.weight, r.weight + n);
            if (r.bias) b_.assign(r.bias, r.bias + g_.C_out);
        }
    }
    const char* name() const override {
        switch (L_.op) {
            case Op::Conv: return "ref::conv2d";
            case Op::ConvT: return "ref::conv_transpose2d";
            case Op::MaxPool: return "ref::max_pool2d";
            case Op::AvgPool: return "ref::avg_pool2d";
            case Op::Upsample: return L_.mode == UpMode::Nearest ? "ref::upsample_nearest" : "ref::upsample_linear";
            default: return "ref::activation";
        }
    }
    size_t packed_bytes() const override { return (w_.size() + b_.size()) * sizeof(float); }
    void run(const float* in, float* out, float*) const override {
        const float* b = b_.empty() ? nullptr : b_.data();
        switch (L_.op) {
            case Op::Conv: ref::conv2d(g_, in, w_.data(), b, out); break;
            case Op::ConvT: ref::conv_transpose2d(g_, in, w_.data(), b, out); break;
            case Op::MaxPool: ref::max_pool2d(g_, in, out); break;
            case Op::AvgPool: ref::avg_pool2d(g_, L_.count_include_pad, in, out); break;
            case Op::Upsample: {
                const UpsampleRule r = upsample_rule(L_, axes_, g_.C_in, g_.H, g_.W);
                if (L_.mode == UpMode::Nearest) ref::upsample_nearest(g_, r.scale_h, r.scale_w, r.channels_last, in, out);
                else ref::upsample_linear(g_, L_.align_corners == 1, r.scale_h, r.scale_w, in, out);
                break;
            }
            default: {
                const ref::Act act = L_.op == Op::ReLU        ? ref::Act::ReLU
                                     : L_.op == Op::LeakyReLU ? ref::Act::LeakyReLU
                                     : L_.op == Op::Sigmoid   ? ref::Act::Sigmoid
                                                              : ref::Act::Tanh;
                ref::activation(act, static_cast<float>(L_.negative_slope), g_.N * g_.C_in * g_.H * g_.W, in, out);
            }
        }
    }

private:
    Layer L_;
    Geom g_;
    int axes_;
    std::vector<float> w_, b_;
};

}  // namespace

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
            case Op::Upsample: break;  // gathers with no regular vector shape: the reference serves it
        }
    }
    auto k = std::make_unique<RefKernel>(req);
    k->set_note(req.reference_only ? "reference kernels requested"
                                   : "no SIMD kernel for upsampling: the reference kernel runs (memory-bound gather)");
    return k;
}

}  // namespace cp
