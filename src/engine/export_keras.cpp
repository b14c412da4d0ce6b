// The Keras exporter: Python code (channels_last) whose shapes stay PyTorch's layer by layer,
// with a comment wherever Keras differs, and the same model as TensorFlow.js tf.layers configs
// (1-d layers as 2-d of height 1, tf.layers' own limits worked around) so Node can check the
// shapes without TensorFlow. One description per layer feeds both.
#include <sstream>

#include "core/codec.hpp"
#include "engine/export.hpp"

namespace cp {

namespace {

// One Keras layer: the Python call and its tf.layers twin (same shapes).
struct KLayer {
    int layer = 0;
    std::string py_class;                                 // "Conv2D", or empty when `py_expr` says it all
    std::string py_expr;                                  // a custom Python expression (a Lambda)
    std::vector<std::pair<std::string, std::string>> py;  // keyword args, Python text
    std::string js_class;
    std::vector<std::pair<std::string, std::string>> js;  // config keys, JSON text
    std::vector<std::string> notes;                       // comments above the line
    Dims expect;                                          // channels_last shape after it (last of a state layer)
};

std::string list_js(const std::vector<int64_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(v[i]);
    }
    return s + "]";
}
// Builds one KLayer for a layer with `axes` spatial axes (1-d becomes 2-d of height 1 in tf.layers).
class Builder {
public:
    Builder(int layer, int axes, const std::string& cls) : axes_(axes) {
        k_.layer = layer;
        k_.py_class = axes == 1 ? replace_2d(cls) : cls;
        k_.js_class = cls;
    }
    // A per-axis size (kernel, stride, ...): Python a number or tuple, tf.layers [h, w].
    Builder& sizes(const std::string& py, const std::string& js, std::vector<int64_t> v, int64_t height_1d = 1) {
        k_.py.emplace_back(py, python_sizes(v));
        if (axes_ == 1) v.insert(v.begin(), height_1d);
        k_.js.emplace_back(js, list_js(v));
        return *this;
    }
    // Per-side amounts ((top, bottom), (left, right)), for ZeroPadding / Cropping.
    Builder& sides(const std::string& name, const std::vector<std::array<int64_t, 2>>& s) {
        std::string py, js = "[";
        if (axes_ == 1) {
            py = s[0][0] == s[0][1] ? std::to_string(s[0][0]) : "(" + std::to_string(s[0][0]) + ", " + std::to_string(s[0][1]) + ")";
            js += "[0,0],";
        } else {
            py = "(";
            for (size_t a = 0; a < s.size(); ++a)
                py += (a ? ", " : "") + std::string("(") + std::to_string(s[a][0]) + ", " + std::to_string(s[a][1]) + ")";
            py += ")";
        }
        for (size_t a = 0; a < s.size(); ++a)
            js += (a ? "," : "") + std::string("[") + std::to_string(s[a][0]) + "," + std::to_string(s[a][1]) + "]";
        k_.py.emplace_back(name, py);
        k_.js.emplace_back(name, js + "]");
        return *this;
    }
    Builder& arg(const std::string& py, const std::string& js, const std::string& py_value, const std::string& js_value) {
        if (!py.empty()) k_.py.emplace_back(py, py_value);
        if (!js.empty()) k_.js.emplace_back(js, js_value);
        return *this;
    }
    Builder& str(const std::string& py, const std::string& js, const std::string& v) {
        return arg(py, js, "\"" + v + "\"", "\"" + v + "\"");
    }
    Builder& integer(const std::string& py, const std::string& js, int64_t v) {
        return arg(py, js, std::to_string(v), std::to_string(v));
    }
    Builder& boolean(const std::string& py, const std::string& js, bool v) {
        return arg(py, js, v ? "True" : "False", v ? "true" : "false");
    }
    Builder& note(const std::string& n) {
        k_.notes.push_back(n);
        return *this;
    }
    Builder& python(const std::string& expr) {
        k_.py_expr = expr;
        return *this;
    }
    KLayer done() { return k_; }

private:
    static std::string replace_2d(std::string c) {
        if (auto p = c.find("2D"); p != std::string::npos) c.replace(p, 2, "1D");
        return c;
    }
    int axes_;
    KLayer k_;
};

using Sides = std::vector<std::array<int64_t, 2>>;

bool any_nonzero(const Sides& s) {
    for (const auto& a : s)
        if (a[0] || a[1]) return true;
    return false;
}

// Zero padding for the positive sides, cropping for the negative ones (crop first, as F.pad).
void pad_and_crop(std::vector<KLayer>& out, int number, int axes, const Sides& s, const std::string& note) {
    Sides crop = s, pad = s;
    for (auto& a : crop) a = {std::max<int64_t>(0, -a[0]), std::max<int64_t>(0, -a[1])};
    for (auto& a : pad) a = {std::max<int64_t>(0, a[0]), std::max<int64_t>(0, a[1])};
    if (any_nonzero(crop)) out.push_back(Builder(number, axes, "Cropping2D").sides("cropping", crop).done());
    if (any_nonzero(pad)) {
        KLayer k = Builder(number, axes, "ZeroPadding2D").sides("padding", pad).done();
        if (!note.empty()) k.notes.push_back(note);
        out.push_back(k);
    }
}

std::vector<int64_t> axes_vec(const Axes& v, int axes) { return {v.begin(), v.begin() + axes}; }

Sides info_sides(const LayerInfo& info) {
    Sides s;
    for (int a = 0; a < info.axes; ++a) s.push_back({info.axis[a].pad_before, info.axis[a].pad_after});
    return s;
}

std::string tf_pad_list(const Sides& s) {
    std::string p = "[[0, 0]";
    for (const auto& a : s) p += ", [" + std::to_string(a[0]) + ", " + std::to_string(a[1]) + "]";
    return p + ", [0, 0]]";
}

void conv_layers(std::vector<KLayer>& out, const Layer& L, const LayerInfo& info, int number) {
    const int axes = info.axes;
    const Sides sides = info_sides(info);
    bool dilated = false, strided = false;
    for (int a = 0; a < axes; ++a) dilated |= L.dilation[a] > 1, strided |= L.stride[a] > 1;
    std::string padding = "valid";
    if (L.pad_kind == PadKind::Same || L.pad_kind == PadKind::TfSame) {
        if (L.padding_mode == PadMode::Zeros) padding = "same";  // both put the odd extra at the end
    }
    if (padding == "valid") {
        if (L.padding_mode == PadMode::Reflect) {
            // negative sides crop first (as F.pad), then tf.pad REFLECT, which is PyTorch's reflect
            Sides crop = sides, pad = sides;
            for (auto& a : crop) a = {std::max<int64_t>(0, -a[0]), std::max<int64_t>(0, -a[1])};
            for (auto& a : pad) a = {std::max<int64_t>(0, a[0]), std::max<int64_t>(0, a[1])};
            if (any_nonzero(crop)) out.push_back(Builder(number, axes, "Cropping2D").sides("cropping", crop).done());
            if (any_nonzero(pad)) {
                KLayer k = Builder(number, axes, "ZeroPadding2D").sides("padding", pad).done();  // tf.layers: the shape
                k.py_expr = "layers.Lambda(lambda t: tf.pad(t, " + tf_pad_list(pad) + ", mode=\"REFLECT\"))";
                k.notes.push_back("padding_mode='reflect': Keras has no such layer; tf.pad's REFLECT is PyTorch's reflect");
                out.push_back(k);
            }
        } else {
            std::string note;
            if (L.padding_mode == PadMode::Replicate || L.padding_mode == PadMode::Circular)
                note = std::string("padding_mode='") + pad_mode_name(L.padding_mode) +
                       "' has no Keras layer (tf.pad has no edge or wrap mode): zeros here keep PyTorch's shape, not its border values";
            else if (L.pad_kind == PadKind::Explicit || L.pad_kind == PadKind::Full)
                note = "PyTorch's numeric padding has no Keras twin: ZeroPadding + a 'valid' conv keep PyTorch's shape";
            pad_and_crop(out, number, axes, sides, note);
        }
    }
    const bool split_stride = dilated && strided;  // Keras refuses strides > 1 with dilation_rate > 1
    Builder b(number, axes, "Conv2D");
    b.integer("filters", "filters", L.out_channels).sizes("kernel_size", "kernelSize", axes_vec(L.kernel, axes));
    if (!split_stride && strided) b.sizes("strides", "strides", axes_vec(L.stride, axes));
    b.str("padding", "padding", padding);
    if (dilated) b.sizes("dilation_rate", "dilationRate", axes_vec(L.dilation, axes));
    if (L.groups != 1) b.integer("groups", "", L.groups);  // tf.layers has no groups (same shape without)
    if (!L.bias) b.boolean("use_bias", "useBias", false);
    if (padding == "same" && L.pad_kind == PadKind::Same)
        b.note("padding='same' (stride 1): Keras's twin, odd extra at the end as in PyTorch");
    if (padding == "same" && L.pad_kind == PadKind::TfSame) b.note("p=tfsame is Keras's own padding='same'");
    out.push_back(b.done());
    if (split_stride) {
        KLayer k = Builder(number, axes, "MaxPooling2D")
                       .sizes("pool_size", "poolSize", std::vector<int64_t>(size_t(axes), 1))
                       .sizes("strides", "strides", axes_vec(L.stride, axes))
                       .done();
        k.notes.push_back("Keras refuses strides > 1 with dilation_rate > 1: a stride-1 dilated conv, then every s-th cell (a 1-wide pool)");
        out.push_back(k);
    }
}

void convt_layers(std::vector<KLayer>& out, const Layer& L, const LayerInfo& info, int number) {
    const int axes = info.axes;
    bool op_ok = true, dilated = false;
    for (int a = 0; a < axes; ++a) op_ok &= L.output_padding[a] < L.stride[a], dilated |= L.dilation[a] > 1;
    Builder b(number, axes, "Conv2DTranspose");
    b.integer("filters", "filters", L.out_channels).sizes("kernel_size", "kernelSize", axes_vec(L.kernel, axes));
    b.sizes("strides", "strides", axes_vec(L.stride, axes)).str("padding", "padding", "valid");
    // Python: output_padding (even 0) makes Keras use PyTorch's (in-1)*s + d*(k-1)+1 + op; without
    // it, 'valid' gives in*s + max(k - s, 0), which differs when k < s.
    b.arg("output_padding", "", python_sizes(op_ok ? axes_vec(L.output_padding, axes) : std::vector<int64_t>(size_t(axes), 0)), "");
    if (dilated) b.sizes("dilation_rate", "", axes_vec(L.dilation, axes));
    if (!L.bias) b.boolean("use_bias", "useBias", false);
    b.note("PyTorch's padding crops the full transposed output: Conv" + std::to_string(axes) +
           "DTranspose('valid', output_padding) then Cropping. (padding='same' would give in*s instead.)");
    if (L.groups != 1)
        b.note("groups=" + std::to_string(L.groups) + ": Keras's Conv" + std::to_string(axes) +
               "DTranspose has no groups; this dense one has the same shape, not the same weights");
    // tf.layers' Conv2DTranspose knows neither output_padding nor dilation: give it the dilated
    // extent as the kernel and fix the length it makes, in*s + max(ke - s, 0), to PyTorch's full one.
    KLayer k = b.done();
    std::vector<int64_t> ke;
    Sides fix;
    for (int a = 0; a < axes; ++a) {
        const AxisInfo& x = info.axis[a];
        ke.push_back(x.eff_kernel);
        const int64_t op = op_ok ? x.output_padding : 0;
        const int64_t full = (x.in - 1) * x.stride + x.eff_kernel + op;
        const int64_t tfjs = x.in * x.stride + std::max<int64_t>(0, x.eff_kernel - x.stride);
        fix.push_back({0, full - tfjs});
    }
    for (auto& [key, v] : k.js)
        if (key == "kernelSize") v = list_js(axes == 1 ? std::vector<int64_t>{1, ke[0]} : ke);
    k.js_class = "Conv2DTranspose";
    out.push_back(k);
    // tf.layers-only fix-ups (Python already has these lengths): extra cells or a crop at the end.
    Sides grow = fix, shrink = fix;
    for (auto& a : grow) a[1] = std::max<int64_t>(0, a[1]);
    for (auto& a : shrink) a[1] = std::max<int64_t>(0, -a[1]);
    if (any_nonzero(grow)) {
        KLayer g = Builder(number, axes, "ZeroPadding2D").sides("padding", grow).done();
        g.py_class = "";  // tf.layers only
        out.push_back(g);
    }
    if (any_nonzero(shrink)) {
        KLayer c = Builder(number, axes, "Cropping2D").sides("cropping", shrink).done();
        c.py_class = "";
        out.push_back(c);
    }
    if (!op_ok) {
        Sides extra;
        for (int a = 0; a < axes; ++a) extra.push_back({0, L.output_padding[a]});
        pad_and_crop(out, number, axes, extra,
                     "output_padding >= stride (allowed by PyTorch when dilation is larger) is refused by Keras: "
                     "zeros keep the shape; PyTorch fills those cells from the kernel and the bias");
    }
    Sides crop;
    for (int a = 0; a < axes; ++a) crop.push_back({L.pad[2 * a], L.pad[2 * a + 1]});
    if (any_nonzero(crop)) out.push_back(Builder(number, axes, "Cropping2D").sides("cropping", crop).done());
}

void pool_layers(std::vector<KLayer>& out, const Layer& L, const LayerInfo& info, int number) {
    const int axes = info.axes;
    const bool maxp = L.op == Op::MaxPool;
    Sides pads;
    bool extra = false, dilated = false, padded = false;
    for (int a = 0; a < axes; ++a) {
        const AxisInfo& x = info.axis[a];
        // ceil_mode: the extra window reaches past the padding; pad that much more at the end
        const int64_t end = std::max<int64_t>(0, (x.out - 1) * x.stride + x.eff_kernel - (x.in + 2 * x.pad_before));
        pads.push_back({x.pad_before, x.pad_after + end});
        extra |= end > 0, dilated |= x.dilation > 1, padded |= x.pad_before > 0;
    }
    std::string note;
    if (padded && maxp) note = "PyTorch pads a max pool with -inf; Keras has only zeros: the same unless a whole padded window is negative";
    if (padded && !maxp && !L.count_include_pad)
        note = "count_include_pad=False: Keras averages over these padding zeros too (PyTorch leaves them out)";
    if (extra)
        note += std::string(note.empty() ? "" : "; ") + "ceil_mode: Keras has none; extra zeros at the end give PyTorch's window count" +
                (maxp ? "" : " (PyTorch's average leaves them out)");
    pad_and_crop(out, number, axes, pads, note);
    std::vector<int64_t> window;
    for (int a = 0; a < axes; ++a) window.push_back(info.axis[a].eff_kernel);
    Builder b(number, axes, maxp ? "MaxPooling2D" : "AveragePooling2D");
    b.sizes("pool_size", "poolSize", window).sizes("strides", "strides", axes_vec(L.stride, axes)).str("padding", "padding", "valid");
    if (dilated) b.note("Keras pools have no dilation: a window of the dilated extent gives the shape, not the values");
    out.push_back(b.done());
}

void upsample_layers(std::vector<KLayer>& out, const Layer& L, const LayerInfo& info, int number) {
    const int axes = info.axes;
    bool integer = !L.up_by_size;
    std::vector<int64_t> factor, size;
    for (int a = 0; a < axes; ++a) {
        const AxisInfo& x = info.axis[a];
        integer &= x.out % x.in == 0 && double(x.out / x.in) == L.scale[a];
        factor.push_back(x.in ? x.out / x.in : 1);
        size.push_back(x.out);
    }
    const bool linear = L.mode != UpMode::Nearest;
    if (integer && (!linear || axes == 2)) {
        Builder b(number, axes, "UpSampling2D");
        b.sizes("size", "size", factor);
        if (linear) b.str("interpolation", "interpolation", "bilinear");
        if (L.align_corners == 1) b.note("align_corners=True has no Keras twin: Keras interpolates with half-pixel centres");
        out.push_back(b.done());
        return;
    }
    // Any other size: Resizing (1-d as an image of height 1).
    KLayer k = Builder(number, 2, "Resizing").done();
    const std::string interp = linear ? "bilinear" : "nearest";
    const std::string h = axes == 2 ? std::to_string(size[0]) : "1", w = std::to_string(size.back());
    k.py_class = "";
    k.js = {{"height", h}, {"width", w}, {"interpolation", "\"" + interp + "\""}};
    if (axes == 1) {
        k.py_expr = "layers.Reshape((1, -1, " + std::to_string(info.in[1]) + ")), layers.Resizing(1, " + w +
                    ", interpolation=\"" + interp + "\"), layers.Reshape((" + w + ", " + std::to_string(info.in[1]) + "))";
    } else {
        k.py_expr = "layers.Resizing(" + h + ", " + w + ", interpolation=\"" + interp + "\")";
    }
    if (!linear) k.notes.push_back("a non-integer nearest resize: TF picks source cells by its own rule, PyTorch by floor(dst * in/out): values may differ");
    if (L.align_corners == 1) k.notes.push_back("align_corners=True has no Keras twin: Keras interpolates with half-pixel centres");
    out.push_back(k);
}

std::vector<KLayer> describe(const ExportModel& m) {
    std::vector<KLayer> out;
    for (size_t i = 0; i < m.state.net.size(); ++i) {
        const Layer& L = m.state.net[i];
        const LayerInfo& info = m.info.layers[i];
        const int n = static_cast<int>(i) + 1;
        const size_t first = out.size();
        switch (L.op) {
            case Op::Conv: conv_layers(out, L, info, n); break;
            case Op::ConvT: convt_layers(out, L, info, n); break;
            case Op::MaxPool:
            case Op::AvgPool: pool_layers(out, L, info, n); break;
            case Op::Upsample: upsample_layers(out, L, info, n); break;
            case Op::Crop: pad_and_crop(out, n, info.axes, info_sides(info), ""); break;  // Cropping1D/2D
            case Op::ReLU: out.push_back(Builder(n, 2, "ReLU").done()); break;
            case Op::LeakyReLU: {
                const std::string a = python_double(L.negative_slope);
                out.push_back(Builder(n, 2, "LeakyReLU").arg("alpha", "alpha", a, a).done());
                break;
            }
            case Op::Sigmoid:
            case Op::Tanh: {
                const char* f = L.op == Op::Sigmoid ? "sigmoid" : "tanh";
                out.push_back(Builder(n, 2, "Activation").str("activation", "activation", f).done());
                break;
            }
        }
        // channels_last: N, spatial..., C
        Dims e{info.out[0]};
        e.insert(e.end(), info.out.begin() + 2, info.out.end());
        e.push_back(info.out[1]);
        if (out.size() > first) out.back().expect = e;
    }
    return out;
}

Dims channels_last(const Dims& d) {
    Dims e{d[0]};
    e.insert(e.end(), d.begin() + 2, d.end());
    e.push_back(d[1]);
    return e;
}

std::string py_tuple(const Dims& d) {
    std::string s = "(";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + (d.size() == 1 ? ",)" : ")");
}

}  // namespace

