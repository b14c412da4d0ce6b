// The PyTorch exporter: a runnable Python file with an nn.Sequential whose every argument is the
// state's, the engine's own weight values, the engine's input, and an assert on the output shape.
#include <sstream>

#include "core/codec.hpp"
#include "engine/export.hpp"

namespace cp {

namespace {

constexpr size_t kLiteralMax = 64;  // tensors up to this many values are written as lists
constexpr size_t kLineWidth = 96;

std::vector<int64_t> axes_of(const Axes& a, int axes) { return {a.begin(), a.begin() + axes}; }

std::string py_bool(bool b) { return b ? "True" : "False"; }

std::string shape_args(const Dims& d) {
    std::string s;
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s;
}

// A tensor as Python: a literal list when small, else base64 float32 cut into lines.
std::string tensor_expr(const Tensor& t, const std::string& indent) {
    if (t.data.size() <= kLiteralMax) {
        std::string s = "torch.tensor([";
        size_t line = indent.size() + s.size();
        for (size_t i = 0; i < t.data.size(); ++i) {
            const std::string v = python_float(t.data[i]) + (i + 1 < t.data.size() ? "," : "");
            if (i && line + v.size() + 1 > kLineWidth) s += "\n" + indent + "    ", line = indent.size() + 4;
            else if (i) s += " ", line += 1;
            s += v, line += v.size();
        }
        s += "])";
        if (t.shape.size() > 1) s += ".reshape(" + shape_args(t.shape) + ")";
        return s;
    }
    const std::string b64 = base64_encode(t.data.data(), t.data.size() * 4);
    std::string s = "blob(\n";
    const size_t width = kLineWidth - indent.size() - 6;
    for (size_t i = 0; i < b64.size(); i += width) s += indent + "    \"" + b64.substr(i, width) + "\"\n";
    return s + indent + "    , " + shape_args(t.shape) + ")";
}

// The padding step PyTorch's conv cannot take itself (per-side numbers, TensorFlow 'SAME'), as
// the nn module that does it. F.pad's order: last axis first, (before, after) each.
std::string pad_module(const Layer& L, const LayerInfo& info, bool& needs_pad_class) {
    std::string pads = "(";
    for (int a = info.axes - 1; a >= 0; --a) {
        pads += std::to_string(info.axis[a].pad_before) + ", " + std::to_string(info.axis[a].pad_after);
        if (a) pads += ", ";
    }
    pads += ")";
    const std::string d = std::to_string(info.axes) + "d";
    switch (L.padding_mode) {
        case PadMode::Zeros: return info.axes == 2 ? "nn.ZeroPad2d(" + pads + ")" : "nn.ConstantPad1d(" + pads + ", 0.0)";
        case PadMode::Reflect: return "nn.ReflectionPad" + d + "(" + pads + ")";
        case PadMode::Replicate: return "nn.ReplicationPad" + d + "(" + pads + ")";
        case PadMode::Circular: needs_pad_class = true; return "Pad(" + pads + ", \"circular\")";
    }
    return {};
}

bool needs_pad_module(const Layer& L) {
    return L.op == Op::Conv && (L.pad_kind == PadKind::TfSame || (L.pad_kind == PadKind::Explicit && !L.pad_symmetric()));
}

std::string conv_module(const Layer& L, const LayerInfo& info) {
    const int n = info.axes;
    std::ostringstream o;
    o << "nn." << torch_class_name(L.op, L.dims) << "(" << info.in_channels << ", " << L.out_channels
      << ", kernel_size=" << python_sizes(axes_of(L.kernel, n));
    if (python_sizes(axes_of(L.stride, n)) != "1") o << ", stride=" << python_sizes(axes_of(L.stride, n));
    if (!needs_pad_module(L)) {
        std::vector<int64_t> p;
        for (int a = 0; a < n; ++a) p.push_back(info.axis[a].pad_before);
        if (L.pad_kind == PadKind::Same) o << ", padding=\"same\"";
        else if (L.pad_kind == PadKind::Valid) o << ", padding=\"valid\"";
        else if (python_sizes(p) != "0") {
            // explicit and full: symmetric numbers (for a conv, pad_before is the resolved side)
            std::vector<int64_t> sym;
            for (int a = 0; a < n; ++a) sym.push_back(L.pad_kind == PadKind::Full ? info.axis[a].pad_before : L.pad[2 * a]);
            o << ", padding=" << python_sizes(sym);
        }
    }
    if (L.op == Op::ConvT && python_sizes(axes_of(L.output_padding, n)) != "0")
        o << ", output_padding=" << python_sizes(axes_of(L.output_padding, n));
    if (python_sizes(axes_of(L.dilation, n)) != "1") o << ", dilation=" << python_sizes(axes_of(L.dilation, n));
    if (L.groups != 1) o << ", groups=" << L.groups;
    if (!L.bias) o << ", bias=False";
    if (L.padding_mode != PadMode::Zeros && !needs_pad_module(L))
        o << ", padding_mode=\"" << pad_mode_name(L.padding_mode) << "\"";
    o << ")";
    return o.str();
}

std::string pool_module(const Layer& L, const LayerInfo& info) {
    const int n = info.axes;
    std::ostringstream o;
    o << "nn." << torch_class_name(L.op, L.dims) << "(kernel_size=" << python_sizes(axes_of(L.kernel, n));
    if (L.stride != L.kernel) o << ", stride=" << python_sizes(axes_of(L.stride, n));
    std::vector<int64_t> p;
    for (int a = 0; a < n; ++a) p.push_back(L.pad[2 * a]);
    if (python_sizes(p) != "0") o << ", padding=" << python_sizes(p);
    if (L.op == Op::MaxPool && python_sizes(axes_of(L.dilation, n)) != "1")
        o << ", dilation=" << python_sizes(axes_of(L.dilation, n));
    if (L.ceil_mode) o << ", ceil_mode=True";
    if (L.op == Op::AvgPool && !L.count_include_pad) o << ", count_include_pad=False";
    o << ")";
    return o.str();
}

std::string upsample_module(const Layer& L, const LayerInfo& info) {
    std::ostringstream o;
    o << "nn.Upsample(";
    if (L.up_by_size) {
        o << "size=";
        if (L.up_values == 1) o << L.size[0];
        else o << "(" << L.size[0] << ", " << L.size[1] << ")";
    } else {
        o << "scale_factor=";
        if (L.up_values == 1) o << python_double(L.scale[0]);
        else o << "(" << python_double(L.scale[0]) << ", " << python_double(L.scale[1]) << ")";
    }
    o << ", mode=\"" << up_mode_name(L.mode) << "\"";
    if (L.align_corners >= 0) o << ", align_corners=" << py_bool(L.align_corners == 1);
    o << ")";
    return o.str();
}

std::string layer_module(const Layer& L, const LayerInfo& info) {
    switch (L.op) {
        case Op::Conv:
        case Op::ConvT: return conv_module(L, info);
        case Op::MaxPool:
        case Op::AvgPool: return pool_module(L, info);
        case Op::Upsample: return upsample_module(L, info);
        case Op::Crop: {
            std::string sides;
            for (int a = 0; a < info.axes; ++a)
                sides += std::string(a ? ", " : "") + "(" + std::to_string(-info.axis[a].pad_before) + ", " +
                         std::to_string(-info.axis[a].pad_after) + ")";
            return "Crop(" + sides + ")";
        }
        case Op::ReLU: return "nn.ReLU()";
        case Op::LeakyReLU: return "nn.LeakyReLU(negative_slope=" + python_double(L.negative_slope) + ")";
        case Op::Sigmoid: return "nn.Sigmoid()";
        case Op::Tanh: return "nn.Tanh()";
    }
    return {};
}

// Words for padding that the module line cannot say by itself.
std::string padding_comment(const Layer& L, const LayerInfo& info) {
    if (L.op != Op::Conv) return {};
    auto sides = [&] {
        std::string s;
        const char* names[2][2] = {{"top", "bottom"}, {"left", "right"}};
        for (int a = 0; a < info.axes; ++a) {
            const auto& nm = names[info.axes == 1 ? 1 : a];
            s += std::string(a ? ", " : "") + nm[0] + " " + std::to_string(info.axis[a].pad_before) + ", " + nm[1] +
                 " " + std::to_string(info.axis[a].pad_after);
        }
        return s;
    };
    if (L.pad_kind == PadKind::TfSame)
        return "TensorFlow 'SAME' padding resolved for this input size (" + sides() + "), then a conv with no padding";
    if (needs_pad_module(L)) return "per-side padding (" + sides() + ") as its own step, then a conv with no padding";
    if (L.pad_kind == PadKind::Full) return "p=full: d*(k-1) on every side";
    return {};
}

}  // namespace

std::string export_pytorch(const ExportModel& m) {
    const State& s = m.state;
    bool needs_pad_class = false, needs_crop_class = false, needs_blob = m.input.data.size() > kLiteralMax;
    std::ostringstream layers, weights;
    for (size_t i = 0; i < s.net.size(); ++i) {
        const Layer& L = s.net[i];
        const LayerInfo& info = m.info.layers[i];
        const std::string name = "layer" + std::to_string(i + 1);
        layers << "    # " << i + 1 << ". " << print_layer(L) << ": " << shape_text(info.in) << " -> "
               << shape_text(info.out) << "\n";
        if (auto c = padding_comment(L, info); !c.empty()) layers << "    # " << c << "\n";
        if (needs_pad_module(L)) layers << "    (\"" << name << "_pad\", " << pad_module(L, info, needs_pad_class) << "),\n";
        layers << "    (\"" << name << "\", " << layer_module(L, info) << "),\n";
        needs_crop_class |= L.op == Op::Crop;
        if (!L.has_weights()) continue;
        const LayerWeights& w = m.weights[i];
        const char* origin = !L.weight_values.empty()       ? "explicit values (wv)"
                             : L.preset == Preset::Rand ? "preset 'rand' (convplay's seeded generator, PyTorch's distribution)"
                                                        : nullptr;
        weights << "    # layer " << i + 1 << ": "
                << (origin ? std::string(origin) : "preset '" + std::string(preset_name(L.preset)) + "'") << "\n";
        weights << "    model." << name << ".weight.copy_(" << tensor_expr(w.weight, "    ") << ")\n";
        needs_blob |= w.weight.data.size() > kLiteralMax;
        if (L.bias) {
            weights << "    model." << name << ".bias.copy_(" << tensor_expr(w.bias, "    ") << ")\n";
            needs_blob |= w.bias.data.size() > kLiteralMax;
        }
    }

    std::ostringstream o;
    o << "# convplay export (PyTorch): this state's layer stack with the weights and the input convplay uses.\n"
      << "#   " << print_state(s) << "\n"
      << "# Needs only torch (1.10 or later). Run it: it checks the output shape; the output is left in `y`.\n";
    if (needs_blob) o << "import base64\n";
    o << "from collections import OrderedDict\n\nimport torch\nimport torch.nn as nn\n";
    if (needs_pad_class) o << "import torch.nn.functional as F\n";
    if (needs_blob)
        o << "\n\ndef blob(text, *shape):\n"
             "    \"\"\"float32 values, little-endian, base64-encoded (how convplay writes big tensors).\"\"\"\n"
             "    return torch.frombuffer(bytearray(base64.b64decode(text)), dtype=torch.float32).reshape(shape).clone()\n";
    if (needs_pad_class)
        o << "\n\nclass Pad(nn.Module):\n"
             "    \"\"\"F.pad as a layer (PyTorch 1.13 has no nn.CircularPad2d).\"\"\"\n\n"
             "    def __init__(self, pad, mode):\n"
             "        super().__init__()\n"
             "        self.pad, self.mode = pad, mode\n\n"
             "    def forward(self, x):\n"
             "        return F.pad(x, self.pad, mode=self.mode)\n\n"
             "    def extra_repr(self):\n"
             "        return f\"{self.pad}, mode={self.mode!r}\"\n";
    if (needs_crop_class)
        o << "\n\nclass Crop(nn.Module):\n"
             "    \"\"\"Removes cells from each side, as code slices: Crop((top, bottom), (left, right)) is\n"
             "    x[..., top:H-bottom, left:W-right] (Keras' Cropping2D); PyTorch has no crop module.\"\"\"\n\n"
             "    def __init__(self, *sides):\n"
             "        super().__init__()\n"
             "        self.sides = sides\n\n"
             "    def forward(self, x):\n"
             "        first = x.dim() - len(self.sides)\n"
             "        index = [slice(b, x.shape[first + a] - e) for a, (b, e) in enumerate(self.sides)]\n"
             "        return x[(Ellipsis, *index)]\n\n"
             "    def extra_repr(self):\n"
             "        return \", \".join(map(str, self.sides))\n";
    o << "\n\nmodel = nn.Sequential(OrderedDict([\n" << layers.str() << "]))\n";
    if (!weights.str().empty())
        o << "\n# The weights convplay computes with, value for value.\nwith torch.no_grad():\n" << weights.str();
    o << "\n# Input " << shape_text(m.info.input) << ": " << input_note(m) << "\n";
    if (!m.input.data.empty()) {
        o << "x = " << tensor_expr(m.input, "") << "\n";
    } else {
        o << "torch.manual_seed(0)\nx = torch.rand(" << shape_args(m.info.input) << ")\n";
    }
    const Dims& out = m.info.layers.empty() ? m.info.input : m.info.layers.back().out;
    o << "\nmodel.eval()\nwith torch.no_grad():\n    y = model(x)\n"
      << "assert tuple(y.shape) == (" << shape_args(out) << (out.size() == 1 ? "," : "") << "), tuple(y.shape)\n"
      << "print(\"output shape\", tuple(y.shape))\n";
    return o.str();
}

}  // namespace cp
