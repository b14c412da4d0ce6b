// The ONNX exporter: the stack as an opset-13 ONNX graph with the engine's weights as
// initializers, written with the tiny protobuf writer (no protobuf library). Field numbers are
// those of onnx.proto. How each layer maps, and what ONNX cannot say, is in docs/export.md.
#include <algorithm>
#include <sstream>

#include "core/codec.hpp"
#include "core/source_index.hpp"
#include "engine/export.hpp"
#include "engine/protobuf_writer.hpp"

namespace cp {

namespace {

constexpr int64_t kOpset = 13;
constexpr int64_t kIrVersion = 7;  // the IR version that came with opset 13

// onnx.proto field numbers
namespace F {
constexpr int kModelIrVersion = 1, kModelProducerName = 2, kModelProducerVersion = 3, kModelDocString = 6,
              kModelGraph = 7, kModelOpsetImport = 8;
constexpr int kOpsetDomain = 1, kOpsetVersion = 2;
constexpr int kGraphNode = 1, kGraphName = 2, kGraphInitializer = 5, kGraphDocString = 10, kGraphInput = 11,
              kGraphOutput = 12;
constexpr int kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kNodeOpType = 4, kNodeAttribute = 5,
              kNodeDocString = 6;
constexpr int kAttrName = 1, kAttrF = 2, kAttrI = 3, kAttrS = 4, kAttrInts = 8, kAttrType = 20;
constexpr int kAttrTypeFloat = 1, kAttrTypeInt = 2, kAttrTypeString = 3, kAttrTypeInts = 7;
constexpr int kTensorDims = 1, kTensorDataType = 2, kTensorName = 8, kTensorRawData = 9;
constexpr int kTensorFloat = 1, kTensorInt64 = 7;
constexpr int kValueName = 1, kValueType = 2;
constexpr int kTypeTensor = 1, kTypeTensorElemType = 1, kTypeTensorShape = 2;
constexpr int kShapeDim = 1, kDimValue = 1;
}  // namespace F

pb::Writer attr_int(const std::string& name, int64_t v) {
    pb::Writer a;
    a.bytes(F::kAttrName, name).int64(F::kAttrI, v).varint(F::kAttrType, F::kAttrTypeInt);
    return a;
}
pb::Writer attr_ints(const std::string& name, const std::vector<int64_t>& v) {
    pb::Writer a;
    a.bytes(F::kAttrName, name);
    for (int64_t x : v) a.int64(F::kAttrInts, x);
    a.varint(F::kAttrType, F::kAttrTypeInts);
    return a;
}
pb::Writer attr_float(const std::string& name, float v) {
    pb::Writer a;
    a.bytes(F::kAttrName, name).float32(F::kAttrF, v).varint(F::kAttrType, F::kAttrTypeFloat);
    return a;
}
pb::Writer attr_string(const std::string& name, const std::string& v) {
    pb::Writer a;
    a.bytes(F::kAttrName, name).bytes(F::kAttrS, v).varint(F::kAttrType, F::kAttrTypeString);
    return a;
}

pb::Writer value_info(const std::string& name, const Dims& shape) {
    pb::Writer shp;
    for (int64_t d : shape) {
        pb::Writer dim;
        dim.int64(F::kDimValue, d);
        shp.message(F::kShapeDim, dim);
    }
    pb::Writer tensor;
    tensor.varint(F::kTypeTensorElemType, F::kTensorFloat).message(F::kTypeTensorShape, shp);
    pb::Writer type;
    type.message(F::kTypeTensor, tensor);
    pb::Writer v;
    v.bytes(F::kValueName, name).message(F::kValueType, type);
    return v;
}

// The graph being built: nodes and initializers in order, fresh names for every tensor.
class Graph {
public:
    std::string fresh(const std::string& stem) { return stem + "_" + std::to_string(++count_); }

