// The receptive field across a stack (see receptive_field.hpp). One routine lists the input
// cells an output cell reads along one axis (for_taps); backward marks the taps of every marked
// output cell, forward marks every output cell one of whose taps is marked. Checked against the
// reference kernels by perturbing input cells (tests/engine/receptive_field_test.cpp).
#include "core/receptive_field.hpp"

#include <algorithm>

#include "core/codec.hpp"  // format_double
#include "core/source_index.hpp"

namespace cp {

namespace {

// One spatial axis of one layer, as its kernel indexes it.
struct AxisRule {
    Op op = Op::ReLU;
    int64_t in = 1, out = 1, k = 1, s = 1, d = 1, pb = 0, pa = 0;
    PadMode mode = PadMode::Zeros;
    bool linear = false, align = false, shortcuts = false;
    double given = 0;  // upsample: the scale_factor PyTorch passes (0: a size was given)
};

int spatial_axes(const Dims& d) { return static_cast<int>(d.size()) - 2; }

AxisRule axis_rule(const Layer& L, const LayerInfo& info, int a) {
    const int axes = spatial_axes(info.in);
    AxisRule r;
    r.op = L.op;
    r.in = info.in[size_t(2 + a)], r.out = info.out[size_t(2 + a)];
    if (L.has_weights() || L.is_pool() || L.op == Op::Crop) {
        const AxisInfo& x = info.axis[size_t(a)];
        r.k = x.kernel, r.s = x.stride, r.d = x.dilation, r.pb = x.pad_before, r.pa = x.pad_after;
        if (L.op == Op::Conv) r.mode = L.padding_mode;
    } else if (L.op == Op::Upsample) {
        const int64_t H = axes == 2 ? info.in[2] : 1, W = info.in[size_t(axes == 2 ? 3 : 2)];
        const UpsampleRule u = upsample_rule(L, axes, info.in[1], H, W);
        r.linear = L.mode != UpMode::Nearest;
        r.align = L.align_corners == 1;
        r.shortcuts = u.channels_last;
        r.given = axes == 2 && a == 0 ? u.scale_h : u.scale_w;
    }
    return r;
}

// Calls f(src, v) for every input cell output cell `o` reads: `src` the input index (-1: a zero
// of padding or of the ring), `v` where the tap sits relative to input cell 0 (outside
// [0, in) = beyond the edge). Exactly the loops of the reference kernels (reference.cpp).
template <class F>
void for_taps(const AxisRule& r, int64_t o, F&& f) {
    switch (r.op) {
        case Op::Conv:
        case Op::MaxPool:
        case Op::AvgPool:
            for (int64_t j = 0; j < r.k; ++j) {
                const int64_t padded = o * r.s + j * r.d;
                f(pad_source(padded, r.pb, r.in, r.mode, r.pa), padded - r.pb);
            }
            return;
        case Op::ConvT:
            // input i lands on output i*s + j*d - p: the taps of o are the whole (o + p - j*d) / s
            for (int64_t j = 0; j < r.k; ++j) {
                const int64_t num = o + r.pb - j * r.d;
                if (num % r.s != 0) continue;  // an inserted zero
                const int64_t i = num / r.s;
                f(i >= 0 && i < r.in ? i : -1, i);
            }
            return;
        case Op::Upsample:
            if (!r.linear) {
                const int64_t i = nearest_index(o, r.in, r.out, r.given, r.shortcuts);
                f(i, i);
            } else {
                // a weight of exactly zero reads nothing
                const UpsampleTap t = linear_index(o, r.in, r.out, r.align, r.given);
                if (t.l0 != 0) f(t.i0, t.i0);
                if (t.l1 != 0 && t.i1 != t.i0) f(t.i1, t.i1);
            }
            return;
        case Op::Crop: f(o - r.pb, o - r.pb); return;  // pb = minus the cells cropped before
        // Activations: cell to cell. Every op is listed (no default), so a new layer type does
        // not compile here (-Wswitch) until its index rule is written.
        case Op::ReLU:
        case Op::LeakyReLU:
        case Op::Sigmoid:
        case Op::Tanh: f(o, o); return;
    }
}

void finish(RfAxis& x) {
    x.first = x.last = -1;
    x.count = 0;
    for (int64_t i = 0; i < x.size; ++i)
        if (x.cells[size_t(i)]) {
            if (x.first < 0) x.first = i;
            x.last = i, ++x.count;
        }
}

RfMap empty_map(const Dims& d, int layer) {
    RfMap m;
    m.layer = layer;
    m.channels = d[1];
    for (int a = 0; a < spatial_axes(d); ++a) {
        m.axis[size_t(a)].size = d[size_t(2 + a)];
        m.axis[size_t(a)].cells.assign(size_t(d[size_t(2 + a)]), 0);
    }
    return m;
}

// Groups: a conv's output channel in group g reads the input channels of group g only.
void channels_back(const Layer& L, const LayerInfo& info, const RfMap& out, RfMap& in) {
    if (!L.has_weights() || out.c_last < out.c_first) {
        in.c_first = out.c_first, in.c_last = out.c_last;
        return;
    }
    const int64_t G = std::max<int64_t>(1, L.groups), in_g = info.in[1] / G, out_g = info.out[1] / G;
    in.c_first = out.c_first / out_g * in_g;
    in.c_last = (out.c_last / out_g + 1) * in_g - 1;
}

void channels_forward(const Layer& L, const LayerInfo& info, const RfMap& in, RfMap& out) {
    if (!L.has_weights() || in.c_last < in.c_first) {
        out.c_first = in.c_first, out.c_last = in.c_last;
        return;
    }
    const int64_t G = std::max<int64_t>(1, L.groups), in_g = info.in[1] / G, out_g = info.out[1] / G;
    out.c_first = in.c_first / in_g * out_g;
    out.c_last = (in.c_last / in_g + 1) * out_g - 1;
}

std::string n2s(int64_t v) { return std::to_string(v); }

std::string span_text(int64_t a, int64_t b) { return a == b ? n2s(a) : n2s(a) + ".." + n2s(b); }

// How the input span of one axis of layer L follows from its output span, with the numbers.
std::string via_text(const Layer& L, const AxisRule& r, const char* axis, const RfAxis& out, const RfAxis& in,
                     int64_t beyond_before, int64_t beyond_after) {
    std::string t = std::string(axis) + ": out " + span_text(out.first, out.last) + " <- ";
    const int64_t so = out.span();
    switch (L.op) {
        case Op::Conv:
        case Op::MaxPool:
        case Op::AvgPool: {
            const int64_t lo = out.first * r.s - r.pb, hi = out.last * r.s - r.pb + r.d * (r.k - 1);
            t += "o*s - p .. o*s - p + d*(k - 1) = " + n2s(out.first) + "*" + n2s(r.s) + " - " + n2s(r.pb) + " .. " +
                 n2s(out.last) + "*" + n2s(r.s) + " - " + n2s(r.pb) + " + " + n2s(r.d) + "*(" + n2s(r.k) + " - 1) = " +
                 span_text(lo, hi) + "; (" + n2s(so) + " - 1)*" + n2s(r.s) + " + " + n2s(r.d) + "*(" + n2s(r.k) +
                 " - 1) + 1 = " + n2s(hi - lo + 1) + " cells";
            break;
        }
        case Op::ConvT:
            t += "whole (o + p - j*d) / s with p = " + n2s(r.pb) + ", d = " + n2s(r.d) + ", s = " + n2s(r.s) + ", j = 0.." +
                 n2s(r.k - 1) + ": " + (in.first < 0 ? std::string("none") : span_text(in.first, in.last));
            break;
        case Op::Upsample:
            if (!r.linear) {
                t += r.shortcuts && r.out == r.in       ? std::string("o (a copy)")
                     : r.shortcuts && r.out == 2 * r.in ? std::string("o / 2")
                                                        : "floor(o * " + std::string(r.given > 0 ? "1/" + format_double(r.given) : n2s(r.in) + "/" + n2s(r.out)) + ")";
            } else {
                t += r.out == r.in ? std::string("o (a copy)")
                     : r.align     ? "o * (" + n2s(r.in) + " - 1)/(" + n2s(r.out) + " - 1) and the next cell"
                                   : "(o + 0.5) * " + std::string(r.given > 0 ? "1/" + format_double(r.given) : n2s(r.in) + "/" + n2s(r.out)) +
                                         " - 0.5 and the next cell";
            }
            t += ": " + (in.first < 0 ? std::string("none") : span_text(in.first, in.last));
            break;
        case Op::Crop:
            t += "o + " + n2s(-r.pb) + " (the cells cropped before): " + span_text(in.first, in.last);
            break;
        default: t += "the same cells"; break;
    }
    if (in.count > 0 && in.count < in.span()) t += " (" + n2s(in.count) + " of them read: holes)";
    if (beyond_before || beyond_after) {
        t += "; reaches ";
        if (beyond_before) t += n2s(beyond_before) + " before cell 0";
        if (beyond_before && beyond_after) t += " and ";
        if (beyond_after) t += n2s(beyond_after) + " past cell " + n2s(r.in - 1);
        t += L.op == Op::ConvT ? " (the ring of zeros)" : L.op == Op::Conv && r.mode != PadMode::Zeros
                                                             ? std::string(" (") + pad_mode_name(r.mode) + " padding)"
                                                             : std::string(" (padding)");
    }
    return t;
}

Status check_query(const RfQuery& q, int last_ok, const Dims& d) {
    if (q.map < -1 || q.map > last_ok)
        return Status::error("no map " + n2s(q.map + 1) + " to trace: the computed maps are 0 (the input) to " + n2s(last_ok + 1));
    const int axes = spatial_axes(d);
    for (int a = 0; a < axes; ++a) {
        const int64_t n = d[size_t(2 + a)];
        if (q.first[size_t(a)] < 0 || q.last[size_t(a)] < q.first[size_t(a)] || q.last[size_t(a)] >= n)
            return Status::error(std::string(axes == 1 ? "cells " : a == 0 ? "rows " : "columns ") +
                                 span_text(q.first[size_t(a)], q.last[size_t(a)]) + " are not within 0.." + n2s(n - 1) + " of " +
                                 shape_text(d));
    }
    if (q.c_last >= 0 && (q.c_first < 0 || q.c_first > q.c_last || q.c_last >= d[1]))
        return Status::error("channels " + span_text(q.c_first, q.c_last) + " are not within 0.." + n2s(d[1] - 1));
    return Status::success();
}

int last_computed(const NetInfo& info) { return info.ok() ? int(info.layers.size()) - 1 : info.first_error - 1; }

const Dims& map_dims(const NetInfo& info, int map) { return map < 0 ? info.input : info.layers[size_t(map)].out; }

// The queried cells as a region of their map, or why there are none.
Result<RfMap> query_map(const NetInfo& info, const RfQuery& q) {
    const int last_ok = last_computed(info);
    if (q.map > last_ok && q.map < int(info.layers.size()))
        return Status::error("layer " + n2s(q.map + 1) + " is not computed: " + info.layers[size_t(info.first_error)].status.message);
    const Dims& d = map_dims(info, std::min(q.map, last_ok));
    if (Status st = check_query(q, last_ok, d); !st) return st;
    RfMap m = empty_map(d, q.map);
    for (int a = 0; a < spatial_axes(d); ++a) {
        RfAxis& x = m.axis[size_t(a)];
        std::fill(x.cells.begin() + q.first[size_t(a)], x.cells.begin() + q.last[size_t(a)] + 1, uint8_t(1));
        finish(x);
    }
    m.c_first = q.c_last < 0 ? 0 : q.c_first;
    m.c_last = q.c_last < 0 ? d[1] - 1 : q.c_last;
    return m;
}

const char* axis_name(int axes, int a) { return axes == 1 ? "L" : a == 0 ? "H" : "W"; }

}  // namespace

bool RfMap::pads() const {
    for (int64_t b : beyond)
        if (b > 0) return true;
    return false;
}

Result<ReceptiveField> receptive_field(const State& s, const NetInfo& info, const RfQuery& q) {
    auto first = query_map(info, q);
    if (!first) return first.status();
    ReceptiveField rf;
    rf.axes = spatial_axes(info.input);
    rf.maps.resize(size_t(q.map + 2));
    rf.maps.back() = std::move(*first);
    for (int l = q.map; l >= 0; --l) {
        const Layer& L = s.net[size_t(l)];
        const LayerInfo& li = info.layers[size_t(l)];
        const RfMap& out = rf.maps[size_t(l + 1)];
        RfMap& in = rf.maps[size_t(l)];
        in = empty_map(li.in, l - 1);
        channels_back(L, li, out, in);
        for (int a = 0; a < spatial_axes(li.in); ++a) {
            const AxisRule r = axis_rule(L, li, a);
            const RfAxis& ox = out.axis[size_t(a)];
            RfAxis& ix = in.axis[size_t(a)];
            int64_t before = 0, after = 0;
            for (int64_t o = std::max<int64_t>(ox.first, 0); o <= ox.last; ++o) {
                if (!ox.cells[size_t(o)]) continue;
                for_taps(r, o, [&](int64_t src, int64_t v) {
                    if (src >= 0) ix.cells[size_t(src)] = 1;
                    before = std::max(before, -v);
                    after = std::max(after, v - (r.in - 1));
                });
            }
            finish(ix);
            in.beyond[size_t(2 * a)] = before, in.beyond[size_t(2 * a + 1)] = after;
            in.via[size_t(a)] = via_text(L, r, axis_name(rf.axes, a), ox, ix, before, after);
        }
    }
    return rf;
}

Result<ReceptiveField> reach(const State& s, const NetInfo& info, const RfQuery& q) {
    auto first = query_map(info, q);
    if (!first) return first.status();
    ReceptiveField rf;
    rf.forward = true;
    rf.axes = spatial_axes(info.input);
    rf.maps.push_back(std::move(*first));
    for (int l = q.map + 1; l <= last_computed(info); ++l) {
        const Layer& L = s.net[size_t(l)];
        const LayerInfo& li = info.layers[size_t(l)];
        const RfMap& in = rf.maps.back();
        RfMap out = empty_map(li.out, l);
        channels_forward(L, li, in, out);
        for (int a = 0; a < spatial_axes(li.in); ++a) {
            const AxisRule r = axis_rule(L, li, a);
            const RfAxis& ix = in.axis[size_t(a)];
            RfAxis& ox = out.axis[size_t(a)];
            for (int64_t o = 0; o < ox.size; ++o) {
                bool hit = false;
                for_taps(r, o, [&](int64_t src, int64_t) { hit = hit || (src >= 0 && ix.cells[size_t(src)]); });
                ox.cells[size_t(o)] = hit;
            }
            finish(ox);
        }
        rf.maps.push_back(std::move(out));
    }
    return rf;
}

std::string rf_region_text(const RfMap& m, int axes) {
    std::string t;
    for (int a = 0; a < axes; ++a) {
        const RfAxis& x = m.axis[size_t(a)];
        if (a) t += ", ";
        t += std::string(axes == 1 ? "cells " : a == 0 ? "rows " : "cols ") + (x.first < 0 ? "none" : span_text(x.first, x.last));
    }
    t += " (";
    for (int a = 0; a < axes; ++a) t += (a ? "x" : "") + n2s(m.axis[size_t(a)].span());
    int64_t cells = 1, span = 1;
    for (int a = 0; a < axes; ++a) cells *= m.axis[size_t(a)].count, span *= m.axis[size_t(a)].span();
    if (cells < span) t += ", " + n2s(cells) + " cells read";
    t += " of ";
    for (int a = 0; a < axes; ++a) t += (a ? "x" : "") + n2s(m.axis[size_t(a)].size);
    t += "), channels " + (m.c_last < m.c_first ? std::string("none") : span_text(m.c_first, m.c_last)) + " of " + n2s(m.channels);
    return t;
}

std::vector<std::string> rf_text(const State& s, const NetInfo& info, const ReceptiveField& rf) {
    std::vector<std::string> lines;
    auto name = [&](int map) {
        return map < 0 ? std::string("input") : "layer " + n2s(map + 1) + " " + info.layers[size_t(map)].name;
    };
    if (rf.maps.empty()) return lines;
    if (!rf.forward) {
        const RfMap& q = rf.maps.back();
        lines.push_back("Receptive field of " + name(q.layer) + ", " + rf_region_text(q, rf.axes) + ":");
        for (size_t i = rf.maps.size() - 1; i-- > 0;) {
            const RfMap& m = rf.maps[i];
            const int l = int(i);  // the layer that reads map i
            for (int a = 0; a < rf.axes; ++a) lines.push_back("  " + name(l) + "  " + m.via[size_t(a)]);
            lines.push_back((m.layer < 0 ? "= input: " : "= after " + name(m.layer) + ": ") + rf_region_text(m, rf.axes));
        }
        const RfMap& in = rf.maps.front();
        bool pads = false;
        for (const RfMap& m : rf.maps) pads = pads || m.pads();
        int64_t size = 1;
        for (int a = 0; a < rf.axes; ++a) size *= in.axis[size_t(a)].span();
        std::string dims;
        for (int a = 0; a < rf.axes; ++a) dims += (a ? "x" : "") + n2s(in.axis[size_t(a)].span());
        std::string tail = "The input region spans " + (rf.axes == 2 ? dims + " = " : "") + n2s(size) + (size == 1 ? " cell" : " cells");
        tail += pads ? "; padding enters where a layer's windows reach beyond its map's edge (above)." : "; no padding enters.";
        lines.push_back(tail);
    } else {
        lines.push_back("Cells reached from " + name(rf.maps.front().layer) + ", " + rf_region_text(rf.maps.front(), rf.axes) + ":");
        for (size_t i = 1; i < rf.maps.size(); ++i)
            lines.push_back("= " + name(rf.maps[i].layer) + ": " + rf_region_text(rf.maps[i], rf.axes));
    }
    (void)s;
    return lines;
}

}  // namespace cp
