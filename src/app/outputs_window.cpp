// The Outputs window: the input and every layer's output as channel thumbnails (an RGB
// composite first for 3 channels), drawn by the colormap shader. A click opens one in the viewer.
// Textures are uploaded only for rows on screen and only when the layer was recomputed.
#include <algorithm>
#include <cmath>

#include "app/app.hpp"
#include "app/feature_map_view.hpp"
#include "app/signal_plot.hpp"

namespace cp::app {

namespace {

constexpr int kMaxThumbs = 48;  // per row; the viewer shows every channel

// A thumbnail's size: a picture keeps its aspect ratio within `height` x `avail` (a 5000x20
// image is a thin strip, not a 4:1 box); a 1-d signal, which has no height, is a line plot as
// wide as a picture four times its height.
ImVec2 thumb_size(const Dims& shape, float height, float avail) {
    if (shape.size() == 3) return ImVec2(std::min(height * 4, std::max(avail, 1.0f)), height * 0.6f);
    const float aspect = float(shape.back()) / float(std::max<int64_t>(1, shape[shape.size() - 2]));
    float w = height * aspect, h = height;
    if (w > avail && avail > 0) w = avail, h = avail / aspect;
    return ImVec2(std::max(w, 1.0f), std::max(h, 1.0f));
}

}  // namespace

void App::draw_outputs_window() {
    begin_panel("Outputs", layout.outputs_pos, layout.outputs_size);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    // Every palette but Rgb, which "RGB for 3 channels" picks.
    choice_combo("colormap", view_.colormap, size_t(Colormap::Rgb));
    help_marker("auto: diverging (blue < 0 < red) when a channel has both signs, else sequential (viridis).");
    ImGui::SameLine();
    ImGui::Checkbox("shared range", &view_.shared_range);
    help_marker("One value range for all channels of a layer (compare channels), instead of one per channel.");
    const State& st = session_.state();
    const bool signals = st.input_dims() == 1;  // 1-d: every map is a line plot per channel
    if (!signals) {
        ImGui::SameLine();
        ImGui::Checkbox("RGB for 3 channels", &view_.rgb);
    }
    if (st.batch > 1) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        ImGui::SliderInt("item", &view_.item, 0, int(st.batch - 1));
    }
    view_.item = std::clamp<int>(view_.item, 0, int(st.batch - 1));

