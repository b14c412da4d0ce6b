// The Layers window: the input (sample or upload, size) and the layer stack. Per layer: its text
// form, input -> output shape, parameters, MACs, the formula with the user's numbers (floor and
// coverage gap), warnings, PyTorch's error right at the failing layer, the kernel that ran and
// its time, the same / tfsame note (PyTorch against TensorFlow); add (the new layer opens,
// scrolls into view and is selected), remove, reorder, duplicate; every parameter and the weights.
#include <algorithm>
#include <cstring>
#include <vector>

#include "app/app.hpp"
#include "app/layer_editors.hpp"
#include "core/codec.hpp"
#include "core/layer_types.hpp"
#include "core/padding_note.hpp"

namespace cp::app {

namespace {

// A new layer of `type` for an input with `dims` spatial axes, started with the registry's
// arguments (LayerType::new_args).
Layer new_layer(const LayerType& type, int dims) {
    std::string text = type.name_for(dims);
    if (*type.new_args) text += std::string("(") + type.new_args + ")";
    auto L = parse_layer(text, 0);
    return L ? *L : Layer{};
}

void input_section(App& app, Edit& e) {
    Session& s = app.session();
    State& d = e.draft;
    const EmbedFlags& f = app.flags();
    ImGui::TextDisabled("INPUT");
    if (Gate g{f, "img"}) {
        const bool uploaded = d.image == InputImage::Upload;
        std::string preview = uploaded ? "upload: " + s.upload_name() : image_name(d.image);
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
        if (ImGui::BeginCombo("image", preview.c_str())) {
            // The samples (every row of the table before Upload), then the upload when there is one.
            const auto images = choices<InputImage>();
            for (size_t i = 0; i < size_t(InputImage::Upload); ++i) {
                if (ImGui::Selectable(images[i].name, d.image == InputImage(i))) {
                    d.image = InputImage(i);
                    e.track(true);
                } else if (ImGui::IsItemHovered()) {
                    ImGui::SetTooltip("%s", images[i].description);
                }
            }
            if (s.has_upload() && ImGui::Selectable(("upload: " + s.upload_name()).c_str(), uploaded)) {
                d.image = InputImage::Upload;
                d.in_shape = s.upload_in_shape();  // the image's own size (a locked `in` refuses another)
                e.track(true);
            }
            ImGui::EndCombo();
        }
        hooks().record("image");
        if (!f.hidden("upload")) {
            ImGui::SameLine();
            if (ImGui::Button("Upload...")) app.host().open_file_picker();
            hooks().record("upload");
            static const std::string upload_help = "An image, or a signal: a CSV / .npy file whose columns are channels "
                                                   "(a 1-d input). Or drop a file onto the page, or paste an image "
                                                   "(Ctrl+V). Images above " + pixel_budget_text() +
                                                   " are downscaled. Nothing leaves this page.";
            help_marker(upload_help.c_str());
        }
    }

    ImGui::PushItemWidth(-ImGui::GetFontSize() * 8);
    if (d.image == InputImage::Upload) {
        ImGui::TextDisabled("size %s (the image's own; pick a sample to choose a size)",
                            shape_text(s.info().input).c_str());
    } else if (Gate g{f, "in"}) {
        int c = int(d.in_shape[0]);
        if (e.track(ImGui::SliderInt("channels", &c, 1, 4))) d.in_shape[0] = std::clamp<int64_t>(c, 1, CodecLimits::max_channels);
        const int dims = d.input_dims();
        if (dims == 2 && d.in_shape[1] == d.in_shape[2]) {
            int v = int(d.in_shape[1]);
            if (e.track(ImGui::SliderInt("size (H = W)", &v, 1, 1024))) d.in_shape[1] = d.in_shape[2] = std::clamp(v, 1, 65536);
        } else {
            for (int a = 0; a < dims; ++a) {
                int v = int(d.in_shape[size_t(1 + a)]);
                if (e.track(ImGui::SliderInt(dims == 1 ? "length" : a == 0 ? "height" : "width", &v, 1, 1024)))
                    d.in_shape[size_t(1 + a)] = std::clamp(v, 1, 65536);
            }
        }
        hooks().record("size");
    }
    if (Gate g{f, "n"}) {
        int n = int(d.batch);
        if (e.track(ImGui::SliderInt("batch N", &n, 1, 8))) d.batch = std::clamp<int64_t>(n, 1, CodecLimits::max_batch);
    }
    if (Gate g{f, "seed"}) {
        int seed = int(d.seed);
        if (e.track(ImGui::InputInt("seed", &seed))) d.seed = uint32_t(std::max(0, seed));
    }
    ImGui::PopItemWidth();
    ImGui::Text("input  %s", shape_text(s.info().input).c_str());
}

// The layer's own line of state text: typed edits of anything, Enter applies.
// Read-only when the embed locks anything: typed text could change a locked parameter.
void layer_text_field(Layer& L, int index, Edit& e, bool read_only) {
    static std::vector<char> buf(CodecLimits::max_text + 1, 0);  // any layer of a valid state fits
    static int active = -1;
    static std::string error;
    static int error_index = -1;
    if (active != index) {
        const std::string t = print_layer(L);
        std::memcpy(buf.data(), t.c_str(), std::min(t.size() + 1, buf.size() - 1));
    }
    ImGui::SetNextItemWidth(-1);
    const ImGuiInputTextFlags flags = ImGuiInputTextFlags_EnterReturnsTrue | (read_only ? ImGuiInputTextFlags_ReadOnly : 0);
    if (ImGui::InputText("##text", buf.data(), buf.size(), flags)) {
        auto parsed = parse_layer(buf.data(), index);
        if (parsed) {
            L = *parsed;
            e.changed = e.ended = true;
            error_index = -1;
        } else {
            error = parsed.status().message;
            error_index = index;
        }
    }
    if (ImGui::IsItemActive()) active = index;
    else if (active == index) active = -1;
    if (error_index == index) wrapped_colored(kColError, error);
}

}  // namespace

void App::draw_layers_window(Edit& e) {
    begin_panel("Layers", layout.layers_pos, layout.layers_size);
    const bool structure = !flags_.lock_all;  // add, move, duplicate, remove
    // Widgets are keyed by the state generation: after a state arrives from outside (link, upload,
    // test hook) no widget still being edited can write its old value into the new layers.
    ImGui::PushID(generation_);
    input_section(*this, e);
    ImGui::Separator();
    // The encoder-decoder pairs: above the layers on a wide page; below them on a phone, where the
    // layers' sliders come first.
    if (!layout.tabbed) draw_pairs(e);

    State& d = e.draft;
    const NetInfo& info = session_.info();
    // At the most layers a state may have, adding and duplicating are off and say why (they
    // did nothing, silently).
    const bool full = d.net.size() >= CodecLimits::max_layers;
    const std::string full_text = "The net has " + std::to_string(CodecLimits::max_layers) + " layers, the most it may have.";
    const auto say_full = [&] {
        if (full && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", full_text.c_str());
    };
    if (full) ImGui::TextDisabled("LAYERS (%d, the most)", int(d.net.size()));
    else ImGui::TextDisabled("LAYERS (%d)", int(d.net.size()));
    if (structure && !flags_.hidden("add")) {
        ImGui::SameLine();
        ImGui::BeginDisabled(full);
        if (small_button("+ add")) ImGui::OpenPopup("add_layer");
        ImGui::EndDisabled();
        say_full();
        hooks().record("add");
    }
    static bool split = false;
    ImGui::SameLine();
    ImGui::Checkbox("H, W apart", &split);
    help_marker("Show every per-axis parameter as two sliders (H and W) even when they are equal.");
    if (ImGui::BeginPopup("add_layer")) {
        for (const LayerType& type : layer_types()) {
            const bool picked = ImGui::Selectable(type.name_for(d.input_dims()));
            hooks().record(std::string("add_") + type.name_for(d.input_dims()));
            if (picked && d.net.size() < CodecLimits::max_layers) {
                d.net.push_back(new_layer(type, d.input_dims()));
                e.replace(d);
                view_.slot = scroll_to_layer_ = int(d.net.size()) - 1;
            } else if (ImGui::IsItemHovered()) {
                ImGui::SetTooltip("%s", type.description);
            }
        }
        ImGui::EndPopup();
    }

    // Structural edits are collected, then applied after the loop (the loop walks the draft).
    enum { None, Up, Down, Dup, Remove } action = None;
    int action_at = -1;
    const bool computing = session_.busy();
    for (int i = 0; i < int(d.net.size()); ++i) {
        Layer& L = d.net[size_t(i)];
        const bool have_info = size_t(i) < info.layers.size();
        const LayerInfo* li = have_info ? &info.layers[size_t(i)] : nullptr;
        const bool bad = li && !li->status.ok;
        const bool after_error = info.first_error >= 0 && i > info.first_error;
        ImGui::PushID(i);
        std::string title = print_layer(session_.state().net.size() > size_t(i) ? session_.state().net[size_t(i)] : L);
        if (title.size() > 56) title = title.substr(0, 53) + "...";
        title = std::to_string(i + 1) + ". " + title;
        if (li && li->status.ok) title += "   -> " + shape_text(li->out);
        ImGui::PushStyleColor(ImGuiCol_Text, after_error ? kColDim : bad ? kColError : ImGui::GetColorU32(ImGuiCol_Text));
        // A layer just added (or duplicated) opens and scrolls into view.
        const bool arrived = i == scroll_to_layer_;
        ImGui::SetNextItemOpen(true, arrived ? ImGuiCond_Always : ImGuiCond_Once);
        const bool open = ImGui::CollapsingHeader((title + "###layer").c_str());
        ImGui::PopStyleColor();
        hooks().record("L" + std::to_string(i + 1) + ".header");
        if (arrived) {
            ImGui::SetScrollHereY(0.0f);
            scroll_to_layer_ = -1;
        }
        if (view_.slot == i)  // the selected layer (the one in the viewer and the Explain tab)
            ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), IM_COL32(255, 220, 90, 255), 0, 0, 1.5f);
        if (ImGui::IsItemClicked(ImGuiMouseButton_Right)) view_.slot = i;
        if (!open) {
            ImGui::PopID();
            continue;
        }
        ImGui::Indent(ImGui::GetStyle().IndentSpacing * 0.5f);
        // One row of buttons, wrapped on a narrow panel.
        if (structure) {
            if (small_button("up") && i > 0) action = Up, action_at = i;
            same_line_if_fits("down");
            if (small_button("down") && i + 1 < int(d.net.size())) action = Down, action_at = i;
            same_line_if_fits("duplicate");
            ImGui::BeginDisabled(full);
            if (small_button("duplicate")) action = Dup, action_at = i;
            ImGui::EndDisabled();
            say_full();
            same_line_if_fits("remove");
            if (small_button("remove")) action = Remove, action_at = i;
            hooks().record("L" + std::to_string(i + 1) + ".remove");
        }
        if (shows_view()) {
            if (structure) same_line_if_fits("view");
            if (small_button("view")) show_in_view(i, 0);
            hooks().record("L" + std::to_string(i + 1) + ".view");
            same_line_if_fits("explain");
            if (small_button("explain")) show_in_view(i, 1);
        }

        layer_text_field(L, i, e, flags_.any_lock());
        if (li && li->status.ok) {
            ImGui::Text("%s -> %s", shape_text(li->in).c_str(), shape_text(li->out).c_str());
            ImGui::TextDisabled("params %s   MACs %s", human(li->params).c_str(), human(li->macs).c_str());
            if (!li->formula_general.empty()) wrapped_colored(kColDim, li->formula_general);
            for (int a = 0; a < li->axes; ++a) {
                const AxisInfo& ax = li->axis[size_t(a)];
                if (!ax.formula.empty()) wrapped_colored(kColFormula, ax.formula);
            }
            for (const std::string& w : li->warnings) wrapped_colored(kColWarn, w);
            for (const std::string& line : same_padding_note(session_.state().net.size() > size_t(i) ? session_.state().net[size_t(i)] : L, *li))
                wrapped_colored(kColDim, line);
            for (const Mismatch& m : session_.solve().mismatches)
                if (m.up_layer == i) {
                    wrapped_colored(kColWarn, m.message);
                    // this mismatch's first fix, with the first fixes of the mismatches before it
                    if (m.fixable && locked_change(flags_, session_.state(), m.fixes.front().result).empty()) {
                        const std::string with = m.after_fixes ? " (and the fixes before)" : "";
                        if (small_button((m.fixes.front().label + with).c_str())) e.replace(m.fixes.front().result);
                        hooks().record("L" + std::to_string(i + 1) + ".fix");
                    }
                }
            if (session_.plan_status().ok && i < session_.runnable()) {
                // The kernel's name is known once the layer ran (in the engine Worker).
                const std::string kernel = session_.kernel(i);
                if (i < session_.computed())
                    ImGui::TextDisabled("kernel %s   %.2f ms", kernel.c_str(), session_.ms(i));
                else if (computing)
                    ImGui::TextDisabled("%s%scomputing...", kernel.empty() ? "" : ("kernel " + kernel).c_str(),
                                        kernel.empty() ? "" : "   ");
            }
        } else if (li) {
            wrapped_colored(after_error ? kColDim : kColError, li->status.message);
            if (!li->status.hint.empty() && !after_error) wrapped_colored(kColWarn, li->status.hint);
        }
        edit_layer_params(L, e, split, "L" + std::to_string(i + 1) + ".", flags_);
        if (li) edit_layer_weights(L, *li, session_.plan_status().ok ? &session_ : nullptr, i, e, "L" + std::to_string(i + 1) + ".", flags_);
        ImGui::Unindent(ImGui::GetStyle().IndentSpacing * 0.5f);
        ImGui::Spacing();
        ImGui::PopID();
    }
    if (d.net.empty()) ImGui::TextDisabled("No layers: add one with '+ add'.");
    if (layout.tabbed) draw_pairs(e);

    if (action != None) {
        auto& net = d.net;
        const size_t at = size_t(action_at);
        if (action == Up) std::swap(net[at], net[at - 1]);
        else if (action == Down) std::swap(net[at], net[at + 1]);
        else if (action == Dup && net.size() < CodecLimits::max_layers)
            net.insert(net.begin() + long(at) + 1, net[at]), view_.slot = scroll_to_layer_ = action_at + 1;
        else if (action == Remove) net.erase(net.begin() + long(at));
        e.replace(d);
    }
    ImGui::PopID();
    content_h_ = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
    wheel_zones().scrollable();
    ImGui::End();
}

}  // namespace cp::app
