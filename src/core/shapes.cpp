// Shape arithmetic and validation in PyTorch 1.13's order and words.
// Each op's checks run in the order PyTorch runs them (module __init__ first, then forward:
// torch.nn.functional, then ATen's check_shape_forward / backend shape checks), so the first
// failing check gives the message PyTorch would print. Golden fixtures (tests/fixtures) made with
// PyTorch hold this to account.
//
// [SECTION] helpers
// [SECTION] conv        - Conv1d/2d incl. padding words and padding modes
// [SECTION] convT       - ConvTranspose1d/2d
// [SECTION] pools       - MaxPool/AvgPool 1d/2d
// [SECTION] upsample
// [SECTION] crop
// [SECTION] net
#include "core/shapes.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/codec.hpp"
#include "core/limits.hpp"

namespace cp {

// [SECTION] helpers ------------------------------------------------------------------------

std::string torch_sizes(const Dims& d) {
    std::string s = "[";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + "]";
}

std::string shape_text(const Dims& d) {
    std::string s;
    for (size_t i = 0; i < d.size(); ++i) s += (i ? "x" : "") + std::to_string(d[i]);
    return s;
}

Dims input_dims(const State& state) {
    Dims d{state.batch};
    d.insert(d.end(), state.in_shape.begin(), state.in_shape.end());
    return d;
}

namespace {

constexpr int64_t kMaxOutputAxis = int64_t(1) << 24;  // keeps every product inside int64

const char* axis_label(int axes, int a) { return axes == 1 ? "L" : (a == 0 ? "H" : "W"); }

// Floor division (PyTorch's div_rtn) for possibly negative numerators.
int64_t div_floor(int64_t a, int64_t b) {
    int64_t q = a / b, r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? q - 1 : q;
}

std::string join_x(const std::vector<int64_t>& v) {  // "7 x 7"
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? " x " : "") + std::to_string(v[i]);
    return s;
}

// The shape ATen's 2-d kernels see: 1-d inputs (N, C, L) are viewed as (N, C, 1, L).
Dims as_2d(const Dims& in) { return in.size() == 3 ? Dims{in[0], in[1], 1, in[2]} : in; }

bool is_empty(const Dims& d) {
    for (int64_t v : d)
        if (v == 0) return true;
    return false;
}

Status fail(LayerInfo& info, std::string msg, std::string hint = {}) {
    info.status = Status::error(std::move(msg), std::move(hint));
    return info.status;
}

// The spatial rank a layer needs must match the tensor it gets. PyTorch would silently read a
// (N, C, L) tensor as an unbatched (C, H, W) image here; convplay always has a batch axis, so
// a mismatch is a mistake in the stack and is said plainly.
bool check_rank(const Layer& L, const Dims& in, LayerInfo& info) {
    const int spatial = static_cast<int>(in.size()) - 2;
    if (L.dims != 0 && L.dims != spatial) {
        fail(info,
             std::string(torch_class_name(L.op, L.dims)) + " needs a " + (L.dims == 1 ? "(N, C, L)" : "(N, C, H, W)") +
                 " input, but layer " + std::to_string(info.index + 1) + " gets " + torch_sizes(in),
             L.dims == 1 ? "use the 2-d layer, or a CxL input" : "use the 1-d layer, or a CxHxW input");
        return false;
    }
    return true;
}

void finish_shape(LayerInfo& info, int64_t channels) {
    info.out = {info.in[0], channels};
    for (int a = 0; a < info.axes; ++a) info.out.push_back(info.axis[a].out);
    info.out_channels = channels;
}

bool check_output_bound(LayerInfo& info) {
    for (int a = 0; a < info.axes; ++a)
        if (info.axis[a].out > kMaxOutputAxis) {
            fail(info, "output size " + std::to_string(info.axis[a].out) + " along " + axis_label(info.axes, a) +
                           " is too large for convplay (at most " + std::to_string(kMaxOutputAxis) + ")");
            return false;
        }
    return true;
}

// The weight tensor nn.ConvNd / nn.ConvTransposeNd creates: [out, in/g, k...] / [in, out/g, k...]
// (Python's floor division).
Dims weight_shape(const Layer& L, int64_t c_in, int axes) {
    Dims w = L.op == Op::ConvT ? Dims{c_in, div_floor(L.out_channels, L.groups)}
                               : Dims{L.out_channels, div_floor(c_in, L.groups)};
    for (int a = 0; a < axes; ++a) w.push_back(L.kernel[a]);
    return w;
}

// Creating the weight (PyTorch's words for a negative size), then what PyTorch would silently
// accept as an empty tensor, then explicit values that must fit.
bool check_weights(const Layer& L, const Dims& wshape, int axes, LayerInfo& info) {
    for (int64_t v : wshape)
        if (v < 0) {
            fail(info, "Trying to create tensor with negative dimension " + std::to_string(v) + ": " + torch_sizes(wshape));
            return false;
        }
    int64_t n = 1;
    for (int64_t v : wshape) n *= v;
    if (!L.weight_values.empty() && static_cast<int64_t>(L.weight_values.size()) != n) {
        fail(info, "wv has " + std::to_string(L.weight_values.size()) + " values but the weight of size " +
                       torch_sizes(wshape) + " needs " + std::to_string(n));
        return false;
    }
    if (!L.bias_values.empty() && static_cast<int64_t>(L.bias_values.size()) != L.out_channels) {
        fail(info, "bv has " + std::to_string(L.bias_values.size()) + " values but the bias needs " +
                       std::to_string(L.out_channels));
        return false;
    }
    return true;
}

// What conv and convT check alike, in PyTorch's words.

// nn.ConvNd.__init__: groups against the channels.
bool check_groups(const Layer& L, int64_t c_in, LayerInfo& info) {
    const int64_t g = L.groups;
    if (g <= 0) fail(info, "groups must be a positive integer");
    else if (c_in % g != 0) fail(info, "in_channels must be divisible by groups");
    else if (L.out_channels % g != 0) fail(info, "out_channels must be divisible by groups");
    else return true;
    return false;
}

// ATen check_shape_forward after its padding checks: the stride, then the weight's first axis
// against the groups.
bool check_stride_and_weight(const Layer& L, const Dims& wshape, int axes, LayerInfo& info) {
    for (int a = 0; a < axes; ++a)
        if (L.stride[a] <= 0) {
            fail(info, "non-positive stride is not supported");
            return false;
        }
    if (wshape[0] < L.groups) {
        fail(info, "Given groups=" + std::to_string(L.groups) + ", expected weight to be at least " +
                       std::to_string(L.groups) + " at dimension 0, but got weight of size " + torch_sizes(wshape) +
                       " instead");
        return false;
    }
    return true;
}

// The hint under PyTorch's channel-mismatch message.
std::string channels_hint(const Dims& in) {
    return "in_channels must equal the channels the previous layer produces (" + std::to_string(in[1]) + ")";
}

// _select_conv_backend: an input with an empty axis has no backend (1-d viewed as 2-d).
bool check_not_empty(const Dims& in, LayerInfo& info) {
    if (!is_empty(in)) return true;
    fail(info, "Only zero batch or zero channel inputs are supported, but got input shape: " + torch_sizes(as_2d(in)));
    return false;
}

// slow_conv2d's (and slow_conv_transpose2d's) word for a kernel axis of 0 or less.
Status fail_kernel_size(LayerInfo& info, int64_t kh, int64_t kw) {
    return fail(info, "kernel size should be greater than zero, but got kernel_height: " + std::to_string(kh) +
                          " kernel_width: " + std::to_string(kw));
}

// [SECTION] conv ---------------------------------------------------------------------------

// Resolves the padding word / per-side numbers of a conv into the padding per side.
// `module_pad`: the pad F.pad applies first (non-zeros modes, per-side and TF 'SAME');
// `conv_pad`: the symmetric padding the convolution itself applies.
struct ConvPadding {
    std::array<int64_t, 2 * kMaxAxes> pre{0, 0, 0, 0};
    Axes conv{0, 0};
    bool uses_pre = false;  // F.pad runs first
};

ConvPadding resolve_conv_padding(const Layer& L, const Dims& in, int axes) {
    ConvPadding r;
    for (int a = 0; a < axes; ++a) {
        const int64_t ke = L.dilation[a] * (L.kernel[a] - 1) + 1;
        int64_t before = 0, after = 0;
        switch (L.pad_kind) {
            case PadKind::Explicit: before = L.pad[2 * a], after = L.pad[2 * a + 1]; break;
            case PadKind::Valid: break;
            case PadKind::Full: before = after = ke - 1; break;
            case PadKind::Same: {  // PyTorch: total d*(k-1), the odd one out goes after
                // (ATen halves in C++, truncating; nn.ConvNd's F.pad for other modes in Python,
                // flooring: they differ for a negative total, i.e. k = 0)
                const int64_t total = L.dilation[a] * (L.kernel[a] - 1);
                before = L.padding_mode == PadMode::Zeros ? total / 2 : div_floor(total, 2), after = total - before;
                break;
            }
            case PadKind::TfSame: {
                const SidePads tf = tf_same_pads(in[2 + a], L.stride[a] > 0 ? L.stride[a] : 1, ke);
                before = tf.before, after = tf.after;
                break;
            }
        }
        r.pre[2 * a] = before, r.pre[2 * a + 1] = after;
    }
    const bool symmetric = [&] {
        for (int a = 0; a < axes; ++a)
            if (r.pre[2 * a] != r.pre[2 * a + 1]) return false;
        return true;
    }();
    if (L.padding_mode == PadMode::Zeros && symmetric && L.pad_kind != PadKind::TfSame) {
        for (int a = 0; a < axes; ++a) r.conv[a] = r.pre[2 * a];
        r.pre = {0, 0, 0, 0};
    } else if (L.padding_mode == PadMode::Zeros && L.pad_kind == PadKind::Same) {
        // ATen (conv_padding_same) pads only the difference, at the end when it is positive and
        // at the start when negative, then convolves with the symmetric part.
        for (int a = 0; a < axes; ++a) {
            const int64_t before = r.pre[2 * a], after = r.pre[2 * a + 1], delta = after - before;
            r.conv[a] = delta > 0 ? before : after;
            r.pre[2 * a] = delta > 0 ? 0 : delta;
            r.pre[2 * a + 1] = delta > 0 ? delta : 0;
        }
        r.uses_pre = true;
    } else {
        r.uses_pre = true;
    }
    return r;
}

// F.pad(x, pads, mode) as PyTorch 1.13 checks it. Negative pads crop (reachable through a
// negative padding with a non-zeros padding_mode), and each mode words a too-small result its own way.
bool check_module_pad(const Layer& L, const Dims& in, const ConvPadding& P, int axes, LayerInfo& info) {
    if (L.padding_mode == PadMode::Zeros) {
        // ATen constant_pad_nd: negative sides narrow() the input first (H, then W; before, then
        // after), in narrow's own words; then, when some side is positive, each new size must be > 0.
        bool any_positive = false;
        for (int a = 0; a < axes; ++a) {
            int64_t cur = in[2 + a];
            const int64_t before = P.pre[2 * a], after = P.pre[2 * a + 1];
            if (before < 0) {
                const int64_t start = -before;
                if (start != cur && start >= cur) {
                    fail(info, "Dimension out of range (expected to be in range of [" + std::to_string(-cur) + ", " +
                                   std::to_string(cur - 1) + "], but got " + std::to_string(start) + ")");
                    return false;
                }
                cur -= start;
            }
            if (after < 0 && cur + after < 0) {
                fail(info, "start (0) + length (" + std::to_string(cur + after) + ") exceeds dimension size (" +
                               std::to_string(cur) + ").");
                return false;
            }
            any_positive |= before > 0 || after > 0;
        }
        if (any_positive)
            for (int a = 0; a < axes; ++a) {
                const int64_t before = P.pre[2 * a], after = P.pre[2 * a + 1];
                if (in[2 + a] + before + after <= 0) {
                    fail(info, "The input size " + std::to_string(in[2 + a]) + ", plus negative padding " +
                                   std::to_string(before) + " and " + std::to_string(after) +
                                   " resulted in a negative output size, which is invalid. Check dimension " +
                                   std::to_string(2 + a) + " of your input.");
                    return false;
                }
            }
        return true;
    }
    // Reflect and replicate refuse an empty input before anything else.
    if (is_empty(in) && L.padding_mode == PadMode::Reflect) {
        std::string t = "[ torch.FloatTensor{";
        for (size_t i = 0; i < in.size(); ++i) t += (i ? "," : "") + std::to_string(in[i]);
        fail(info, std::string(axes == 1 ? "2D or 3D" : "3D or 4D") + " (batch mode) tensor expected for input, but got: " +
                       t + "} ]");
        return false;
    }
    if (is_empty(in) && L.padding_mode == PadMode::Replicate) {
        fail(info, std::string("Expected ") + (axes == 1 ? "2D or 3D" : "3D or 4D") +
                       " (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: " +
                       torch_sizes(in));
        return false;
    }
    auto out_size = [&](int a) { return in[2 + a] + P.pre[2 * a] + P.pre[2 * a + 1]; };
    const std::string n = std::to_string(in.size());
    if (L.padding_mode == PadMode::Circular) {
        for (int a = 0; a < axes; ++a) {  // H, then W
            if (!(P.pre[2 * a] <= in[2 + a] && P.pre[2 * a + 1] <= in[2 + a])) {
                fail(info, "Padding value causes wrapping around more than once.",
                     "circular padding can wrap around at most once: padding <= input size");
                return false;
            }
            if (out_size(a) < 0) {
                fail(info, "Negative padding value is resulting in an empty dimension");
                return false;
            }
        }
        // _pad_circular crops, then copies the wrapped parts from inside its own output: a side
        // longer than what the crop left makes the two ranges overlap, which copy_ refuses.
        for (int a = 0; a < axes; ++a) {
            const int64_t before = P.pre[2 * a], after = P.pre[2 * a + 1];
            const int64_t kept = in[2 + a] - std::max<int64_t>(0, -before) - std::max<int64_t>(0, -after);
            if (kept > 0 && (before > kept || after > kept)) {
                fail(info, "unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
                           "single memory location. Please clone() the tensor before performing the operation.");
                return false;
            }
        }
        return true;
    }
    if (L.padding_mode == PadMode::Reflect) {
        for (int a = axes - 1; a >= 0; --a) {  // W, then H
            const int64_t size = in[2 + a], pb = P.pre[2 * a], pe = P.pre[2 * a + 1];
            if (!(pb < size && pe < size)) {
                fail(info, "Argument #" + std::string(a == axes - 1 ? "4" : "6") +
                               ": Padding size should be less than the corresponding input dimension, but got: padding (" +
                               std::to_string(pb) + ", " + std::to_string(pe) + ") at dimension " + std::to_string(2 + a) +
                               " of input " + (axes == 1 ? torch_sizes(in) : n),
                     "reflect padding must be smaller than the input it reflects");
                return false;
            }
        }
    }
    // What is left: the size of the result (a crop can empty it).
    const bool reflect = L.padding_mode == PadMode::Reflect;
    if (axes == 1) {
        if (out_size(0) < 1) {
            fail(info, std::string(reflect ? "2input (W: " : "input (W: ") + std::to_string(in[2]) +
                           (reflect ? ")is too small" : ") is too small") +
                           ". Calculated output W: " + std::to_string(out_size(0)));
            return false;
        }
        return true;
    }
    if (out_size(0) < 1 && out_size(1) < 1) {
        fail(info, "input (H: " + std::to_string(in[2]) + ", W: " + std::to_string(in[3]) +
                       (reflect ? ")is too small" : " ) is too small") + ". Calculated output H: " +
                       std::to_string(out_size(0)) + " W: " + std::to_string(out_size(1)));
        return false;
    }
    if (out_size(0) < 0 || out_size(1) < 0) {
        if (reflect) {
            fail(info, "numel: integer multiplication overflow");
        } else {
            Dims shape{in[0], in[1], out_size(0), out_size(1)};
            const int64_t neg = out_size(0) < 0 ? out_size(0) : out_size(1);
            fail(info, "Trying to create tensor with negative dimension " + std::to_string(neg) + ": " + torch_sizes(shape));
        }
        return false;
    }
    return true;
}

void conv_formula(LayerInfo& info) {
    for (int a = 0; a < info.axes; ++a) {
        AxisInfo& x = info.axis[a];
        const int64_t num = x.in + x.pad_before + x.pad_after - x.eff_kernel;
        std::ostringstream f;
        f << axis_label(info.axes, a) << ": floor((" << x.in << " + " << x.pad_before << " + " << x.pad_after << " - "
          << x.eff_kernel << ") / " << x.stride << ") + 1 = floor(" << num << " / " << x.stride << ") + 1 = " << x.out;
        if (x.gap > 0) f << "  (" << num << " mod " << x.stride << " = " << x.gap << " left uncovered)";
        x.formula = f.str();
    }
}

Status conv_info(const Layer& L, const Dims& in, LayerInfo& info) {
    const int axes = L.dims;
    const int64_t c_in = L.in_channels.value_or(in[1]);
    const int64_t g = L.groups;
    // nn.ConvNd.__init__
    if (!check_groups(L, c_in, info)) return info.status;
    if (L.pad_kind == PadKind::Same)
        for (int a = 0; a < axes; ++a)
            if (L.stride[a] != 1)
                return fail(info, "padding='same' is not supported for strided convolutions",
                            "use p=tfsame (TensorFlow 'SAME') for a strided conv");
    const Dims wshape = weight_shape(L, c_in, axes);
    if (!check_weights(L, wshape, axes, info)) return info.status;

    // forward
    const ConvPadding P = resolve_conv_padding(L, in, axes);
    if (P.uses_pre && !check_module_pad(L, in, P, axes, info)) return info.status;
    Dims padded_in = in;  // what the convolution itself sees after F.pad
    for (int a = 0; a < axes; ++a) padded_in[2 + a] += P.pre[2 * a] + P.pre[2 * a + 1];
    // ATen check_shape_forward
    for (int a = 0; a < axes; ++a)
        if (P.conv[a] < 0) return fail(info, "negative padding is not supported");
    if (!check_stride_and_weight(L, wshape, axes, info)) return info.status;
    if (in[1] != wshape[1] * g)
        return fail(info,
                    "Given groups=" + std::to_string(g) + ", weight of size " + torch_sizes(wshape) + ", expected input" +
                        torch_sizes(padded_in) + " to have " + std::to_string(wshape[1] * g) + " channels, but got " +
                        std::to_string(in[1]) + " channels instead",
                    channels_hint(in));
    std::vector<int64_t> psize, ksize;
    bool too_big = false;
    for (int a = 0; a < axes; ++a) {
        psize.push_back(padded_in[2 + a] + 2 * P.conv[a]);
        ksize.push_back(L.dilation[a] * (L.kernel[a] - 1) + 1);
        too_big |= psize.back() < ksize.back();
    }
    if (too_big)
        return fail(info,
                    "Calculated padded input size per channel: (" + join_x(psize) + "). Kernel size: (" + join_x(ksize) +
                        "). Kernel size can't be greater than actual input size",
                    "the input is smaller than the (dilated) kernel: pad more, or use a smaller kernel or dilation");
    if (!check_not_empty(padded_in, info)) return info.status;
    bool bad_dilation = false, bad_kernel = false, dilated = false;
    for (int a = 0; a < axes; ++a) {
        bad_dilation |= L.dilation[a] <= 0;
        bad_kernel |= L.kernel[a] <= 0;
        dilated |= L.dilation[a] != 1;
    }
    if (bad_dilation || bad_kernel) {
        // ATen runs a float CPU conv on oneDNN (MKLDNN) or on its own slow kernels, and they word a
        // zero kernel or a non-positive dilation differently. Its choice (ConvParams::use_mkldnn,
        // PyTorch 1.13), with 1-d viewed as 2-d of height 1; the first half of that rule (strided,
        // dilated or a kernel other than 1x1) already holds here.
        const auto [kh, kw] = as_hw<int64_t>(axes, L.kernel, 1);
        const int64_t numel = sat_count(padded_in);  // saturates: a stack at the caps passes 2^63
        const bool mkldnn = g > 1 || (kw > 3 && kh > 3) || in[0] > 1 || numel > 20480;
        if (mkldnn && bad_dilation) return fail(info, "non-positive dilation is not supported");
        if (mkldnn) return fail(info, "could not create a descriptor for a dilated convolution forward propagation primitive");
        auto two = [&](const Axes& v) {
            const auto hw = as_hw<int64_t>(axes, v, 1);
            return Dims{hw[0], hw[1]};
        };
        if (!dilated) return fail_kernel_size(info, kh, kw);  // slow_conv2d
        // slow_conv_dilated2d
        if (bad_kernel) return fail(info, "kernel size should be greater than zero, but got " + torch_sizes(two(L.kernel)));
        return fail(info, "dilation should be greater than zero, but got " + torch_sizes(two(L.dilation)));
    }

    info.axes = axes;
    int64_t spatial_out = 1, kvol = 1;
    for (int a = 0; a < axes; ++a) {
        AxisInfo& x = info.axis[a];
        x.in = in[2 + a];
        x.kernel = L.kernel[a], x.stride = L.stride[a], x.dilation = L.dilation[a];
        x.eff_kernel = ksize[a];
        x.pad_before = P.pre[2 * a] + P.conv[a];
        x.pad_after = P.pre[2 * a + 1] + P.conv[a];
        const int64_t span = psize[a] - x.eff_kernel;
        x.out = span / x.stride + 1;
        x.gap = span % x.stride;
        x.gap_input = std::max<int64_t>(0, x.gap - std::max<int64_t>(0, x.pad_after));
        spatial_out = sat_mul(spatial_out, x.out), kvol *= x.kernel;  // outputs reach 2^32 per axis at the caps
    }
    if (!check_output_bound(info)) return info.status;
    finish_shape(info, L.out_channels);
    info.in_channels = in[1];
    info.params = L.out_channels * wshape[1] * kvol + (L.bias ? L.out_channels : 0);
    // Saturating: MACs of a stack at the caps pass 2^63, and a saturated count still fails every budget.
    info.macs = sat_mul(sat_mul(sat_mul(sat_mul(in[0], L.out_channels), spatial_out), wshape[1]), kvol);
    info.formula_general = "out = floor((in + pad_before + pad_after - d*(k-1) - 1) / s) + 1";
    conv_formula(info);
    for (int a = 0; a < axes; ++a) {
        const AxisInfo& x = info.axis[a];
        if (x.gap_input > 0)
            info.warnings.push_back(std::to_string(x.gap_input) + " input " +
                                    (axes == 1 ? "cell" : (a == 0 ? "row" : "column")) + (x.gap_input > 1 ? "s" : "") +
                                    " at the " + (axes == 1 ? "end" : (a == 0 ? "bottom" : "right")) +
                                    " never reach a window (coverage gap " + std::to_string(x.gap) +
                                    "); a transposed conv needs output_padding=" + std::to_string(x.gap) +
                                    " to restore size " + std::to_string(x.in));
        if (L.pad_kind == PadKind::Same && x.pad_before != x.pad_after)
            info.warnings.push_back(std::string("padding='same' with an even effective kernel pads one more at the ") +
                                    (axes == 1 ? "end" : (a == 0 ? "bottom" : "right")));
    }
    return info.status;
}

// [SECTION] convT --------------------------------------------------------------------------

Status convt_info(const Layer& L, const Dims& in, LayerInfo& info) {
    const int axes = L.dims;
    const std::string cls = torch_class_name(L.op, L.dims);
    const int64_t c_in = L.in_channels.value_or(in[1]);
    const int64_t g = L.groups;
    // nn.ConvTransposeNd.__init__, then nn.ConvNd.__init__
    if (L.padding_mode != PadMode::Zeros)
        return fail(info, "Only \"zeros\" padding mode is supported for " + cls);
    if (!check_groups(L, c_in, info)) return info.status;
    // nn.ConvTransposeNd passes padding through _pair(), which turns a word into a tuple of its
    // letters: no padding-string check runs, and F.conv_transposeNd refuses the tuple later.
    const bool pad_word = L.pad_kind != PadKind::Explicit;
    const Dims wshape = weight_shape(L, c_in, axes);
    if (!check_weights(L, wshape, axes, info)) return info.status;
    // forward: F.conv_transposeNd takes no padding strings
    if (pad_word)
        return fail(info,
                    std::string("conv_transpose") + (axes == 1 ? "1" : "2") +
                        "d(): argument 'padding' (position 5) must be tuple of ints, not tuple",
                    cls + " takes numbers for padding only");
    // ATen check_shape_forward
    for (int a = 0; a < 2 * axes; ++a)
        if (L.pad[a] < 0) return fail(info, "negative padding is not supported");
    if (!L.pad_symmetric())
        return fail(info, cls + " takes the same padding on both sides of an axis",
                    "crop the output afterwards for asymmetric padding");
    for (int a = 0; a < axes; ++a)
        if (L.output_padding[a] < 0) return fail(info, "negative output_padding is not supported");
    if (!check_stride_and_weight(L, wshape, axes, info)) return info.status;
    if (in[1] != wshape[0])
        return fail(info,
                    "Given transposed=1, weight of size " + torch_sizes(wshape) + ", expected input" + torch_sizes(in) +
                        " to have " + std::to_string(wshape[0]) + " channels, but got " + std::to_string(in[1]) +
                        " channels instead",
                    channels_hint(in));

    if (!check_not_empty(in, info)) return info.status;
    // Backend (slow_conv_transpose2d, once per group) shape check; 1-d runs as 2-d with a height of 1.
    struct V2 {
        int64_t h, w;
    };
    auto v2 = [&](const Axes& v, int64_t one) { return axes == 1 ? V2{one, v[0]} : V2{v[0], v[1]}; };
    const V2 k = v2(L.kernel, 1), s = v2(L.stride, 1), d = v2(L.dilation, 1), op = v2(L.output_padding, 0);
    const V2 p = axes == 1 ? V2{0, L.pad[0]} : V2{L.pad[0], L.pad[2]};
    const V2 i = axes == 1 ? V2{1, in[2]} : V2{in[2], in[3]};
    if (!(k.w > 0 && k.h > 0)) return fail_kernel_size(info, k.h, k.w);
    if (!(d.w > 0 && d.h > 0))
        return fail(info, "dilation should be greater than zero, but got dilation_height: " + std::to_string(d.h) +
                              ", dilation_width: " + std::to_string(d.w));
    if (!((op.w < s.w || op.w < d.w) && (op.h < s.h || op.h < d.h)))
        return fail(info,
                    "output padding must be smaller than either stride or dilation, but got output_padding_height: " +
                        std::to_string(op.h) + " output_padding_width: " + std::to_string(op.w) +
                        " stride_height: " + std::to_string(s.h) + " stride_width: " + std::to_string(s.w) +
                        " dilation_height: " + std::to_string(d.h) + " dilation_width: " + std::to_string(d.w),
                    "output_padding only picks among the sizes a stride makes possible: use op < stride");
    if (wshape[1] == 0)
        return fail(info, "non-empty 2D or 4D weight tensor expected, but got: " +
                              torch_sizes(Dims{wshape[0] / g, wshape[1], k.h, k.w}));
    const V2 o{(i.h - 1) * s.h - 2 * p.h + (d.h * (k.h - 1) + 1) + op.h,
               (i.w - 1) * s.w - 2 * p.w + (d.w * (k.w - 1) + 1) + op.w};
    if (o.w < 1 || o.h < 1)
        return fail(info,
                    "Given input size per channel: (" + std::to_string(i.h) + " x " + std::to_string(i.w) +
                        "). Calculated output size per channel: (" + std::to_string(o.h) + " x " + std::to_string(o.w) +
                        "). Output size is too small",
                    "padding crops more than the transposed conv produces: lower p");

    info.axes = axes;
    int64_t spatial_in = 1, kvol = 1;
    for (int a = 0; a < axes; ++a) {
        AxisInfo& x = info.axis[a];
        x.in = in[2 + a];
        x.kernel = L.kernel[a], x.stride = L.stride[a], x.dilation = L.dilation[a];
        x.output_padding = L.output_padding[a];
        x.eff_kernel = x.dilation * (x.kernel - 1) + 1;
        x.pad_before = L.pad[2 * a], x.pad_after = L.pad[2 * a + 1];
        x.out = (x.in - 1) * x.stride - x.pad_before - x.pad_after + x.eff_kernel + x.output_padding;
        spatial_in = sat_mul(spatial_in, x.in), kvol *= x.kernel;  // inputs reach 2^32 per axis at the caps
        std::ostringstream f;
        f << axis_label(axes, a) << ": (" << x.in << " - 1) * " << x.stride << " - " << x.pad_before << " - "
          << x.pad_after << " + " << x.eff_kernel << " + " << x.output_padding << " = " << x.out;
        x.formula = f.str();
    }
    if (!check_output_bound(info)) return info.status;
    finish_shape(info, L.out_channels);
    info.in_channels = in[1];
    info.params = c_in * wshape[1] * kvol + (L.bias ? L.out_channels : 0);
    // Every input cell meets every tap once (saturating, as for conv).
    info.macs = sat_mul(sat_mul(sat_mul(sat_mul(in[0], c_in), spatial_in), wshape[1]), kvol);
    info.formula_general = "out = (in - 1)*s - pad_before - pad_after + d*(k-1) + 1 + output_padding";
    for (int a = 0; a < axes; ++a) {
        const AxisInfo& x = info.axis[a];
        if (x.stride > 1 && x.kernel % x.stride != 0)
            info.warnings.push_back("kernel " + std::to_string(x.kernel) + " is not a multiple of stride " +
                                    std::to_string(x.stride) + " along " + axis_label(axes, a) +
                                    ": output cells get unequal numbers of contributions (checkerboard artifacts)");
    }
    return info.status;
}

// [SECTION] pools --------------------------------------------------------------------------

// pooling_output_shape_pad_lr: floor or ceil, and in ceil mode the last window must start
// inside the input or the left padding.
int64_t pool_out(int64_t i, int64_t k, int64_t p, int64_t s, int64_t d, bool ceil_mode) {
    int64_t o = div_floor(i + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0), s) + 1;
    if (ceil_mode && (o - 1) * s >= i + p) --o;
    return o;
}

