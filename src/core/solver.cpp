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

const char* fix_kind_name(FixKind k) {
    switch (k) {
        case FixKind::OutputPadding: return "output_padding";
        case FixKind::Padding: return "padding";
        case FixKind::Crop: return "crop";
        case FixKind::Size: return "size";
    }
    return "";
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

// The layer whose output a pair compares: the decoder layer `up`, or the last crop that follows
// it with only crops and activations between (a crop there is how a decoder's extra cells go).
int out_layer_of(const State& s, const NetInfo& info, int up) {
    int j = up;
    for (size_t k = size_t(up) + 1; k < s.net.size() && info.layers[k].status.ok; ++k) {
        if (s.net[k].op == Op::Crop) j = int(k);
        else if (!s.net[k].is_activation()) break;
    }
    return j;
}

// "1" or "1x2": one number per axis, once when they are equal.
template <class Get>
std::string per_axis(int axes, Get get) {
    bool same = true;
    for (int a = 1; a < axes; ++a) same &= get(a) == get(0);
    std::string t;
    for (int a = 0; a < (same ? 1 : axes); ++a) {
        if (a) t += 'x';
        t += std::to_string(get(a));
    }
    return t;
}

struct Candidate {
    FixKind kind;
    std::string change, label, phrase;  // phrase: how the message says it ("set op=1")
    State state;
    int check_layer;  // the layer whose output must then equal `want`
};

// Every fix of the pair (up, out) in `base` that the shapes engine confirms; `orig` maps base's
// layer indices to the given state's (for the labels).
std::vector<Candidate> pair_fixes(const State& base, const NetInfo& info, int up, int out, const Dims& want,
                                  const std::vector<int>& orig) {
    const Layer& L = base.net[size_t(up)];
    const LayerInfo& li = info.layers[size_t(up)];
    const Dims got = spatial(info.layers[size_t(out)].out);
    const int axes = li.axes;
    // What the decoder itself must make: want plus whatever the crops after it remove.
    Dims target(size_t(axes), 0);
    for (int a = 0; a < axes; ++a) target[size_t(a)] = want[size_t(a)] + li.axis[a].out - got[size_t(a)];
    const std::string on = " on layer " + std::to_string(orig[size_t(up)] + 1);
    std::vector<Candidate> c;
    auto with_layer = [&](const Layer& changed) {
        State s = base;
        s.net[size_t(up)] = changed;
        return s;
    };
    if (L.op == Op::ConvT) {
        Layer by_op = L, by_pad = L;
        bool op_ok = true, pad_ok = true, op_changed = false;
        for (int a = 0; a < axes; ++a) {
            if (li.axis[a].out == target[size_t(a)]) continue;
            const int64_t in = li.axis[a].in, s = L.stride[a], d = L.dilation[a], ke = d * (L.kernel[a] - 1) + 1;
            const int64_t limit = std::max(s, d);
            const int64_t op = target[size_t(a)] - ((in - 1) * s - 2 * L.pad[2 * a] + ke);
            if (op >= 0 && op < limit) by_op.output_padding[a] = op;
            else op_ok = false;
            // Another padding, keeping the output_padding when it can (else the smallest that works).
            bool found = false;
            for (int64_t k = -1; k < limit && !found; ++k) {
                const int64_t o = k < 0 ? L.output_padding[a] : k;
                if (k >= 0 && o == L.output_padding[a]) continue;
                if (o < 0 || o >= limit) continue;
                const int64_t twice_p = (in - 1) * s + ke + o - target[size_t(a)];
                if (twice_p < 0 || twice_p % 2 != 0 || twice_p / 2 == L.pad[2 * a]) continue;
                by_pad.pad[2 * a] = by_pad.pad[2 * a + 1] = twice_p / 2;
                by_pad.output_padding[a] = o;
                op_changed |= o != L.output_padding[a];
                found = true;
            }
            pad_ok &= found;
        }
        if (op_ok) {
            const std::string ch = "op=" + per_axis(axes, [&](int a) { return by_op.output_padding[a]; });
            c.push_back({FixKind::OutputPadding, ch, "set " + ch + on, "set " + ch, with_layer(by_op), out});
        }
        if (pad_ok) {
            std::string ch = "p=" + per_axis(axes, [&](int a) { return by_pad.pad[2 * a]; });
            if (op_changed) ch += ",op=" + per_axis(axes, [&](int a) { return by_pad.output_padding[a]; });
            c.push_back({FixKind::Padding, ch, "set " + ch + on, "set " + ch, with_layer(by_pad), out});
        }
    } else {  // Upsample: ask for the size outright
        Layer f = L;
        f.up_by_size = true;
        f.up_values = axes == 2 && target[0] == target[1] ? 1 : axes;
        for (int a = 0; a < axes; ++a) f.size[a] = target[size_t(a)];
        f.scale = {0, 0};
        f.align_corners = L.mode == UpMode::Nearest ? -1 : L.align_corners;
        const std::string ch = "size=" + shape_text(target);
        c.push_back({FixKind::Size, ch, "set " + ch + on, "set " + ch, with_layer(f), out});
    }
    // A crop of the extra cells, centred (an odd one comes off the end, as PyTorch's 'same'
    // padding puts its odd one there): a new one right after the decoder, or, when a crop already
    // follows it, that crop's amounts (less of it when it removes too much: off the end first).
    const bool into = out != up;
    bool can_crop = got != want;
    for (int a = 0; a < axes; ++a) {
        const int64_t extra = got[size_t(a)] - want[size_t(a)];
        if (!into) can_crop &= extra >= 0;
        else can_crop &= base.net[size_t(out)].crop[2 * a] + base.net[size_t(out)].crop[2 * a + 1] + extra >= 0;
    }
    if (can_crop) {
        State s = base;
        Layer crop;
        if (into) {
            crop = base.net[size_t(out)];
        } else {
            crop.op = Op::Crop;
            crop.dims = axes;
        }
        for (int a = 0; a < axes; ++a) {
            const int64_t extra = got[size_t(a)] - want[size_t(a)];
            int64_t &before = crop.crop[2 * a], &after = crop.crop[2 * a + 1];
            if (extra >= 0) {
                before += extra / 2;
                after += extra - extra / 2;
            } else {
                const int64_t from_after = std::min(after, -extra);
                after -= from_after;
                before -= -extra - from_after;
            }
        }
        if (into) {
            s.net[size_t(out)] = crop;
            const std::string text = print_layer(crop);
            const size_t o = text.find('(');
            const std::string ch = o == std::string::npos ? "c=0" : text.substr(o + 1, text.size() - o - 2);
            const std::string where = " on layer " + std::to_string(orig[size_t(out)] + 1);
            c.push_back({FixKind::Crop, ch, "set " + ch + where, "set " + ch + where, std::move(s), out});
        } else {
            s.net.insert(s.net.begin() + up + 1, crop);
            const std::string ch = print_layer(crop);
            c.push_back({FixKind::Crop, ch, "insert " + ch + " after layer " + std::to_string(orig[size_t(up)] + 1),
                         "insert " + ch + " after it", std::move(s), up + 1});
        }
    }
    // Only what the shapes engine confirms.
    std::vector<Candidate> ok;
    for (Candidate& k : c) {
        const NetInfo after = net_info(k.state);
        const LayerInfo& li2 = after.layers[size_t(k.check_layer)];
        if ((after.first_error < 0 || after.first_error > k.check_layer) && spatial(li2.out) == want) ok.push_back(std::move(k));
    }
    return ok;
}

}  // namespace

