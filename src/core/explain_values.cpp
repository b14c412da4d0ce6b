// The numbers behind one output cell (see explain_values.hpp). Plain loops over one window: the
// same index arithmetic as the explain grid (explain.cpp), checked against the reference kernels
// by tests/engine/explain_values_test.cpp.
#include "core/explain_values.hpp"

#include "core/source_index.hpp"

#include <algorithm>
#include <limits>

namespace cp {

namespace {

// One spatial axis as a window sees it; a 1-d layer's H is a dummy of size 1.
struct Ax {
    int64_t in = 1, out = 1, k = 1, s = 1, d = 1;
    int64_t pb = 0, pa = 0;  // conv / pool: padding per side; transposed: the ring d*(k-1)-p per side
    int64_t zeros = 1;       // transposed: (in-1)*s+1
};

// Where tap `kk` (slide order) of output `o` lands: the grid cell, what it is, the input index.
struct Hit {
    int64_t g = 0, i = -1;
    int kind = 0;  // 0 input, 1 pad, 2 inserted, 3 extra (output_padding), 4 beyond the grid
};

void axes_of(const Layer& L, const LayerInfo& info, Ax ax[2]) {
    const auto hw = as_hw(info.axes, info.axis, AxisInfo::unit());
    for (int a = 0; a < 2; ++a) {
        const AxisInfo& x = hw[size_t(a)];
        Ax& v = ax[a];
        v.in = x.in, v.out = x.out, v.k = x.kernel, v.s = x.stride, v.d = x.dilation;
        if (L.op == Op::ConvT) {
            v.zeros = (x.in - 1) * x.stride + 1;
            v.pb = x.dilation * (x.kernel - 1) - x.pad_before;
            v.pa = x.dilation * (x.kernel - 1) - x.pad_after;
        } else {
            v.pb = x.pad_before, v.pa = x.pad_after;
        }
    }
}

// Grid cell g along one axis: what it is and the input index (conv: the padded index, mapped
// through padding_mode by the caller).
Hit at(const Ax& a, bool transposed, int64_t g) {
    Hit h;
    h.g = g;
    if (!transposed) {
        const int64_t i = h.g - a.pb;
        h.kind = (i >= 0 && i < a.in) ? 0 : (h.g >= a.in + a.pb + a.pa ? 4 : 1);
        h.i = i;  // the caller maps padding through padding_mode
        return h;
    }
    const int64_t z = h.g - a.pb;  // index in the zero-inserted grid
    if (z >= 0 && z < a.zeros) {
        h.kind = z % a.s == 0 ? 0 : 2;
        if (h.kind == 0) h.i = z / a.s;
    } else {
        h.kind = z >= a.zeros + std::max<int64_t>(0, a.pa) ? 3 : 1;
    }
    return h;
}

// Where slide tap `kk` of output `o` lands (conv: stride s; transposed: stride 1).
Hit hit(const Ax& a, bool transposed, int64_t o, int64_t kk) {
    return at(a, transposed, (transposed ? o : o * a.s) + kk * a.d);
}

Cell cell_of(int ky, int kx) {
    if (ky == 4 || kx == 4) return Cell::Beyond;
    if (ky == 3 || kx == 3) return Cell::Extra;
    if (ky == 1 || kx == 1) return Cell::Pad;
    if (ky == 2 || kx == 2) return Cell::Inserted;
    return Cell::Input;
}

// The input cell a grid cell reads: itself, a padding_mode copy (conv only), or none.
void source(const Layer& L, const Ax& H, const Ax& W, const Hit& hy, const Hit& hx, Cell c, int64_t& iy, int64_t& ix) {
    iy = ix = -1;
    if (c == Cell::Input) {
        iy = hy.i, ix = hx.i;
    } else if (c == Cell::Pad && L.op == Op::Conv) {
        iy = pad_source(hy.i + H.pb, H.pb, H.in, L.padding_mode, H.pa);
        ix = pad_source(hx.i + W.pb, W.pb, W.in, L.padding_mode, W.pa);
        if (iy < 0 || ix < 0) iy = ix = -1;
    }
}

}  // namespace

GridSource grid_source(const Layer& L, const LayerInfo& info, int64_t gy, int64_t gx) {
    Ax ax[2];
    axes_of(L, info, ax);
    const bool transposed = L.op == Op::ConvT;
    const Hit hy = at(ax[0], transposed, gy), hx = at(ax[1], transposed, gx);
    GridSource g;
    g.cell = cell_of(hy.kind, hx.kind);
    source(L, ax[0], ax[1], hy, hx, g.cell, g.iy, g.ix);
    return g;
}

Result<CellValues> cell_values(const Layer& L, const LayerInfo& info, const float* input, const float* weight,
                               const float* bias, int64_t n, int64_t co, int64_t oy, int64_t ox) {
    if (!info.status.ok) return info.status;
    if (!(L.has_weights() || L.is_pool())) return Status::error("this layer has no window: each output cell is one input cell");
    const bool transposed = L.op == Op::ConvT;
    Ax ax[2];
    axes_of(L, info, ax);
    const Ax &H = ax[0], &W = ax[1];
    const int64_t N = info.in[0], C_in = info.in[1], C_out = info.out[1];
    if (n < 0 || n >= N || co < 0 || co >= C_out || oy < 0 || oy >= H.out || ox < 0 || ox >= W.out)
        return Status::error("no output cell (" + std::to_string(n) + ", " + std::to_string(co) + ", " + std::to_string(oy) +
                             ", " + std::to_string(ox) + ") in " + shape_text(info.out));
    if (L.has_weights() && !weight) return Status::error("the layer's weights are needed");
    const int64_t plane = H.in * W.in;
    const float* x0 = input + n * C_in * plane;

    CellValues r;
    // Which input channels feed output channel co, and how each one's weight plane is found.
    int64_t c_lo = co, c_hi = co + 1;  // pools: channel to channel
    const int64_t G = L.has_weights() ? std::max<int64_t>(1, L.groups) : 1;
    if (L.has_weights()) {
        const int64_t in_g = C_in / G, out_g = C_out / G, grp = co / out_g;
        c_lo = grp * in_g, c_hi = c_lo + in_g;
    }
    auto w_at = [&](int64_t ci, int64_t ky, int64_t kx) -> float {
        const int64_t taps = H.k * W.k;
        if (!transposed) return weight[((co * (C_in / G) + (ci - c_lo)) * taps) + ky * W.k + kx];
        const int64_t out_g = C_out / G;
        return weight[((ci * out_g + co % out_g) * taps) + ky * W.k + kx];
    };

    // Average pooling divides by the window clipped to the padded input (count_include_pad) or
    // to the input itself, as PyTorch's avg_pool2d does.
    float inv_div = 1;
    if (L.op == Op::AvgPool) {
        auto clip = [](const Ax& a, int64_t o, int64_t& full, int64_t& inside) {
            const int64_t s0 = o * a.s - a.pb, e0 = std::min(s0 + a.k, a.in + a.pb);
            full = e0 - s0;
            inside = std::min(e0, a.in) - std::max<int64_t>(s0, 0);
        };
        int64_t fh, ih, fw, iw;
        clip(H, oy, fh, ih);
        clip(W, ox, fw, iw);
        inv_div = 1.0f / float(L.count_include_pad ? fh * fw : ih * iw);
    }

    double sum = 0;
    float best = -std::numeric_limits<float>::infinity();
    for (int64_t ci = c_lo; ci < c_hi; ++ci)
        for (int64_t kk_y = 0; kk_y < H.k; ++kk_y)
            for (int64_t kk_x = 0; kk_x < W.k; ++kk_x) {
                const Hit hy = hit(H, transposed, oy, kk_y), hx = hit(W, transposed, ox, kk_x);
                Tap t;
                t.ci = ci;
                // A transposed conv slides the flipped kernel: slide tap kk is weight tap k-1-kk.
                t.ky = transposed ? H.k - 1 - kk_y : kk_y;
                t.kx = transposed ? W.k - 1 - kk_x : kk_x;
                t.gy = hy.g, t.gx = hx.g;
                t.cell = cell_of(hy.kind, hx.kind);
                source(L, H, W, hy, hx, t.cell, t.iy, t.ix);
                if (t.iy >= 0) t.x = x0[ci * plane + t.iy * W.in + t.ix];
                if (L.has_weights()) t.w = w_at(ci, t.ky, t.kx);
                else if (L.op == Op::AvgPool) t.w = t.cell == Cell::Beyond ? 0.0f : inv_div;
                else t.w = 1;
                t.product = t.x * t.w;
                if (L.op == Op::MaxPool) {
                    if (t.cell == Cell::Input) best = std::max(best, t.x);  // padding is -inf: never picked
                } else {
                    sum += double(t.product);
                }
                r.taps.push_back(t);
            }
    if (L.op == Op::MaxPool) {
        r.reduce = CellValues::Max;
        r.value = best;
    } else {
        if (L.has_weights() && bias) r.has_bias = true, r.bias = bias[co], sum += double(r.bias);
        r.value = float(sum);
    }
    return r;
}

}  // namespace cp