Status pool_checked_out(int64_t i, int64_t k, int64_t p, int64_t s, int64_t d, bool ceil_mode, LayerInfo& info,
                        int64_t& out) {
    // ATen pooling_output_shape
    if (s == 0) return fail(info, "stride should not be zero");
    if (p < 0) return fail(info, "pad must be non-negative, but got pad: " + std::to_string(p));
    if (!(p <= k / 2))
        return fail(info, "pad should be at most half of kernel size, but got pad=" + std::to_string(p) +
                              " and kernel_size=" + std::to_string(k));
    out = pool_out(i, k, p, s, d, ceil_mode);
    return info.status;
}

Status pool_info(const Layer& L, const Dims& in, LayerInfo& info) {
    const int axes = L.dims;
    const bool maxp = L.op == Op::MaxPool;
    // A padding word reaches the pooling function as it is (AvgPool1d first turns it into a tuple
    // of letters), and Python's argument parser refuses it before any check.
    if (L.pad_kind != PadKind::Explicit)
        return fail(info, std::string(maxp ? "max" : "avg") + "_pool" + (axes == 1 ? "1" : "2") +
                              "d(): argument 'padding' (position 4) must be tuple of ints, not " +
                              (!maxp && axes == 1 ? "tuple" : "str"),
                    std::string(torch_class_name(L.op, L.dims)) + " takes numbers for padding only");
    if (!L.pad_symmetric())
        return fail(info, std::string(torch_class_name(L.op, L.dims)) +
                              " takes the same padding on both sides of an axis");
    const int64_t C = in[1];
    if (maxp && axes == 1) {
        // at::max_pool1d has its own checks and words
        if (is_empty(in))
            return fail(info, "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, "
                              "but got:" + torch_sizes(in));
        const int64_t k = L.kernel[0], s = L.stride[0], p = L.pad[0], d = L.dilation[0];
        if (k <= 0) return fail(info, "max_pool1d() kernel_size must be greater than zero, but got " + std::to_string(k));
        if (s <= 0) return fail(info, "max_pool1d() stride must be greater than zero, but got " + std::to_string(s));
        if (p < 0) return fail(info, "max_pool1d() padding must be non-negative, but got " + std::to_string(p));
        if (p > k / 2)
            return fail(info, "max_pool1d() padding should be at most half of kernel size, but got padding=" +
                                  std::to_string(p) + " and kernel_size=" + std::to_string(k));
        if (d <= 0) return fail(info, "max_pool1d() dilation must be greater than zero, but got " + std::to_string(d));
        const int64_t o = pool_out(in[2], k, p, s, d, L.ceil_mode);
        if (o < 0) return fail(info, "max_pool1d() Invalid computed output size: " + std::to_string(o));
        info.axis[0].out = o;
    } else {
        // 2-d, and AvgPool1d which PyTorch runs as a 2-d pool of height 1
        struct V2 {
            int64_t h, w;
        };
        auto v2 = [&](const Axes& v, int64_t one) { return axes == 1 ? V2{one, v[0]} : V2{v[0], v[1]}; };
        const V2 k = v2(L.kernel, 1), s = v2(L.stride, 1), d = maxp ? v2(L.dilation, 1) : V2{1, 1};
        const V2 p = axes == 1 ? V2{0, L.pad[0]} : V2{L.pad[0], L.pad[2]};
        const V2 i = axes == 1 ? V2{1, in[2]} : V2{in[2], in[3]};
        V2 o{0, 0};
        if (!pool_checked_out(i.h, k.h, p.h, s.h, d.h, L.ceil_mode, info, o.h)) return info.status;
        if (!pool_checked_out(i.w, k.w, p.w, s.w, d.w, L.ceil_mode, info, o.w)) return info.status;
        // pool2d_shape_check
        if (!(k.w > 0 && k.h > 0))
            return fail(info, "kernel size should be greater than zero, but got kH: " + std::to_string(k.h) +
                                  " kW: " + std::to_string(k.w));
        if (!(s.w > 0 && s.h > 0))
            return fail(info, "stride should be greater than zero, but got dH: " + std::to_string(s.h) +
                                  " dW: " + std::to_string(s.w));
        if (!(d.h > 0 && d.w > 0))
            return fail(info, "dilation should be greater than zero, but got dilationH: " + std::to_string(d.h) +
                                  " dilationW: " + std::to_string(d.w));
        if (is_empty(in))
            return fail(info, "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:" +
                                  torch_sizes(as_2d(in)));
        if (!(k.w / 2 >= p.w && k.h / 2 >= p.h))
            return fail(info, "pad should be smaller than or equal to half of kernel size, but got padW = " +
                                  std::to_string(p.w) + ", padH = " + std::to_string(p.h) + ", kW = " +
                                  std::to_string(k.w) + ", kH = " + std::to_string(k.h));
        if (!(o.w >= 1 && o.h >= 1))
            return fail(info, "Given input size: (" + std::to_string(C) + "x" + std::to_string(i.h) + "x" +
                                  std::to_string(i.w) + "). Calculated output size: (" + std::to_string(C) + "x" +
                                  std::to_string(o.h) + "x" + std::to_string(o.w) + "). Output size is too small",
                        "the pooling window is larger than the (padded) input");
        if (axes == 1) info.axis[0].out = o.w;
        else info.axis[0].out = o.h, info.axis[1].out = o.w;
    }
    info.axes = axes;
    for (int a = 0; a < axes; ++a) {
        AxisInfo& x = info.axis[a];
        x.in = in[2 + a];
        x.kernel = L.kernel[a], x.stride = L.stride[a], x.dilation = maxp ? L.dilation[a] : 1;
        x.eff_kernel = x.dilation * (x.kernel - 1) + 1;
        x.pad_before = x.pad_after = L.pad[2 * a];
        const int64_t span = x.in + 2 * x.pad_before - x.eff_kernel;
        x.gap = x.out > 0 ? std::max<int64_t>(0, span - (x.out - 1) * x.stride) : 0;
        x.gap_input = std::max<int64_t>(0, x.gap - x.pad_after);
        std::ostringstream f;
        f << axis_label(axes, a) << ": " << (L.ceil_mode ? "ceil" : "floor") << "((" << x.in << " + 2*" << x.pad_before
          << " - " << x.eff_kernel << ") / " << x.stride << ") + 1";
        if (L.ceil_mode && x.out != div_floor(span + x.stride - 1, x.stride) + 1) f << " - 1 (last window would start in the padding)";
        f << " = " << x.out;
        x.formula = f.str();
    }
    finish_shape(info, C);
    info.in_channels = C;
    info.formula_general = std::string("out = ") + (L.ceil_mode ? "ceil" : "floor") + "((in + 2p - d*(k-1) - 1) / s) + 1";
    return info.status;
}

