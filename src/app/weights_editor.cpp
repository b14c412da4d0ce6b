// A conv layer's weights: the preset (identity, box, gauss, sobel, laplace, sharpen, bilinear,
// seeded random) and, for small kernels, every weight as a typed/dragged value. Editing a weight
// turns the layer's weights explicit (`wv=` in the state), starting from the values that ran.
#include <algorithm>
#include <cmath>

#include "app/gl_maps.hpp"
#include "app/layer_editors.hpp"
#include "core/codec.hpp"

namespace cp::app {

void edit_layer_weights(Layer& L, const LayerInfo& info, const Session* session, int index, Edit& e, const std::string& hook,
                        const EmbedFlags& f) {
    if (!L.has_weights() || f.hidden("weights") || f.hidden("w")) return;
    const Gate gate{f, f.locked("wv") ? "wv" : "w"};
    // Every preset of the table (core/choices.cpp), then one more row for explicit values.
    const int n_presets = int(choices<Preset>().size());
    const bool is_explicit = !L.weight_values.empty();
    int p = is_explicit ? n_presets : int(L.preset);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    auto row_name = [](void*, int row, const char** text) {
        *text = row < int(choices<Preset>().size()) ? choices<Preset>()[size_t(row)].name : "explicit values";
        return true;
    };
    if (ImGui::Combo("weights", &p, row_name, nullptr, n_presets + 1)) {
        if (p < n_presets) {
            L.preset = Preset(p);
            L.weight_values.clear();
            L.bias_values.clear();
            e.track(true);
        }
    } else {
        e.track(false);
    }
    hooks().record(hook + "preset");
    if (L.preset == Preset::Rand && !is_explicit) {
        ImGui::SameLine();
        bool own = L.seed.has_value();
        if (e.track(ImGui::Checkbox("own seed", &own))) L.seed = own ? std::optional<uint32_t>(0) : std::nullopt;
        if (L.seed) {
            ImGui::SameLine();
            int s = int(*L.seed);
            ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
            if (e.track(ImGui::InputInt("##seed", &s))) L.seed = uint32_t(std::max(0, s));
        }
    }
    if (is_explicit) {
        ImGui::SameLine();
        if (small_button("back to preset")) {
            L.weight_values.clear();
            L.bias_values.clear();
            e.track(true);
        }
    }

    // The weights that ran: [C_out, C_in/g, k...] for conv, [C_in, C_out/g, k...] for convT.
    if (!session || index >= session->runnable()) {
        ImGui::TextDisabled("(the weights appear once the layer runs)");
        return;
    }
    if (!ImGui::TreeNode("kernel values")) return;
    const LayerWeights* lw = session->weights(index);
    if (!lw || lw->weight.shape.size() < 3) {
        ImGui::TextDisabled("(not enough memory to show these weights)");
        ImGui::TreePop();
        return;
    }
    const Tensor& w = lw->weight;
    const int64_t A = w.shape[0], B = w.shape[1];
    const int64_t kh = w.shape.size() == 4 ? w.shape[2] : 1, kw = w.shape.back();
    const int64_t taps = kh * kw;
    ImGuiStorage* st = ImGui::GetStateStorage();
    int& a = *st->GetIntRef(ImGui::GetID("wa"), 0);
    int& b = *st->GetIntRef(ImGui::GetID("wb"), 0);
    a = std::clamp<int>(a, 0, int(A - 1));
    b = std::clamp<int>(b, 0, int(B - 1));
    const bool transposed = L.op == Op::ConvT;
    ImGui::PushItemWidth(ImGui::GetFontSize() * 7);
    if (A > 1) ImGui::SliderInt(transposed ? "in ch##wa" : "out ch##wa", &a, 0, int(A - 1));
    if (A > 1 && B > 1) ImGui::SameLine();
    if (B > 1) ImGui::SliderInt(transposed ? "out ch (group)##wb" : "in ch (group)##wb", &b, 0, int(B - 1));
    ImGui::PopItemWidth();
    const float* k = w.ptr() + (a * B + b) * taps;
    float m = 1e-6f;
    for (int64_t i = 0; i < taps; ++i) m = std::max(m, std::fabs(k[i]));
    const bool editable = taps <= 81 && size_t(w.numel()) <= CodecLimits::max_values;
    if (!editable)
        ImGui::TextDisabled("%lldx%lld kernel: too big to edit value by value here", (long long)kh, (long long)kw);
    const float cell = ImGui::GetFontSize() * 3.4f;
    for (int64_t y = 0; y < kh && editable; ++y) {
        for (int64_t x = 0; x < kw; ++x) {
            if (x) ImGui::SameLine(0, 2);
            const int64_t at = (a * B + b) * taps + y * kw + x;
            float v = w.data[size_t(at)];
            // The cell's background is the value through the diverging map: the kernel at a glance.
            ImU32 bg = map_color(Colormap::Diverging, 0.5f + 0.5f * v / m);
            ImGui::PushStyleColor(ImGuiCol_FrameBg, bg);
            ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(20, 20, 20, 255));
            ImGui::PushID(int(at));
            ImGui::SetNextItemWidth(cell);
            const bool changed = ImGui::DragFloat("##w", &v, 0.01f, 0, 0, "%.3g");
            ImGui::PopID();
            ImGui::PopStyleColor(2);
            if (y == 0 && x == 0) hooks().record(hook + "w0");
            if (changed) {
                // Explicit from now on, starting from every value that ran (PyTorch's layout).
                if (L.weight_values.size() != size_t(w.numel())) L.weight_values.assign(w.data.begin(), w.data.end());
                L.weight_values[size_t(at)] = v;
                if (L.bias && L.bias_values.empty()) L.bias_values.assign(lw->bias.data.begin(), lw->bias.data.end());
            }
            e.track(changed);
        }
    }
    ImGui::TextDisabled("drag a value, or Ctrl+click to type; %lld weights in all", (long long)w.numel());
    ImGui::TreePop();
}

}  // namespace cp::app