SolveReport solve_net(const State& state) {
    SolveReport r;
    r.fixed = state;
    std::vector<int> orig(state.net.size());  // r.fixed's layer i is the given state's orig[i] (-1: inserted)
    for (size_t i = 0; i < orig.size(); ++i) orig[i] = int(i);
    int applied = 0;
    // Walk the (progressively fixed) stack; each fix changes every size after it.
    std::vector<int> downs;  // encoder layers awaiting their decoder
    for (size_t i = 0; i < r.fixed.net.size(); ++i) {
        const NetInfo info = net_info(r.fixed);
        const LayerInfo& li = info.layers[i];
        if (!li.status.ok) break;
        const Layer& L = r.fixed.net[i];
        if (downsamples(L, li)) {
            downs.push_back(static_cast<int>(i));
            continue;
        }
        if (!upsamples(L, li) || downs.empty()) continue;
        const int down = downs.back(), up = int(i);
        downs.pop_back();
        const int out = out_layer_of(r.fixed, info, up);
        const Dims want = spatial(info.layers[size_t(down)].in), got = spatial(info.layers[size_t(out)].out);
        r.pairs.push_back({orig[size_t(down)], orig[i], orig[size_t(out)], -1});
        if (want.size() != got.size() || want == got) continue;
        r.pairs.back().mismatch = static_cast<int>(r.mismatches.size());

        Mismatch m;
        m.up_layer = orig[i];
        m.down_layer = orig[size_t(down)];
        m.out_layer = orig[size_t(out)];
        m.got = got, m.want = want;
        m.after_fixes = applied;
        std::vector<Candidate> found = pair_fixes(r.fixed, info, up, out, want, orig);
        m.fixable = !found.empty();
        const std::string up_name = "layer " + std::to_string(m.up_layer + 1) + " (" + op_name(L.op, L.dims) + ")";
        const Layer& D = r.fixed.net[size_t(down)];
        // Sizes after the fixes of the mismatches before: said, since the stack as it is differs.
        const std::string after = applied == 0 ? ""
                                  : applied == 1 ? " once the fix before is in"
                                                 : " once the " + std::to_string(applied) + " fixes before are in";
        m.message = up_name + " makes " + shape_text(got) + (out != up ? " (after its crop)" : "") + after + " but layer " +
                    std::to_string(m.down_layer + 1) + " (" + op_name(D.op, D.dims) + ") took " + shape_text(want);
        if (m.fixable) {
            m.fix = found.front().change;
            m.message += ": " + found.front().phrase;
        } else {
            m.message += L.op == Op::ConvT ? ": no output_padding, padding or crop restores it" : ": no size or crop restores it";
            if (L.op == Op::ConvT)  // usually the strides do not mirror each other
                for (int a = 0; a < li.axes; ++a)
                    if (D.stride[a] != L.stride[a]) {
                        m.message += " (its stride " + std::to_string(L.stride[a]) + " does not undo layer " +
                                     std::to_string(m.down_layer + 1) + "'s stride " + std::to_string(D.stride[a]) + ")";
                        break;
                    }
            r.all_fixed = false;
        }
        for (Candidate& k : found) m.fixes.push_back({k.kind, k.change, k.label, k.state});
        if (m.fixable) {
            if (m.fixes.front().result.net.size() > r.fixed.net.size()) orig.insert(orig.begin() + up + 1, -1);
            r.fixed = m.fixes.front().result;
            ++applied;
        }
        r.mismatches.push_back(std::move(m));
    }
    return r;
}

size_t fixable_count(const SolveReport& r) {
    return size_t(std::count_if(r.mismatches.begin(), r.mismatches.end(), [](const Mismatch& m) { return m.fixable; }));
}

std::string fix_button_label(const SolveReport& r) {
    const size_t fixable = fixable_count(r);
    if (fixable == 0) return "";
    if (fixable == 1)
        return "Fix: " + std::find_if(r.mismatches.begin(), r.mismatches.end(), [](const Mismatch& m) { return m.fixable; })
                             ->fixes.front().label;
    const std::string n = std::to_string(r.mismatches.size());
    return fixable == r.mismatches.size() ? "Fix all " + n : "Fix " + std::to_string(fixable) + " of " + n;
}

}  // namespace cp