// [SECTION] upsample -----------------------------------------------------------------------

std::string py_float(double v) {  // Python's repr of a float
    std::string s = format_double(v);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

Status upsample_info(const Layer& L, const Dims& in, LayerInfo& info) {
    const int axes = static_cast<int>(in.size()) - 2;
    // F.interpolate
    if (L.mode == UpMode::Nearest && L.align_corners >= 0)
        return fail(info,
                    "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | "
                    "trilinear");
    // nn.Upsample keeps scale_factor only when it is truthy (0 becomes None)
    const bool by_scale = !L.up_by_size && !(L.up_values == 1 && L.scale[0] == 0);
    if (!L.up_by_size && !by_scale) return fail(info, "either size or scale_factor should be defined");
    Dims spatial(in.begin() + 2, in.end());
    if (L.up_values == 2 && axes != 2) {
        if (L.up_by_size)
            return fail(info, "Input and output must have the same number of spatial dimensions, but got input with "
                              "spatial dimensions of " + torch_sizes(spatial) + " and output size of (" +
                                  std::to_string(L.size[0]) + ", " + std::to_string(L.size[1]) +
                                  "). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                  "(o1, o2, ...,oK) format.");
        return fail(info, "Input and scale_factor must have the same number of spatial dimensions, but got input with "
                          "spatial dimensions of " + torch_sizes(spatial) + " and scale_factor of shape (" +
                              py_float(L.scale[0]) + ", " + py_float(L.scale[1]) +
                              "). Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                              "(s1, s2, ...,sK) format.");
    }
    if (axes == 1 && L.mode == UpMode::Bilinear) return fail(info, "Got 3D input, but bilinear mode needs 4D input");
    if (axes == 2 && L.mode == UpMode::Linear) return fail(info, "Got 4D input, but linear mode needs 3D input");
    info.axes = axes;
    for (int a = 0; a < axes; ++a) {
        AxisInfo& x = info.axis[a];
        x.in = in[2 + a];
        if (L.up_by_size) {
            x.out = L.size[a];
        } else {
            x.out = static_cast<int64_t>(static_cast<double>(x.in) * L.scale[a]);  // C++ truncation, as ATen
        }
    }
    bool bad = false;
    for (int a = 0; a < axes; ++a) bad |= info.axis[a].in <= 0 || info.axis[a].out <= 0;
    if (bad) {
        if (axes == 1)
            return fail(info, "Input and output sizes should be greater than 0, but got input (W: " +
                                  std::to_string(info.axis[0].in) + ") and output (W: " +
                                  std::to_string(info.axis[0].out) + ")");
        return fail(info, "Input and output sizes should be greater than 0, but got input (H: " +
                              std::to_string(info.axis[0].in) + ", W: " + std::to_string(info.axis[1].in) +
                              ") output (H: " + std::to_string(info.axis[0].out) + ", W: " +
                              std::to_string(info.axis[1].out) + ")");
    }
    if (!check_output_bound(info)) return info.status;
    for (int a = 0; a < axes; ++a) {
        AxisInfo& x = info.axis[a];
        std::ostringstream f;
        if (L.up_by_size) f << axis_label(axes, a) << ": size = " << x.out;
        else f << axis_label(axes, a) << ": floor(" << x.in << " * " << format_double(L.scale[a]) << ") = " << x.out;
        x.formula = f.str();
    }
    finish_shape(info, in[1]);
    info.in_channels = in[1];
    info.formula_general = L.up_by_size ? "out = size" : "out = floor(in * scale_factor)";
    return info.status;
}

// [SECTION] crop -------------------------------------------------------------------------

// PyTorch has no crop module: code slices, x[..., t:H-b, l:W-r]. A slice past the end would give
// an empty tensor (and the next layer an obscure error), so convplay says it here, in the words
// PyTorch's pools use for an output that comes out too small.
Status crop_info(const Layer& L, const Dims& in, LayerInfo& info) {
    const int axes = static_cast<int>(in.size()) - 2;
    const std::string cls = torch_class_name(L.op, L.dims);
    for (int a = 0; a < axes; ++a)
        if (L.crop[2 * a] < 0 || L.crop[2 * a + 1] < 0)
            return fail(info, cls + ": cropping must be non-negative, but got " + std::to_string(L.crop[2 * a]) + ":" +
                                  std::to_string(L.crop[2 * a + 1]) + " along " + axis_label(axes, a),
                        "c is the number of cells removed from each side");
    info.axes = axes;
    for (int a = 0; a < axes; ++a) {
        AxisInfo& x = info.axis[a];
        x.in = in[2 + a];
        x.out = x.in - L.crop[2 * a] - L.crop[2 * a + 1];
        // A crop is a 1-tap window over negative padding: output o reads input o + before.
        x.pad_before = -L.crop[2 * a], x.pad_after = -L.crop[2 * a + 1];
        x.formula = std::string(axis_label(axes, a)) + ": " + std::to_string(x.in) + " - " +
                    std::to_string(L.crop[2 * a]) + " - " + std::to_string(L.crop[2 * a + 1]) + " = " +
                    std::to_string(x.out);
    }
    for (int a = 0; a < axes; ++a)
        if (info.axis[a].out < 1) {
            std::string given = std::to_string(in[1]), calc = given;
            for (int b = 0; b < axes; ++b) {
                given += "x" + std::to_string(info.axis[b].in);
                calc += "x" + std::to_string(info.axis[b].out);
            }
            return fail(info, "Given input size: (" + given + "). Calculated output size: (" + calc +
                                  "). Output size is too small",
                        std::string("the crop removes every cell along ") + axis_label(axes, a) + " (" +
                            info.axis[a].formula.substr(3) + "): lower c");
        }
    finish_shape(info, in[1]);
    info.in_channels = in[1];
    info.formula_general = "out = in - before - after";
    return info.status;
}

}  // namespace

// [SECTION] net ----------------------------------------------------------------------------

SidePads tf_same_pads(int64_t in, int64_t stride, int64_t eff_kernel) {
    const int64_t out = (in + stride - 1) / stride;
    const int64_t total = std::max<int64_t>(0, (out - 1) * stride + eff_kernel - in);
    return SidePads{total / 2, total - total / 2};
}

LayerInfo layer_info(const Layer& L, const Dims& in, int index) {
    LayerInfo info;
    info.index = index;
    info.name = op_name(L.op, L.dims);
    info.in = in;
    info.in_channels = in.size() > 1 ? in[1] : 0;
    if (!check_rank(L, in, info)) return info;
    switch (L.op) {
        case Op::Conv: conv_info(L, in, info); break;
        case Op::ConvT: convt_info(L, in, info); break;
        case Op::MaxPool:
        case Op::AvgPool: pool_info(L, in, info); break;
        case Op::Upsample: upsample_info(L, in, info); break;
        case Op::Crop: crop_info(L, in, info); break;
        case Op::ReLU:
        case Op::LeakyReLU:
        case Op::Sigmoid:
        case Op::Tanh:
            info.axes = static_cast<int>(in.size()) - 2;
            for (int a = 0; a < info.axes; ++a) {
                info.axis[a].in = info.axis[a].out = in[2 + a];
                info.axis[a].formula = std::string(axis_label(info.axes, a)) + ": " + std::to_string(in[2 + a]) +
                                       " (element-wise)";
            }
            info.out = in;
            info.out_channels = in[1];
            info.formula_general = "out = in (element-wise)";
            break;
    }
    return info;
}

NetInfo net_info(const State& state) {
    NetInfo net;
    net.input = input_dims(state);
    Dims cur = net.input;
    for (size_t i = 0; i < state.net.size(); ++i) {
        const int idx = static_cast<int>(i);
        if (net.first_error >= 0) {
            LayerInfo skipped;
            skipped.index = idx;
            skipped.name = op_name(state.net[i].op, state.net[i].dims);
            skipped.status = Status::error("not computed: layer " + std::to_string(net.first_error + 1) + " failed");
            net.layers.push_back(std::move(skipped));
            continue;
        }
        LayerInfo info = layer_info(state.net[i], cur, idx);
        if (!info.status.ok) net.first_error = idx;
        else cur = info.out;
        net.layers.push_back(std::move(info));
    }
    return net;
}

}  // namespace cp