    std::string floats(const std::string& stem, const Tensor& t) {
        const std::string name = fresh(stem);
        pb::Writer w;
        for (int64_t d : t.shape) w.int64(F::kTensorDims, d);
        w.varint(F::kTensorDataType, F::kTensorFloat).bytes(F::kTensorName, name);
        w.bytes(F::kTensorRawData, float32_le_bytes(t.data));
        g_.message(F::kGraphInitializer, w);
        return name;
    }
    std::string int64s(const std::string& stem, const std::vector<int64_t>& v) {
        const std::string name = fresh(stem);
        pb::Writer w;
        w.int64(F::kTensorDims, static_cast<int64_t>(v.size()));
        w.varint(F::kTensorDataType, F::kTensorInt64).bytes(F::kTensorName, name);
        std::string raw(v.size() * 8, '\0');
        for (size_t i = 0; i < v.size(); ++i)
            for (int k = 0; k < 8; ++k) raw[8 * i + size_t(k)] = static_cast<char>((uint64_t(v[i]) >> (8 * k)) & 0xff);
        w.bytes(F::kTensorRawData, raw);
        g_.message(F::kGraphInitializer, w);
        return name;
    }
    // Adds a node; returns its (single) output's name.
    std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::vector<pb::Writer>& attrs,
                     const std::string& doc = {}, const std::string& output = {}) {
        const std::string out = output.empty() ? fresh(op) : output;
        pb::Writer n;
        for (const auto& i : inputs) n.bytes(F::kNodeInput, i);
        n.bytes(F::kNodeOutput, out).bytes(F::kNodeName, out + "_node").bytes(F::kNodeOpType, op);
        for (const auto& a : attrs) n.message(F::kNodeAttribute, a);
        if (!doc.empty()) n.bytes(F::kNodeDocString, doc);
        g_.message(F::kGraphNode, n);
        return out;
    }
    pb::Writer& raw() { return g_; }

private:
    pb::Writer g_;
    int count_ = 0;
};

// A conv's negative padding sides as a crop (Slice), as F.pad does before any mode pads: ONNX's
// Conv and Pad refuse negative pads. `size` becomes the cropped shape.
std::string crop_negative_pads(Graph& g, const std::string& x, const LayerInfo& info, const std::string& doc, Dims& size) {
    size = info.in;
    std::vector<int64_t> starts, ends, which;
    for (int a = 0; a < info.axes; ++a) {
        const int64_t b = info.axis[a].pad_before, e = info.axis[a].pad_after;
        if (b >= 0 && e >= 0) continue;
        starts.push_back(std::max<int64_t>(0, -b));
        ends.push_back(size[2 + a] - std::max<int64_t>(0, -e));
        which.push_back(2 + a);
        size[2 + a] = ends.back() - starts.back();
    }
    if (which.empty()) return x;
    return g.node("Slice", {x, g.int64s("starts", starts), g.int64s("ends", ends), g.int64s("axes", which)}, {},
                  doc + ": negative padding crops");
}

// Per-side padding of a non-zeros mode, as ONNX ops: negative sides crop first, then
// reflect/replicate become Pad(mode=reflect/edge) and circular becomes Slice + Concat per axis
// (Pad's 'wrap' mode only exists from opset 19).
std::string pad_with_mode(Graph& g, const std::string& x, const Layer& L, const LayerInfo& info, const std::string& doc) {
    const int axes = info.axes, rank = axes + 2;
    Dims size;
    std::string cur = crop_negative_pads(g, x, info, doc, size);
    std::vector<int64_t> before(size_t(rank), 0), after(size_t(rank), 0);
    bool any = false;
    for (int a = 0; a < axes; ++a) {
        before[2 + a] = std::max<int64_t>(0, info.axis[a].pad_before);
        after[2 + a] = std::max<int64_t>(0, info.axis[a].pad_after);
        any |= before[2 + a] || after[2 + a];
    }
    if (!any) return cur;
    if (L.padding_mode != PadMode::Circular) {
        std::vector<int64_t> pads = before;
        pads.insert(pads.end(), after.begin(), after.end());
        return g.node("Pad", {cur, g.int64s("pads", pads)},
                      {attr_string("mode", L.padding_mode == PadMode::Reflect ? "reflect" : "edge")},
                      doc + ": padding_mode=" + pad_mode_name(L.padding_mode));
    }
    for (int a = 0; a < axes; ++a) {
        const int64_t ax = 2 + a, n = size[size_t(ax)], b = before[size_t(ax)], e = after[size_t(ax)];
        if (!b && !e) continue;
        std::vector<std::string> parts;
        const std::string axis = g.int64s("axes", {ax});
        if (b) parts.push_back(g.node("Slice", {cur, g.int64s("starts", {n - b}), g.int64s("ends", {n}), axis}, {}));
        parts.push_back(cur);
        if (e) parts.push_back(g.node("Slice", {cur, g.int64s("starts", {0}), g.int64s("ends", {e}), axis}, {}));
        cur = g.node("Concat", parts, {attr_int("axis", ax)}, doc + ": circular padding (wrap around) along axis " +
                                                                     std::to_string(ax));
        size[size_t(ax)] += b + e;
    }
    return cur;
}

std::vector<int64_t> axes_vec(const Axes& v, int axes) { return {v.begin(), v.begin() + axes}; }

// ONNX's ceil_mode rounds the window count up, but lacks PyTorch's rule that the last window
// must start inside the input or the left padding. Where that rule drops the extra window, the
// count is the floor one, so ceil_mode=0 gives PyTorch's windows; a layer that needs the rule on
// one axis and a real ceil on another cannot be said in ONNX.
Result<int64_t> onnx_ceil_mode(const Layer& L, const LayerInfo& info, int number) {
    if (!L.ceil_mode) return int64_t(0);
    bool floor_all = true, ceil_all = true;
    for (int a = 0; a < info.axes; ++a) {
        const AxisInfo& x = info.axis[a];
        const int64_t span = x.in + x.pad_before + x.pad_after - x.eff_kernel;
        floor_all &= x.out == span / x.stride + 1;
        ceil_all &= x.out == (span + x.stride - 1) / x.stride + 1;
    }
    if (ceil_all) return int64_t(1);
    if (floor_all) return int64_t(0);
    return Status::error("layer " + std::to_string(number) + " (" + print_layer(L) +
                             "): ONNX cannot express this pool exactly: its ceil_mode lacks PyTorch's rule that the "
                             "last window starts inside the input or the left padding, which applies here on one axis only",
                         "export to PyTorch, or change the stride or padding so both axes round the same way");
}

// ONNX Runtime refuses output_padding >= stride, which PyTorch allows when it is below the
// dilation. output_padding only lengthens the output at the end, so on such an axis the export
// crops that much less at the end instead (pads_end = p - op, output_padding 0): the same cells,
// products included. Where op > p the last op - p cells lie past the full transposed conv and
// hold only the bias: a bias-free ConvTranspose, zeros padded at the end, then the bias added.
std::string conv_transpose(Graph& g, const std::string& x, const Layer& L, const LayerInfo& info, const LayerWeights& w,
                           const std::string& doc) {
    const int axes = info.axes;
    std::vector<int64_t> begin, end, op, tail(size_t(2 * (axes + 2)), 0);  // Pad's pads: all begins, all ends
    bool bias_only_cells = false;
    for (int a = 0; a < axes; ++a) {
        const AxisInfo& X = info.axis[a];
        begin.push_back(X.pad_before);
        const bool fold = X.output_padding >= X.stride;
        op.push_back(fold ? 0 : X.output_padding);
        const int64_t e = X.pad_after - (fold ? X.output_padding : 0);
        end.push_back(std::max<int64_t>(0, e));
        tail[size_t(axes + 2 + 2 + a)] = std::max<int64_t>(0, -e);
        bias_only_cells |= e < 0;
    }
    std::vector<int64_t> pads = begin;
    pads.insert(pads.end(), end.begin(), end.end());
    std::vector<std::string> inputs{x, g.floats("weight", w.weight)};
    if (L.bias && !bias_only_cells) inputs.push_back(g.floats("bias", w.bias));
    std::string y = g.node("ConvTranspose", inputs,
                           {attr_ints("kernel_shape", axes_vec(L.kernel, axes)), attr_ints("strides", axes_vec(L.stride, axes)),
                            attr_ints("pads", pads), attr_ints("output_padding", op),
                            attr_ints("dilations", axes_vec(L.dilation, axes)), attr_int("group", L.groups)},
                           doc);
    if (!bias_only_cells) return y;
    y = g.node("Pad", {y, g.int64s("pads", tail)}, {}, doc + ": output_padding cells no kernel tap reaches");
    if (!L.bias) return y;
    Dims bshape{w.bias.numel()};
    bshape.resize(size_t(axes + 1), 1);  // [C, 1(, 1)]: broadcast over the spatial axes
    Tensor b(bshape);
    std::copy(w.bias.data.begin(), w.bias.data.end(), b.data.begin());
    return g.node("Add", {y, g.floats("bias", b)}, {}, doc + ": bias");
}

// Resize cannot match PyTorch's upsampling everywhere: ONNX sizes the output from a float32
// scale where ATen truncates a double (20 * 0.7 gives 13, not 14), and ATen's channels-last
// nearest kernel copies or halves where floor(o / scale) does not (docs/state-format.md,
// "Upsample index rules"). So the export gathers with the engine's own source indices
// (core/source_index.hpp): nearest is a Gather per axis that changes; linear gathers both taps
// per axis and weighs them with the engine's lambdas, last axis first as the engine sums, so
// ONNX does the very same float products and sums.
std::string upsample(Graph& g, const std::string& x, const Layer& L, const LayerInfo& info, const std::string& doc) {
    const int axes = info.axes;
    const UpsampleRule rule =
        upsample_rule(L, axes, info.in[1], axes == 2 ? info.axis[0].in : 1, info.axis[axes - 1].in);
    std::string cur = x;
    for (int a = axes - 1; a >= 0; --a) {
        const AxisInfo& X = info.axis[a];
        const double given = a == axes - 1 ? rule.scale_w : rule.scale_h;
        const int64_t ax = 2 + a;
        const std::string where = doc + ": axis " + std::to_string(ax);
        const std::vector<pb::Writer> along{attr_int("axis", ax)};
        if (L.mode == UpMode::Nearest) {
            std::vector<int64_t> idx;
            bool copy = X.out == X.in;
            for (int64_t o = 0; o < X.out; ++o) {
                idx.push_back(nearest_index(o, X.in, X.out, given, rule.channels_last));
                copy &= idx.back() == o;
            }
            if (!copy) cur = g.node("Gather", {cur, g.int64s("source", idx)}, along, where + ": nearest source cells");
            continue;
        }
        Dims wshape{X.out};
        if (ax != axes + 1) wshape.push_back(1);  // [OH, 1] broadcasts along W
        Tensor l0(wshape), l1(wshape);
        std::vector<int64_t> i0, i1;
        bool copy = X.out == X.in;
        for (int64_t o = 0; o < X.out; ++o) {
            const UpsampleTap t = linear_index(o, X.in, X.out, L.align_corners == 1, given);
            i0.push_back(t.i0), i1.push_back(t.i1);
            l0.data[size_t(o)] = t.l0, l1.data[size_t(o)] = t.l1;
            copy &= t.i0 == o && t.l0 == 1.0f && t.l1 == 0.0f;
        }
        if (copy) continue;  // ATen copies an axis whose size does not change
        const std::string a0 = g.node("Gather", {cur, g.int64s("source0", i0)}, along, where + ": first linear tap");
        const std::string a1 = g.node("Gather", {cur, g.int64s("source1", i1)}, along, where + ": second linear tap");
        cur = g.node("Add", {g.node("Mul", {a0, g.floats("lambda0", l0)}, {}), g.node("Mul", {a1, g.floats("lambda1", l1)}, {})},
                     {}, where + ": linear interpolation");
    }
    return cur;
}

Result<std::string> add_layer(Graph& g, const std::string& x, const Layer& L, const LayerInfo& info,
                              const LayerWeights& w, int number) {
    const int axes = info.axes;
    const std::string doc = "layer " + std::to_string(number) + ": " + print_layer(L);
    std::vector<int64_t> pads_b, pads_e;
    for (int a = 0; a < axes; ++a) pads_b.push_back(info.axis[a].pad_before), pads_e.push_back(info.axis[a].pad_after);
    std::vector<int64_t> pads = pads_b;
    pads.insert(pads.end(), pads_e.begin(), pads_e.end());
    switch (L.op) {
        case Op::Conv: {
            std::string in = x;
            if (L.padding_mode != PadMode::Zeros) {
                in = pad_with_mode(g, x, L, info, doc);
                pads.assign(size_t(2 * axes), 0);
            } else {
                Dims cropped;
                in = crop_negative_pads(g, x, info, doc, cropped);
                for (int64_t& p : pads) p = std::max<int64_t>(0, p);
            }
            std::vector<std::string> inputs{in, g.floats("weight", w.weight)};
            if (L.bias) inputs.push_back(g.floats("bias", w.bias));
            return g.node("Conv", inputs,
                          {attr_ints("kernel_shape", axes_vec(L.kernel, axes)), attr_ints("strides", axes_vec(L.stride, axes)),
                           attr_ints("pads", pads), attr_ints("dilations", axes_vec(L.dilation, axes)),
                           attr_int("group", L.groups)},
                          doc);
        }
        case Op::ConvT: return conv_transpose(g, x, L, info, w, doc);
        case Op::MaxPool:
        case Op::AvgPool: {
            auto ceil = onnx_ceil_mode(L, info, number);
            if (!ceil) return ceil.status();
            std::vector<pb::Writer> attrs{attr_ints("kernel_shape", axes_vec(L.kernel, axes)),
                                          attr_ints("strides", axes_vec(L.stride, axes)), attr_ints("pads", pads),
                                          attr_int("ceil_mode", *ceil)};
            if (L.op == Op::MaxPool) attrs.push_back(attr_ints("dilations", axes_vec(L.dilation, axes)));
            else attrs.push_back(attr_int("count_include_pad", L.count_include_pad));
            return g.node(L.op == Op::MaxPool ? "MaxPool" : "AveragePool", {x}, attrs, doc);
        }
        case Op::Upsample: return upsample(g, x, L, info, doc);
        case Op::Crop: {
            // x[..., t:H-b, l:W-r]: Slice with the kept range of each spatial axis
            std::vector<int64_t> starts, ends, ax;
            for (int a = 0; a < axes; ++a) {
                starts.push_back(-info.axis[a].pad_before);
                ends.push_back(info.axis[a].in + info.axis[a].pad_after);
                ax.push_back(2 + a);
            }
            return g.node("Slice", {x, g.int64s("starts", starts), g.int64s("ends", ends), g.int64s("axes", ax)}, {}, doc);
        }
        case Op::ReLU: return g.node("Relu", {x}, {}, doc);
        case Op::LeakyReLU:
            return g.node("LeakyRelu", {x}, {attr_float("alpha", static_cast<float>(L.negative_slope))}, doc);
        case Op::Sigmoid: return g.node("Sigmoid", {x}, {}, doc);
        case Op::Tanh: return g.node("Tanh", {x}, {}, doc);
    }
    return Status::error("layer " + std::to_string(number) + ": unknown layer");
}

}  // namespace