    const float rows_top = ImGui::GetCursorPosY();
    ImGui::BeginChild("rows");
    const NetInfo& info = session_.info();
    const float thumb_h = ImGui::GetFontSize() * 5.5f;
    int64_t plot_points = 0, stale_points = 0;  // points of every line plot drawn, and of the stale ones (test hooks)
    for (int slot = -1; slot < int(st.net.size()); ++slot) {
        ImGui::PushID(slot);
        const bool is_input = slot < 0;
        const LayerInfo* li = is_input ? nullptr : &info.layers[size_t(slot)];
        if (is_input) {
            ImGui::Text("input  %s", shape_text(info.input).c_str());
        } else {
            ImGui::Text("%d. %s", slot + 1, li->name.c_str());
            ImGui::SameLine();
            if (li->status.ok) ImGui::TextDisabled("-> %s", shape_text(li->out).c_str());
        }
        if (!is_input && !li->status.ok) {
            ImGui::PushStyleColor(ImGuiCol_Text, slot == info.first_error ? kColError : kColDim);
            ImGui::TextWrapped("%s", slot == info.first_error ? ("not computed: " + li->status.message).c_str()
                                                              : "not computed: an earlier layer fails");
            ImGui::PopStyleColor();
            ImGui::Separator();
            ImGui::PopID();
            continue;
        }
        // Upload what is current, at the size drawn (small: rows scrolled out of view too, so
        // they keep their height); otherwise show the last texture (if any).
        const Tensor* current = is_input ? (session_.plan_status().ok ? session_.input() : nullptr) : session_.output(slot);
        const float avail = ImGui::GetContentRegionAvail().x;
        const ImVec2 ts = thumb_size(is_input ? info.input : li->out, thumb_h, avail);
        // Uploaded at the size drawn, in device pixels.
        const float dpr = std::max(1.0f, ImGui::GetIO().DisplayFramebufferScale.x);
        const int64_t max_px = int64_t(std::ceil(std::max(ts.x, ts.y) * dpr));
        const MapTexture* m = maps_.peek(slot, true);
        if (current) m = &maps_.get(slot, *current, session_.version(slot), view_.item, kMaxThumbs, max_px,
                                        session_.ranges(slot));
        // Still going up (MapCache::kFrameUploadBytes): drawn as while it is computed.
        if (current && !MapCache::holds(*m, session_.version(slot), view_.item)) current = nullptr;
        if (!m || !m->ready()) {
            // No picture yet: why (the plan refused the state), or that it is on its way.
            if (m && m->too_big) ImGui::TextDisabled("(too big for this GPU's textures)");
            else if (!session_.plan_status().ok) wrapped_colored(kColError, "not computed: " + session_.plan_status().message);
            else if (session_.stopped()) wrapped_colored(kColWarn, "not computed: stopped");
            else ImGui::TextDisabled("computing...");
            ImGui::Separator();
            ImGui::PopID();
            continue;
        }
        float x = 0;
        // A 1-d map: each channel's line from its values (while it is recomputed, from the
        // previous values the texture kept, dimmed).
        const Tensor* plotted = current ? current : m->signal.shape.empty() ? nullptr : &m->signal;
        const bool plot = plotted && is_signal(*plotted);
        const int plot_item = current ? view_.item : 0;  // the kept values are of one item
        const bool composite = !plot && m->max_c == 3 && view_.rgb;
        const int count = std::min(m->c, kMaxThumbs) + (composite ? 1 : 0);
        for (int k = 0; k < count; ++k) {
            const bool rgb = composite && k == 0;
            const int ch = composite ? k - 1 : k;
            if (x > 0 && x + ts.x > avail) x = 0;
            else if (x > 0) ImGui::SameLine();
            ImGui::PushID(k);
            const ImVec2 p = ImGui::GetCursorScreenPos();
            if (ImGui::InvisibleButton("thumb", ts)) {
                view_.channel = std::max(0, ch);
                show_in_view(slot, 0);
                view_.rgb = rgb || (view_.rgb && m->max_c != 3);
            }
            if (slot == int(st.net.size()) - 1 && k == 0) hooks().record("last_thumb");
            if (is_input && k == 0) hooks().record("input_thumb");
            if (ImGui::IsItemHovered()) ImGui::SetTooltip(rgb ? "RGB composite" : "channel %d", ch);
            const MapStyle style = map_style(*m, view_, ch, rgb);
            if (plot) {
                const int n = draw_signal(ImGui::GetWindowDrawList(), *plotted, plot_item, ch, style.lo, style.hi, p,
                                          ImVec2(p.x + ts.x, p.y + ts.y), current ? kColPlot : kColPlotStale);
                plot_points += n;
                if (!current) stale_points += n;
            }
            else maps_.draw(ImGui::GetWindowDrawList(), *m, style, p, ImVec2(p.x + ts.x, p.y + ts.y));
            draw_rf_overlay(ImGui::GetWindowDrawList(), slot, rgb ? -1 : ch, p, ImVec2(p.x + ts.x, p.y + ts.y));
            const bool selected = view_.slot == slot && (rgb ? view_.rgb : (plot || !view_.rgb || m->max_c != 3) && view_.channel == ch);
            if (selected)
                ImGui::GetWindowDrawList()->AddRect(p, ImVec2(p.x + ts.x, p.y + ts.y), IM_COL32(255, 220, 90, 255), 0, 0, 2);
            ImGui::PopID();
            x += ts.x + ImGui::GetStyle().ItemSpacing.x;
        }
        if (m->channels > kMaxThumbs) ImGui::TextDisabled("+%lld more channels: open the viewer", (long long)(m->channels - kMaxThumbs));
        if (!is_input && current)
            ImGui::TextDisabled("%s   %.2f ms", session_.kernel(slot).c_str(), session_.ms(slot));
        else if (!current && session_.stopped())
            wrapped_colored(kColWarn, "previous values (stale): stopped");
        else if (!current && session_.plan_status().ok)
            wrapped_colored(kColWarn, slot == session_.computed() ? "previous values (stale): computing..."
                                                                  : "previous values (stale): queued");
        ImGui::Separator();
        ImGui::PopID();
    }
    hooks().probes["output_plots"] = std::to_string(plot_points);
    hooks().probes["output_plots_stale"] = std::to_string(stale_points);
    content_h_ = rows_top + ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
    wheel_zones().scrollable();
    ImGui::EndChild();
    wheel_zones().scrollable();
    ImGui::End();
}

}  // namespace cp::app
