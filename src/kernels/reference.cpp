// Reference kernels (see reference.hpp). Accumulate in double: the oracle should be the most
// accurate thing in the room.
#include "kernels/reference.hpp"

#include "core/source_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace cp::ref {

void conv2d(const Geom& g, const float* x, const float* w, const float* b, float* y) {
    const int64_t cin_g = g.cin_g(), cout_g = g.cout_g();
    for (int64_t n = 0; n < g.N; ++n)
        for (int64_t oc = 0; oc < g.C_out; ++oc) {
            const int64_t grp = oc / cout_g;
            float* yp = y + (n * g.C_out + oc) * g.out_plane();
            for (int64_t oy = 0; oy < g.OH; ++oy)
                for (int64_t ox = 0; ox < g.OW; ++ox) {
                    double acc = g.bias ? b[oc] : 0.0;
                    for (int64_t icl = 0; icl < cin_g; ++icl) {
                        const int64_t ic = grp * cin_g + icl;
                        const float* xp = x + (n * g.C_in + ic) * g.in_plane();
                        const float* wp = w + (oc * cin_g + icl) * g.kh * g.kw;
                        for (int64_t ky = 0; ky < g.kh; ++ky) {
                            // padded row oy*sh + ky*dh reads input row iy (or a zero)
                            const int64_t iy = pad_source(oy * g.sh + ky * g.dh, g.pt, g.H, g.mode, g.pb);
                            if (iy < 0) continue;
                            for (int64_t kx = 0; kx < g.kw; ++kx) {
                                const int64_t ix = pad_source(ox * g.sw + kx * g.dw, g.pl, g.W, g.mode, g.pr);
                                if (ix < 0) continue;
                                acc += double(xp[iy * g.W + ix]) * wp[ky * g.kw + kx];
                            }
                        }
                    }
                    yp[oy * g.OW + ox] = static_cast<float>(acc);
                }
        }
}

void conv_transpose2d(const Geom& g, const float* x, const float* w, const float* b, float* y) {
    const int64_t cin_g = g.cin_g(), cout_g = g.cout_g();
    const int64_t total = g.N * g.C_out * g.out_plane();
    std::vector<double> acc(static_cast<size_t>(total), 0.0);  // oracle only: clarity over speed
    for (int64_t n = 0; n < g.N; ++n)
        for (int64_t ic = 0; ic < g.C_in; ++ic) {
            const int64_t grp = ic / cin_g;
            const float* xp = x + (n * g.C_in + ic) * g.in_plane();
            for (int64_t ocl = 0; ocl < cout_g; ++ocl) {
                const int64_t oc = grp * cout_g + ocl;
                const float* wp = w + (ic * cout_g + ocl) * g.kh * g.kw;
                double* ap = acc.data() + (n * g.C_out + oc) * g.out_plane();
                for (int64_t iy = 0; iy < g.H; ++iy)
                    for (int64_t ix = 0; ix < g.W; ++ix) {
                        const double v = xp[iy * g.W + ix];
                        for (int64_t ky = 0; ky < g.kh; ++ky) {
                            // input row iy lands on output row iy*sh + ky*dh, shifted up by the crop pt
                            const int64_t oy = iy * g.sh + ky * g.dh - g.pt;
                            if (oy < 0 || oy >= g.OH) continue;
                            for (int64_t kx = 0; kx < g.kw; ++kx) {
                                const int64_t ox = ix * g.sw + kx * g.dw - g.pl;
                                if (ox < 0 || ox >= g.OW) continue;
                                ap[oy * g.OW + ox] += v * wp[ky * g.kw + kx];
                            }
                        }
                    }
            }
        }
    for (int64_t n = 0; n < g.N; ++n)
        for (int64_t oc = 0; oc < g.C_out; ++oc)
            for (int64_t i = 0; i < g.out_plane(); ++i) {
                const int64_t at = (n * g.C_out + oc) * g.out_plane() + i;
                y[at] = static_cast<float>(acc[at] + (g.bias ? b[oc] : 0.0));
            }
}

void max_pool2d(const Geom& g, const float* x, float* y) {
    for (int64_t nc = 0; nc < g.N * g.C_in; ++nc) {
        const float* xp = x + nc * g.in_plane();
        float* yp = y + nc * g.out_plane();
        for (int64_t oy = 0; oy < g.OH; ++oy)
            for (int64_t ox = 0; ox < g.OW; ++ox) {
                float best = -std::numeric_limits<float>::infinity();
                for (int64_t ky = 0; ky < g.kh; ++ky) {
                    const int64_t iy = oy * g.sh - g.pt + ky * g.dh;
                    if (iy < 0 || iy >= g.H) continue;
                    for (int64_t kx = 0; kx < g.kw; ++kx) {
                        const int64_t ix = ox * g.sw - g.pl + kx * g.dw;
                        if (ix < 0 || ix >= g.W) continue;
                        const float v = xp[iy * g.W + ix];
                        if (v > best || std::isnan(v)) best = v;  // PyTorch propagates NaN
                    }
                }
                yp[oy * g.OW + ox] = best;
            }
    }
}