Result<std::string> export_onnx(const ExportModel& m) {
    Graph g;
    std::string x = "input";
    for (size_t i = 0; i < m.state.net.size(); ++i) {
        auto y = add_layer(g, x, m.state.net[i], m.info.layers[i], m.weights[i], static_cast<int>(i) + 1);
        if (!y) return y.status();
        x = *y;
    }
    if (m.state.net.empty()) x = g.node("Identity", {x}, {}, "an empty stack");
    g.node("Identity", {x}, {}, "the stack's output", "output");
    const Dims& out = m.state.net.empty() ? m.info.input : m.info.layers.back().out;
    pb::Writer& graph = g.raw();
    graph.bytes(F::kGraphName, "convplay");
    graph.bytes(F::kGraphDocString, print_state(m.state));
    graph.message(F::kGraphInput, value_info("input", m.info.input));
    graph.message(F::kGraphOutput, value_info("output", out));

    pb::Writer opset;
    opset.bytes(F::kOpsetDomain, "").int64(F::kOpsetVersion, kOpset);
    pb::Writer model;
    model.int64(F::kModelIrVersion, kIrVersion)
        .bytes(F::kModelProducerName, "convplay")
        .bytes(F::kModelProducerVersion, "1")
        .bytes(F::kModelDocString, "convplay export of " + print_state(m.state))
        .message(F::kModelGraph, graph)
        .message(F::kModelOpsetImport, opset);
    return model.str();
}

}  // namespace cp
