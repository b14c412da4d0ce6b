// Per-layer parameter widgets: every parameter the engine supports, as sliders (Ctrl+click to
// type any value, also outside the slider's range: the layer then shows PyTorch's error).
#include <algorithm>

#include "app/layer_editors.hpp"
#include "core/codec.hpp"

namespace cp::app {

namespace {

// Typed values stay within the codec's limits, so every state still prints and parses.
int64_t clamp_geom(int64_t v) { return std::clamp<int64_t>(v, -CodecLimits::max_geometry, CodecLimits::max_geometry); }

// One slider for every axis while they are equal (and not split), else one per axis.
void axes_slider(const char* label, Axes& v, int dims, int lo, int hi, bool split, Edit& e, const std::string& hook) {
    bool changed;
    if (dims == 1 || (!split && v[0] == v[1])) {
        int x = int(v[0]);
        changed = ImGui::SliderInt(label, &x, lo, hi);
        if (changed) v[0] = v[1] = clamp_geom(x);
    } else {
        int xy[2] = {int(v[0]), int(v[1])};
        changed = ImGui::SliderInt2(label, xy, lo, hi);
        if (changed) v[0] = clamp_geom(xy[0]), v[1] = clamp_geom(xy[1]);
    }
    e.track(changed);
    hooks().record_frame(hook);
}

bool checkbox(const char* label, bool& v, Edit& e) { return e.track(ImGui::Checkbox(label, &v)); }

// Two numbers per axis, before / after (padding or cropping per side).
void side_sliders(std::array<int64_t, 2 * kMaxAxes>& v, int dims, int hi, Edit& e, const std::string& hook) {
    for (int a = 0; a < dims; ++a) {
        int x[2] = {int(v[2 * a]), int(v[2 * a + 1])};
        const char* label = dims == 1 ? "left / right" : a == 0 ? "top / bottom" : "left / right";
        if (e.track(ImGui::SliderInt2(label, x, 0, hi))) v[2 * a] = clamp_geom(x[0]), v[2 * a + 1] = clamp_geom(x[1]);
        hooks().record_frame(hook + (dims == 2 && a == 0 ? "_h" : "_w"));
    }
}

void padding_editor(Layer& L, Edit& e, bool split, const std::string& hook) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    e.track(choice_combo("##padkind", L.pad_kind));
    static const std::string help = [] {
        std::string h = "padding:";
        for (const Choice& c : choices<PadKind>()) h += std::string("\n  ") + c.name + ": " + c.description;
        return h + "\nTransposed convs and pools take numbers only, as in PyTorch: pick a word there to see "
                   "PyTorch's message.";
    }();
    help_marker(help.c_str());
    if (L.pad_kind != PadKind::Explicit) return;
    ImGui::SameLine();
    bool& per_side = *ImGui::GetStateStorage()->GetBoolRef(ImGui::GetID("per_side"), false);
    per_side = per_side || !L.pad_symmetric();
    ImGui::Checkbox("each side", &per_side);
    if (!per_side) {
        Axes p{L.pad[0], L.pad[2]};
        axes_slider("padding", p, L.dims, 0, 8, split, e, hook + "padding");
        L.pad = {p[0], p[0], p[1], p[1]};
        return;
    }
    side_sliders(L.pad, L.dims, 8, e, hook + "pad_sides");
}

void conv_params(Layer& L, Edit& e, bool split, const std::string& hook, const EmbedFlags& f) {
    if (Gate g{f, "out"}) {
        int out = int(L.out_channels);
        if (e.track(ImGui::SliderInt("out_channels", &out, 1, 64)))
            L.out_channels = std::clamp<int64_t>(out, -CodecLimits::max_channels, CodecLimits::max_channels);
        hooks().record_frame(hook + "out");
    }
    if (Gate g{f, "k"}) axes_slider("kernel_size", L.kernel, L.dims, 1, 11, split, e, hook + "kernel");
    if (Gate g{f, "s"}) axes_slider("stride", L.stride, L.dims, 1, 8, split, e, hook + "stride");
    if (Gate g{f, "p"}) padding_editor(L, e, split, hook);
    if (Gate g{f, "d"}) axes_slider("dilation", L.dilation, L.dims, 1, 6, split, e, hook + "dilation");
    if (L.op == Op::ConvT)
        if (Gate g{f, "op"}) axes_slider("output_padding", L.output_padding, L.dims, 0, 7, split, e, hook + "op");
    if (Gate gate{f, "g"}) {
        int g = int(L.groups);
        if (e.track(ImGui::SliderInt("groups", &g, 1, 16))) L.groups = std::clamp<int64_t>(g, -CodecLimits::max_channels, CodecLimits::max_channels);
        hooks().record(hook + "groups");
    }
    if (Gate g{f, "bias"}) {
        checkbox("bias", L.bias, e);
        if (!f.hidden("pm")) ImGui::SameLine();
    }
    if (Gate g{f, "pm"}) {
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
        e.track(choice_combo("padding_mode", L.padding_mode));
    }
}

void pool_params(Layer& L, Edit& e, bool split, const std::string& hook, const EmbedFlags& f) {
    if (Gate g{f, "k"}) axes_slider("kernel_size", L.kernel, L.dims, 1, 8, split, e, hook + "kernel");
    if (Gate g{f, "s"}) axes_slider("stride", L.stride, L.dims, 1, 8, split, e, hook + "stride");
    if (Gate g{f, "p"}) padding_editor(L, e, split, hook);
    if (L.op == Op::MaxPool)
        if (Gate g{f, "d"}) axes_slider("dilation", L.dilation, L.dims, 1, 4, split, e, hook + "dilation");
    if (Gate g{f, "ceil"}) {
        checkbox("ceil_mode", L.ceil_mode, e);
        if (L.op == Op::AvgPool && !f.hidden("cip")) ImGui::SameLine();
    }
    if (L.op == Op::AvgPool)
        if (Gate g{f, "cip"}) checkbox("count_include_pad", L.count_include_pad, e);
}

void upsample_params(Layer& L, Edit& e, bool split, const std::string& hook, const EmbedFlags& f) {
    // scale and size are one choice: either flag gates both.
    Gate gate{f, f.hidden("size") || f.locked("size") ? "size" : "scale"};
    if (!gate) return;
    checkbox("by size (else scale_factor)", L.up_by_size, e);
    const bool apart = L.dims == 2 && (split || L.up_values == 2);
    if (L.up_by_size) {
        if (L.size[0] <= 0) L.size = {64, 64};
        if (!apart) {
            int v = int(L.size[0]);
            if (e.track(ImGui::SliderInt("size", &v, 1, 1024))) L.size = {clamp_geom(v), clamp_geom(v)}, L.up_values = 1;
        } else {
            int v[2] = {int(L.size[0]), int(L.size[1])};
            if (e.track(ImGui::SliderInt2("size", v, 1, 1024))) L.size = {clamp_geom(v[0]), clamp_geom(v[1])}, L.up_values = 2;
        }
    } else {
        if (L.scale[0] <= 0) L.scale = {2, 2};
        if (!apart) {
            float v = float(L.scale[0]);
            if (e.track(ImGui::SliderFloat("scale_factor", &v, 0.25f, 8.0f, "%.3g")))
                L.scale = {std::clamp(double(v), 1e-3, CodecLimits::max_scale), std::clamp(double(v), 1e-3, CodecLimits::max_scale)}, L.up_values = 1;
        } else {
            float v[2] = {float(L.scale[0]), float(L.scale[1])};
            if (e.track(ImGui::SliderFloat2("scale_factor", v, 0.25f, 8.0f, "%.3g")))
                L.scale = {std::clamp(double(v[0]), 1e-3, CodecLimits::max_scale), std::clamp(double(v[1]), 1e-3, CodecLimits::max_scale)}, L.up_values = 2;
        }
    }
    hooks().record(hook + "scale");
}

void upsample_mode(Layer& L, Edit& e, const EmbedFlags& f) {
    if (Gate g{f, "mode"}) {
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
        e.track(choice_combo("mode", L.mode));
        if (!f.hidden("ac")) ImGui::SameLine();
    }
    if (Gate g{f, "ac"}) {
        static const char* ac[] = {"None", "False", "True"};
        int a = L.align_corners + 1;
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        if (e.track(ImGui::Combo("align_corners", &a, ac, IM_ARRAYSIZE(ac)))) L.align_corners = int8_t(a - 1);
    }
}

}  // namespace

void edit_layer_params(Layer& L, Edit& e, bool split, const std::string& hook, const EmbedFlags& f) {
    ImGui::PushItemWidth(-ImGui::GetFontSize() * 8);
    switch (L.op) {
        case Op::Conv:
        case Op::ConvT: conv_params(L, e, split, hook, f); break;
        case Op::MaxPool:
        case Op::AvgPool: pool_params(L, e, split, hook, f); break;
        case Op::Upsample:
            upsample_params(L, e, split, hook, f);
            upsample_mode(L, e, f);
            break;
        case Op::Crop:
            if (Gate g{f, "c"}) {
                ImGui::TextDisabled("cells removed per side (x[..., t:H-b, l:W-r])");
                side_sliders(L.crop, L.dims, 16, e, hook + "crop");
            }
            break;
        case Op::LeakyReLU:
            if (Gate g{f, "slope"}) {
                float s = float(L.negative_slope);
                if (e.track(ImGui::SliderFloat("negative_slope", &s, -1.0f, 1.0f, "%.3g"))) L.negative_slope = s;
            }
            break;
        default: ImGui::TextDisabled("no parameters"); break;
    }
    ImGui::PopItemWidth();
}

}  // namespace cp::app
