// The odd-size solver (see solver.hpp).
#include "core/solver.hpp"

#include <algorithm>

#include "core/codec.hpp"

namespace cp {

AxisFix solve_axis(const Layer& L, int a, int64_t in, int64_t target) {
    AxisFix f;
    const int64_t s = L.stride[a], d = L.dilation[a], ke = d * (L.kernel[a] - 1) + 1;
    const int64_t p = L.pad[2 * a];
    // out = (in-1)*s - 2p + ke + op; op is allowed when op < s or op < d (PyTorch's rule)
    const int64_t op = target - ((in - 1) * s - 2 * p + ke);
    const int64_t op_limit = std::max(s, d);
    if (op >= 0 && op < op_limit) {
        f.output_padding = op;
        f.by_output_padding = true;
        return f;
    }
    for (int64_t o = 0; o < op_limit; ++o) {
        const int64_t twice_p = (in - 1) * s + ke + o - target;
        if (twice_p >= 0 && twice_p % 2 == 0) {
            f.padding = twice_p / 2;
            f.padding_op = o;
            return f;
        }
    }
    return f;
}

namespace {

bool downsamples(const Layer& L, const LayerInfo& info) {
    if (!(L.op == Op::Conv || L.is_pool())) return false;
    for (int a = 0; a < info.axes; ++a)
        if (info.axis[a].out < info.axis[a].in) return true;
    return false;
}

bool upsamples(const Layer& L, const LayerInfo& info) {
    if (!(L.op == Op::ConvT || L.op == Op::Upsample)) return false;
    for (int a = 0; a < info.axes; ++a)
        if (info.axis[a].out > info.axis[a].in) return true;
    return false;
}

Dims spatial(const Dims& d) { return Dims(d.begin() + 2, d.end()); }

}  // namespace

SolveReport solve_net(const State& state) {
    SolveReport r;
    r.fixed = state;
    // Walk the (progressively fixed) stack; each fix changes every size after it.
    std::vector<int> downs;  // encoder layers awaiting their decoder
    for (size_t i = 0; i < r.fixed.net.size(); ++i) {
        NetInfo info = net_info(r.fixed);
        const LayerInfo& li = info.layers[i];
        if (!li.status.ok) break;
        Layer& L = r.fixed.net[i];
        if (downsamples(L, li)) {
            downs.push_back(static_cast<int>(i));
            continue;
        }
        if (!upsamples(L, li) || downs.empty()) continue;
        const int down = downs.back();
        downs.pop_back();
        const Dims want = spatial(info.layers[size_t(down)].in), got = spatial(li.out);
        r.pairs.push_back({down, static_cast<int>(i), -1});
        if (want.size() != got.size() || want == got) continue;
        r.pairs.back().mismatch = static_cast<int>(r.mismatches.size());

        Mismatch m;
        m.up_layer = static_cast<int>(i);
        m.down_layer = down;
        m.got = got, m.want = want;
        Layer fixed = L;
        bool ok = true;
        if (L.op == Op::ConvT) {
            for (int a = 0; a < li.axes && ok; ++a) {
                AxisFix f = solve_axis(L, a, li.axis[a].in, want[size_t(a)]);
                if (f.by_output_padding) {
                    fixed.output_padding[a] = f.output_padding;
                } else if (f.padding >= 0) {
                    fixed.pad[2 * a] = fixed.pad[2 * a + 1] = f.padding;
                    fixed.output_padding[a] = f.padding_op;
                } else {
                    ok = false;
                }
            }
            if (ok) {
                // "p=0,op=1" / "op=1x0": the arguments to change, in the text form
                auto per_axis = [&](auto get) {
                    bool same = true;
                    for (int a = 1; a < li.axes; ++a) same &= get(a) == get(0);
                    std::string t;
                    for (int a = 0; a < (same ? 1 : li.axes); ++a) t += (a ? "x" : "") + std::to_string(get(a));
                    return t;
                };
                std::vector<std::string> parts;
                if (fixed.pad != L.pad) parts.push_back("p=" + per_axis([&](int a) { return fixed.pad[2 * a]; }));
                parts.push_back("op=" + per_axis([&](int a) { return fixed.output_padding[a]; }));
                for (size_t k = 0; k < parts.size(); ++k) m.fix += (k ? "," : "") + parts[k];
            }
        } else {  // Upsample: ask for the size outright
            fixed.up_by_size = true;
            fixed.up_values = static_cast<int>(want.size());
            for (size_t a = 0; a < want.size(); ++a) fixed.size[a] = want[a];
            if (want.size() == 2 && want[0] == want[1]) fixed.up_values = 1;
            fixed.scale = {0, 0};
            m.fix = "size=" + shape_text(want);
        }
        m.fixable = ok;
        const std::string up = "layer " + std::to_string(i + 1) + " (" + op_name(L.op, L.dims) + ")";
        m.message = up + " makes " + shape_text(got) + " but layer " + std::to_string(down + 1) + " (" +
                    op_name(r.fixed.net[size_t(down)].op, r.fixed.net[size_t(down)].dims) + ") took " +
                    shape_text(want) + (ok ? ": set " + m.fix : ": no output_padding or padding restores it");
        if (!ok && L.op == Op::ConvT) {  // usually the strides do not mirror each other
            const Layer& D = r.fixed.net[size_t(down)];
            for (int a = 0; a < li.axes; ++a)
                if (D.stride[a] != L.stride[a]) {
                    m.message += " (its stride " + std::to_string(L.stride[a]) + " does not undo layer " +
                                 std::to_string(down + 1) + "'s stride " + std::to_string(D.stride[a]) + ")";
                    break;
                }
        }
        if (ok) L = fixed;
        else r.all_fixed = false;
        r.mismatches.push_back(std::move(m));
    }
    return r;
}

}  // namespace cp