void avg_pool2d(const Geom& g, bool count_include_pad, const float* x, float* y) {
    for (int64_t nc = 0; nc < g.N * g.C_in; ++nc) {
        const float* xp = x + nc * g.in_plane();
        float* yp = y + nc * g.out_plane();
        for (int64_t oy = 0; oy < g.OH; ++oy)
            for (int64_t ox = 0; ox < g.OW; ++ox) {
                // As ATen: the window is clipped to the padded input for the divisor, then to the
                // input for the sum.
                int64_t y0 = oy * g.sh - g.pt, x0 = ox * g.sw - g.pl;
                int64_t y1 = std::min(y0 + g.kh, g.H + g.pt), x1 = std::min(x0 + g.kw, g.W + g.pl);
                const int64_t pool_size = (y1 - y0) * (x1 - x0);
                y0 = std::max<int64_t>(y0, 0), x0 = std::max<int64_t>(x0, 0);
                y1 = std::min(y1, g.H), x1 = std::min(x1, g.W);
                double sum = 0;
                for (int64_t iy = y0; iy < y1; ++iy)
                    for (int64_t ix = x0; ix < x1; ++ix) sum += xp[iy * g.W + ix];
                const int64_t div = count_include_pad ? pool_size : (y1 - y0) * (x1 - x0);
                yp[oy * g.OW + ox] = div > 0 ? static_cast<float>(sum / div) : 0.0f;
            }
    }
}


void upsample_nearest(const Geom& g, double scale_h, double scale_w, bool channels_last, const float* x, float* y) {
    for (int64_t nc = 0; nc < g.N * g.C_in; ++nc) {
        const float* xp = x + nc * g.in_plane();
        float* yp = y + nc * g.out_plane();
        for (int64_t oy = 0; oy < g.OH; ++oy) {
            const int64_t iy = nearest_index(oy, g.H, g.OH, scale_h, channels_last);
            for (int64_t ox = 0; ox < g.OW; ++ox)
                yp[oy * g.OW + ox] = xp[iy * g.W + nearest_index(ox, g.W, g.OW, scale_w, channels_last)];
        }
    }
}

void upsample_linear(const Geom& g, bool align_corners, double scale_h, double scale_w, const float* x, float* y) {
    for (int64_t nc = 0; nc < g.N * g.C_in; ++nc) {
        const float* xp = x + nc * g.in_plane();
        float* yp = y + nc * g.out_plane();
        for (int64_t oy = 0; oy < g.OH; ++oy) {
            const UpsampleTap ly = linear_index(oy, g.H, g.OH, align_corners, scale_h);
            for (int64_t ox = 0; ox < g.OW; ++ox) {
                const UpsampleTap lx = linear_index(ox, g.W, g.OW, align_corners, scale_w);
                const float top = lx.l0 * xp[ly.i0 * g.W + lx.i0] + lx.l1 * xp[ly.i0 * g.W + lx.i1];
                const float bot = lx.l0 * xp[ly.i1 * g.W + lx.i0] + lx.l1 * xp[ly.i1 * g.W + lx.i1];
                yp[oy * g.OW + ox] = ly.l0 * top + ly.l1 * bot;
            }
        }
    }
}

void crop2d(const Geom& g, const float* x, float* y) {
    for (int64_t nc = 0; nc < g.N * g.C_in; ++nc)
        for (int64_t oy = 0; oy < g.OH; ++oy)
            for (int64_t ox = 0; ox < g.OW; ++ox)
                y[(nc * g.OH + oy) * g.OW + ox] = x[(nc * g.H + oy - g.pt) * g.W + ox - g.pl];
}

void activation(Act act, float slope, int64_t n, const float* x, float* y) {
    for (int64_t i = 0; i < n; ++i) {
        const float v = x[i];
        switch (act) {
            case Act::ReLU: y[i] = v < 0 ? 0.0f : v; break;  // as torch.relu: NaN stays NaN
            case Act::LeakyReLU: y[i] = v > 0 ? v : v * slope; break;
            case Act::Sigmoid: y[i] = static_cast<float>(1.0 / (1.0 + std::exp(-double(v)))); break;
            case Act::Tanh: y[i] = std::tanh(v); break;
        }
    }
}

}  // namespace cp::ref

namespace cp {

namespace {

// Every op's reference kernel as a LayerKernel: a new layer type adds its case here (and nowhere
// else in src/kernels).
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
            case Op::Crop: return "ref::crop2d";
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
            case Op::Crop: ref::crop2d(g_, in, out); break;
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

std::unique_ptr<LayerKernel> make_reference_kernel(const KernelRequest& req) { return std::make_unique<RefKernel>(req); }

}  // namespace cp