std::string export_keras(const ExportModel& m) {
    const auto layers_ = describe(m);
    std::ostringstream o;
    const Dims in = channels_last(m.info.input);
    o << "# convplay export (Keras): this state's layer stack with PyTorch's shapes, layer by layer.\n"
      << "#   " << print_state(m.state) << "\n"
      << "# Keras is channels_last: shapes here are (N, H, W, C) (1-d: (N, L, C)); PyTorch's (N, C, H, W)\n"
      << "# output is y.transpose(0, 3, 1, 2). Where Keras has no twin for a PyTorch argument, a comment\n"
      << "# says what is done instead (ZeroPadding/Cropping around a 'valid' layer keeps the shapes).\n"
      << "# Weights are Keras's own initialisation; convplay's values travel with --to pytorch or --to onnx.\n"
      << "import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n\n"
      << "inputs = keras.Input(shape=" << py_tuple(Dims(in.begin() + 1, in.end())) << ", batch_size=" << in[0] << ")\n"
      << "x = inputs\n";
    int current = 0;
    for (const KLayer& k : layers_) {
        if (k.py_class.empty() && k.py_expr.empty()) continue;  // a tf.layers-only fix-up
        if (k.layer != current) {
            current = k.layer;
            const LayerInfo& info = m.info.layers[size_t(current - 1)];
            o << "\n# " << current << ". " << print_layer(m.state.net[size_t(current - 1)]) << ": "
              << py_tuple(channels_last(info.in)) << " -> " << py_tuple(channels_last(info.out)) << "\n";
        }
        for (const auto& n : k.notes) o << "# " << n << "\n";
        if (!k.py_expr.empty()) {
            if (k.py_expr.find("), layers.") != std::string::npos) {  // several layers in a row
                std::string e = k.py_expr;
                size_t p = 0, start = 0;
                while ((p = e.find("), layers.", start)) != std::string::npos) {
                    o << "x = " << e.substr(start, p + 1 - start) << "(x)\n";
                    start = p + 3;
                }
                o << "x = " << e.substr(start) << "(x)\n";
            } else {
                o << "x = " << k.py_expr << "(x)\n";
            }
            continue;
        }
        o << "x = layers." << k.py_class << "(";
        for (size_t i = 0; i < k.py.size(); ++i) o << (i ? ", " : "") << k.py[i].first << "=" << k.py[i].second;
        o << ")(x)\n";
    }
    const Dims out = channels_last(m.state.net.empty() ? m.info.input : m.info.layers.back().out);
    o << "\nmodel = keras.Model(inputs, x)\n"
      << "assert tuple(model.output_shape) == " << py_tuple(out) << ", model.output_shape\n"
      << "model.summary()\n";
    return o.str();
}

std::string export_keras_json(const ExportModel& m) {
    // tf.layers works in 2-d: 1-d tensors are (N, 1, L, C).
    auto as_2d = [](Dims d) {
        if (d.size() == 3) d.insert(d.begin() + 1, 1);
        return d;
    };
    std::ostringstream o;
    o << "{\"input\":" << list_js(as_2d(channels_last(m.info.input))) << ",\"layers\":[";
    bool first = true;
    for (const KLayer& k : describe(m)) {
        o << (first ? "" : ",") << "\n{\"layer\":" << k.layer << ",\"className\":\"" << k.js_class << "\",\"config\":{";
        for (size_t i = 0; i < k.js.size(); ++i) o << (i ? "," : "") << "\"" << k.js[i].first << "\":" << k.js[i].second;
        o << "},\"expect\":" << (k.expect.empty() ? "null" : list_js(as_2d(k.expect))) << "}";
        first = false;
    }
    o << "]}\n";
    return o.str();
}

}  // namespace cp
