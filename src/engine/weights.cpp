// Weight presets (see weights.hpp). Spatial presets are applied "diagonally": output channel oc
// filters input channel (oc mod C_in/g) of its group, so a 3->3 sobel filters R, G and B apart.
#include "engine/weights.hpp"

#include <cmath>

#include "engine/rng.hpp"

namespace cp {

namespace {

// Binomial row of length n (n >= 1): 1, 1 1, 1 2 1, ...
std::vector<double> binomial(int64_t n) {
    std::vector<double> r{1.0};
    for (int64_t i = 1; i < n; ++i) {
        std::vector<double> next(r.size() + 1, 0.0);
        for (size_t j = 0; j < r.size(); ++j) next[j] += r[j], next[j + 1] += r[j];
        r = next;
    }
    return r;
}

// Derivative taps of length n: binomial(n-1) convolved with [-1, 1] (n=3: -1 0 1).
std::vector<double> derivative(int64_t n) {
    if (n < 2) return std::vector<double>(static_cast<size_t>(n), 0.0);
    auto b = binomial(n - 1);
    std::vector<double> r(static_cast<size_t>(n), 0.0);
    for (size_t j = 0; j < b.size(); ++j) r[j] -= b[j], r[j + 1] += b[j];
    return r;
}

// The spatial kernel (kh x kw, row-major) of a preset.
std::vector<double> spatial(Preset p, int64_t kh, int64_t kw, bool one_d) {
    std::vector<double> K(static_cast<size_t>(kh * kw), 0.0);
    auto at = [&](int64_t y, int64_t x) -> double& { return K[static_cast<size_t>(y * kw + x)]; };
    const int64_t cy = (kh - 1) / 2, cx = (kw - 1) / 2;
    switch (p) {
        case Preset::Rand: break;
        case Preset::Identity: at(cy, cx) = 1; break;
        case Preset::Box:
            for (auto& v : K) v = 1.0 / static_cast<double>(kh * kw);
            break;
        case Preset::Gauss: {
            // sigma as OpenCV picks it for a size-k kernel
            auto sig = [](int64_t k) { return 0.3 * ((k - 1) * 0.5 - 1) + 0.8; };
            double sum = 0;
            for (int64_t y = 0; y < kh; ++y)
                for (int64_t x = 0; x < kw; ++x) {
                    const double dy = (y - (kh - 1) / 2.0) / sig(kh), dx = (x - (kw - 1) / 2.0) / sig(kw);
                    sum += at(y, x) = std::exp(-0.5 * ((kh > 1 ? dy * dy : 0) + (kw > 1 ? dx * dx : 0)));
                }
            for (auto& v : K) v /= sum;
            break;
        }
        case Preset::SobelX:
        case Preset::SobelY: {
            const bool x_dir = p == Preset::SobelX || one_d;
            auto d = derivative(x_dir ? kw : kh);
            auto s = binomial(x_dir ? kh : kw);
            for (int64_t y = 0; y < kh; ++y)
                for (int64_t x = 0; x < kw; ++x) at(y, x) = x_dir ? s[y] * d[x] : d[y] * s[x];
            break;
        }
        case Preset::Laplace:
        case Preset::Sharpen: {
            // 4-neighbour Laplacian at the centre; sharpen = identity - laplace
            double n = 0;
            const int64_t nb[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
            for (auto& o : nb) {
                const int64_t y = cy + o[0], x = cx + o[1];
                if (y >= 0 && y < kh && x >= 0 && x < kw) at(y, x) = 1, n += 1;
            }
            at(cy, cx) = -n;
            if (p == Preset::Sharpen) {
                for (auto& v : K) v = -v;
                at(cy, cx) += 1;
            }
            break;
        }
        case Preset::Bilinear: {
            // The bilinear-interpolation kernel a stride-f transposed conv upsamples with.
            auto tri = [](int64_t k) {
                const int64_t f = (k + 1) / 2;
                const double c = k % 2 == 1 ? f - 1 : f - 0.5;
                std::vector<double> r(static_cast<size_t>(k));
                for (int64_t i = 0; i < k; ++i) r[i] = 1.0 - std::fabs(i - c) / f;
                return r;
            };
            auto ty = tri(kh), tx = tri(kw);
            for (int64_t y = 0; y < kh; ++y)
                for (int64_t x = 0; x < kw; ++x) at(y, x) = ty[y] * tx[x];
            break;
        }
    }
    return K;
}

}  // namespace

uint32_t layer_seed(const State& state, int index) {
    const Layer& L = state.net[static_cast<size_t>(index)];
    return L.seed ? *L.seed : state.seed + static_cast<uint32_t>(index);
}

Dims weight_shape(const Layer& L, const LayerInfo& info) {
    const int64_t c_in = info.in[1], c_out = info.out[1], g = L.groups;
    Dims wshape = L.op == Op::ConvT ? Dims{c_in, c_out / g} : Dims{c_out, c_in / g};
    for (int a = 0; a < info.axes; ++a) wshape.push_back(info.axis[a].kernel);
    return wshape;
}

bool same_weights(const Layer& a, const LayerInfo& ai, uint32_t a_seed, const Layer& b, const LayerInfo& bi,
                  uint32_t b_seed) {
    if (a.op != b.op || a.groups != b.groups || a.bias != b.bias || ai.in[1] != bi.in[1] || ai.out[1] != bi.out[1] ||
        weight_shape(a, ai) != weight_shape(b, bi) || a.weight_values != b.weight_values ||
        a.bias_values != b.bias_values)
        return false;
    if (!a.weight_values.empty()) return true;  // the values; a bias not given stays zero
    if (a.preset != b.preset) return false;
    return a.preset != Preset::Rand || a_seed == b_seed;
}

LayerWeights make_weights(const Layer& L, const LayerInfo& info, uint32_t seed) {
    const bool transposed = L.op == Op::ConvT;
    const int64_t c_in = info.in[1], c_out = info.out[1], g = L.groups;
    const Dims wshape = weight_shape(L, info);
    int64_t kh = 1, kw = 1;
    if (info.axes == 2) kh = info.axis[0].kernel, kw = info.axis[1].kernel;
    else kw = info.axis[0].kernel;
    LayerWeights lw;
    lw.weight = Tensor(wshape);
    if (L.bias) lw.bias = Tensor(Dims{c_out});
    const int64_t kvol = kh * kw;

    if (!L.weight_values.empty()) {
        lw.weight.data.assign(L.weight_values.begin(), L.weight_values.end());
    } else if (L.preset == Preset::Rand) {
        // kaiming_uniform_(a=sqrt(5)) gives bound 1/sqrt(fan_in); fan_in = weight.size(1) * kvol.
        const double fan_in = static_cast<double>(wshape[1] * kvol);
        const float bound = fan_in > 0 ? static_cast<float>(1.0 / std::sqrt(fan_in)) : 0.0f;
        Rng rng(seed);
        for (auto& v : lw.weight.data) v = rng.uniform(-bound, bound);
        if (L.bias)
            for (auto& v : lw.bias.data) v = rng.uniform(-bound, bound);
    } else {
        const auto K = spatial(L.preset, kh, kw, info.axes == 1);
        // weight[a, b, ...]: conv a = oc, b = ic within the group; convT a = ic, b = oc within it.
        for (int64_t a = 0; a < wshape[0]; ++a)
            for (int64_t b = 0; b < wshape[1]; ++b) {
                int64_t oc_local, ic_local;
                if (transposed) ic_local = a % (c_in / g), oc_local = b;
                else oc_local = a % (c_out / g), ic_local = b;
                const int64_t per_group_in = c_in / g;
                if (oc_local % per_group_in != ic_local) continue;  // diagonal
                float* w = lw.weight.ptr() + (a * wshape[1] + b) * kvol;
                for (int64_t i = 0; i < kvol; ++i) w[i] = static_cast<float>(K[static_cast<size_t>(i)]);
            }
    }
    if (L.bias && !L.bias_values.empty()) lw.bias.data.assign(L.bias_values.begin(), L.bias_values.end());
    return lw;
}

}  // namespace cp
