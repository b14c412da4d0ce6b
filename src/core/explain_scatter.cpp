// The scatter view of a transposed conv (see explain_scatter.hpp): PyTorch's definition of
// ConvTranspose, input cells stamping weighted kernels, written as plain loops.
#include "core/explain_scatter.hpp"

#include <algorithm>

#include "core/limits.hpp"  // sat_mul

namespace cp {

Result<Scatter> scatter_steps(const Layer& L, const LayerInfo& info, const float* input, const float* weight,
                              const float* bias, int64_t n, int64_t co, int64_t done) {
    if (!info.status.ok) return info.status;
    if (L.op != Op::ConvT) return Status::error("the scatter view is for transposed convolutions");
    if (!weight) return Status::error("the layer's weights are needed");
    const auto hw = as_hw(info.axes, info.axis, AxisInfo::unit());
    const AxisInfo &H = hw[0], &W = hw[1];
    const int64_t N = info.in[0], C_in = info.in[1], C_out = info.out[1], G = std::max<int64_t>(1, L.groups);
    if (n < 0 || n >= N || co < 0 || co >= C_out)
        return Status::error("no output channel " + std::to_string(co) + " of item " + std::to_string(n) + " in " + shape_text(info.out));
    const int64_t in_g = C_in / G, out_g = C_out / G, c_lo = (co / out_g) * in_g;
    Scatter s;
    s.out_h = H.out, s.out_w = W.out, s.k_h = H.kernel, s.k_w = W.kernel;
    s.stride_h = H.stride, s.stride_w = W.stride, s.dil_h = H.dilation, s.dil_w = W.dilation;
    const int64_t plane = H.in * W.in, taps = H.kernel * W.kernel;
    const int64_t products = sat_mul(sat_mul(in_g, plane), taps), cells = sat_mul(H.out, W.out);
    if (products > kScatterMaxProducts || cells > kScatterMaxCells)
        return Status::error("too large for the scatter view: " + std::to_string(in_g) + " input channels x " +
                                 std::to_string(plane) + " cells x " + std::to_string(taps) + " taps = " +
                                 std::to_string(products) + " multiply-adds per output channel, onto " +
                                 std::to_string(cells) + " output cells (it draws at most " +
                                 std::to_string(kScatterMaxProducts) + " and " + std::to_string(kScatterMaxCells) + ")",
                             "make the input or the kernel smaller; the zero-insertion view shows any size");
    s.steps = in_g * plane;
    s.done = std::clamp<int64_t>(done, 0, s.steps);
    s.acc.assign(size_t(s.out_h * s.out_w), 0.0f);
    // Accumulated in double, as the reference kernels do, and rounded once.
    std::vector<double> acc(s.acc.size(), 0.0);
    for (int64_t step = 0; step < s.done; ++step) {
        const int64_t ci = c_lo + step / plane, iy = (step % plane) / W.in, ix = step % W.in;
        const float x = input[(n * C_in + ci) * plane + iy * W.in + ix];
        const float* w = weight + (ci * out_g + co % out_g) * taps;
        const int64_t oy = iy * H.stride - H.pad_before, ox = ix * W.stride - W.pad_before;
        const bool last = step + 1 == s.done;
        if (last) {
            s.last.ci = ci, s.last.iy = iy, s.last.ix = ix, s.last.x = x, s.last.oy = oy, s.last.ox = ox;
            s.last.values.assign(size_t(taps), 0.0f);
        }
        for (int64_t ky = 0; ky < H.kernel; ++ky)
            for (int64_t kx = 0; kx < W.kernel; ++kx) {
                const float v = x * w[ky * W.kernel + kx];
                const int64_t y = oy + ky * H.dilation, xx = ox + kx * W.dilation;
                const bool inside = y >= 0 && y < s.out_h && xx >= 0 && xx < s.out_w;
                if (inside) acc[size_t(y * s.out_w + xx)] += double(v);
                if (last) {
                    s.last.values[size_t(ky * W.kernel + kx)] = v;
                    s.last.inside += inside;
                }
            }
    }
    if (bias) s.has_bias = true, s.bias = bias[co];
    for (size_t i = 0; i < acc.size(); ++i)
        s.acc[i] = float(acc[i] + (s.has_bias && s.done == s.steps ? double(s.bias) : 0.0));
    return s;
}

}  // namespace cp
