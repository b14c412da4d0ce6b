// PyTorch's padding='same' against TensorFlow/Keras 'SAME' for one layer (see padding_note.hpp).
// The padding comes from shapes (LayerInfo, tf_same_pads); this file only words the comparison.
#include "core/padding_note.hpp"

namespace cp {

namespace {

std::string n(int64_t v) { return std::to_string(v); }

const char* axis_name(int axes, int a) { return axes == 1 ? "L" : a == 0 ? "H" : "W"; }

}  // namespace

std::vector<std::string> same_padding_note(const Layer& L, const LayerInfo& info) {
    std::vector<std::string> lines;
    if (L.op != Op::Conv || !info.status.ok || (L.pad_kind != PadKind::Same && L.pad_kind != PadKind::TfSame)) return lines;
    bool all_same = true;  // whether both frameworks pad every axis alike
    for (int a = 0; a < info.axes; ++a) {
        const AxisInfo& x = info.axis[size_t(a)];
        const std::string ax = axis_name(info.axes, a);
        // TensorFlow: out = ceil(in / s), total = max(0, (out - 1)*s + d*(k - 1) + 1 - in), the odd cell after.
        const int64_t tf_out = (x.in + x.stride - 1) / x.stride;
        const SidePads tf_pads = tf_same_pads(x.in, x.stride, x.eff_kernel);
        const int64_t tf_before = tf_pads.before, tf_after = tf_pads.after, tf_total = tf_before + tf_after;
        const std::string tf = "TensorFlow/Keras 'same': out = ceil(" + n(x.in) + "/" + n(x.stride) + ") = " + n(tf_out) +
                               ", total = max(0, (" + n(tf_out) + " - 1)*" + n(x.stride) + " + " + n(x.eff_kernel) + " - " +
                               n(x.in) + ") = " + n(tf_total) + ": " + n(tf_before) + " before, " + n(tf_after) + " after";
        if (L.pad_kind == PadKind::Same) {
            // PyTorch: total d*(k - 1), half (rounded down) before; stride 1 only.
            const bool alike = x.pad_before == tf_before && x.pad_after == tf_after;
            all_same = all_same && alike;
            lines.push_back(ax + ": PyTorch 'same': total = " + n(x.dilation) + "*(" + n(x.kernel) + " - 1) = " +
                            n(x.pad_before + x.pad_after) + ": " + n(x.pad_before) + " before, " + n(x.pad_after) +
                            " after, out = " + n(x.out) + ". " + tf + (alike ? " (the same)." : "."));
        } else {
            // A symmetric PyTorch padding that gives the same size: half the total, rounded up.
            const int64_t p = (tf_total + 1) / 2;
            const int64_t out_sym = (x.in + 2 * p - x.eff_kernel) / x.stride + 1;
            const bool alike = tf_before == tf_after;
            all_same = all_same && alike;
            std::string t = ax + ": " + tf + " (it depends on the input size). PyTorch has no such padding";
            if (x.stride != 1) t += " for a strided conv (padding='same' refuses stride " + n(x.stride) + ")";
            t += "; padding=" + n(p) + " pads " + n(p) + " on both sides: out = floor((" + n(x.in) + " + 2*" + n(p) + " - " +
                 n(x.eff_kernel) + ")/" + n(x.stride) + ") + 1 = " + n(out_sym);
            if (alike) t += ", the same padding.";
            else if (out_sym == tf_out)
                t += ", the same size, but its windows start " + n(p - tf_before) + " cell" + (p - tf_before == 1 ? "" : "s") +
                     " earlier.";
            else t += ", not " + n(tf_out) + ".";
            lines.push_back(t);
        }
    }
    if (L.pad_kind == PadKind::Same)
        lines.push_back(all_same ? "At stride 1 both put the odd cell after: weights move between them unchanged. With a stride PyTorch "
                                   "refuses 'same'; p=tfsame is TensorFlow's rule."
                                 : "They differ here: weights moved between them give shifted outputs.");
    else
        lines.push_back(all_same ? "Here TensorFlow pads symmetrically: a PyTorch conv with that padding gives the same outputs."
                                 : "convplay runs 'tfsame' as PyTorch code must: F.pad with these amounts (odd cell after), then the "
                                   "conv with no padding. Keras weights in a symmetric PyTorch conv give outputs shifted by a cell.");
    return lines;
}

}  // namespace cp
