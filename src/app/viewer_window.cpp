// The bottom-right window: tabs for the feature-map viewer (one map, zoom/pan/pixel grid/value
// under the cursor) and the step-by-step explanation of the selected layer.
#include <algorithm>

#include "app/app.hpp"
#include "app/feature_map_view.hpp"
#include "app/signal_plot.hpp"
#include "core/json.hpp"

namespace cp::app {

void App::draw_view_window() {
    begin_panel("##view", layout.view_pos, layout.view_size, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    if (ImGui::BeginTabBar("tabs")) {
        const bool req = view_.tab_request;
        view_.tab_request = false;
        if (ImGui::BeginTabItem("Feature map", nullptr, req && view_.tab == 0 ? ImGuiTabItemFlags_SetSelected : 0)) {
            if (!req) view_.tab = 0;
            draw_viewer_tab();
            ImGui::EndTabItem();
        }
        hooks().record("viewer_tab");
        if (ImGui::BeginTabItem("Explain", nullptr, req && view_.tab == 1 ? ImGuiTabItemFlags_SetSelected : 0)) {
            if (!req) view_.tab = 1;
            draw_explain_tab();
            ImGui::EndTabItem();
        }
        hooks().record("explain_tab");
        if (ImGui::BeginTabItem("Gallery", nullptr, req && view_.tab == 2 ? ImGuiTabItemFlags_SetSelected : 0)) {
            if (!req) view_.tab = 2;
            draw_gallery_tab();
            ImGui::EndTabItem();
        }
        hooks().record("gallery_tab");
        ImGui::EndTabBar();
    }
    ImGui::End();
}

void App::draw_viewer_tab() {
    const State& st = session_.state();
    const NetInfo& info = session_.info();
    view_.slot = std::clamp(view_.slot, -1, int(st.net.size()) - 1);
    const int slot = view_.slot;

    // Which map: the input or a layer.
    std::string label = slot < 0 ? "input" : std::to_string(slot + 1) + ". " + info.layers[size_t(slot)].name;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::BeginCombo("map", label.c_str())) {
        if (ImGui::Selectable("input", slot < 0)) view_.slot = -1;
        for (int i = 0; i < int(st.net.size()); ++i)
            if (ImGui::Selectable((std::to_string(i + 1) + ". " + info.layers[size_t(i)].name).c_str(), slot == i)) view_.slot = i;
        ImGui::EndCombo();
    }
    if (slot >= 0 && !info.layers[size_t(slot)].status.ok) {
        wrapped_colored(kColError, "Layer " + std::to_string(slot + 1) + ": " + info.layers[size_t(slot)].status.message);
        return;
    }
    const Tensor* current = slot < 0 ? (session_.plan_status().ok ? session_.input() : nullptr) : session_.output(slot);
    const MapTexture* m = maps_.peek(slot);
    const Tensor* values = nullptr;
    if (current) {
        const Tensor& t = *current;
        // Planes up to the channel shown (an RGB composite needs 3), in powers of two so a
        // dragged channel slider uploads a few times, not once per channel.
        int planes = 4;
        while (planes < view_.channel + 1) planes *= 2;
        m = &maps_.get(slot, t, session_.version(slot), view_.item, planes, 0, session_.ranges(slot));
        // Still going up (MapCache::kFrameUploadBytes): drawn as while it is computed.
        if (MapCache::holds(*m, session_.version(slot), view_.item)) values = &t;
        else current = nullptr;
    }
    if (!m || !m->ready()) {
        if (m && m->too_big) ImGui::TextDisabled("too big for this GPU's textures");
        else if (!session_.plan_status().ok) wrapped_colored(kColError, "not computed: " + session_.plan_status().message);
        else ImGui::TextDisabled("computing...");
        return;
    }
    // A 1-d map is a line plot of the selected channel: no RGB composite, no zoom, no y.
    const bool signal = (slot < 0 ? info.input : info.layers[size_t(slot)].out).size() == 3;
    // Being recomputed: the values the texture kept (one item, dimmed) until the new ones arrive.
    const bool kept = !values && m->signal.shape.size() == 3 && view_.channel < m->signal.shape[1];
    const Tensor* plotted = kept ? &m->signal : values;
    const int plot_item = kept ? 0 : view_.item;
    if (signal && (!plotted || !is_signal(*plotted))) {
        ImGui::TextDisabled("computing...");
        return;
    }
    const bool composite = !signal && view_.rgb && m->max_c == 3;
    ImGui::SameLine();
    if (!composite && m->max_c > 1) {
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        ImGui::SliderInt("channel", &view_.channel, 0, m->max_c - 1);
        ImGui::SameLine();
    }
    view_.channel = std::clamp(view_.channel, 0, m->max_c - 1);
    if (m->max_c == 3 && !signal) {
        ImGui::Checkbox("RGB", &view_.rgb);
        ImGui::SameLine();
    }
    if (!signal) {
        if (small_button("fit")) view_.zoom = 0;
        ImGui::SameLine();
        if (small_button("1:1")) {
            view_.zoom = 1.0f / ImGui::GetIO().DisplayFramebufferScale.x;  // one texel per device pixel
            view_.center = ImVec2(m->w / 2.0f, m->h / 2.0f);
        }
        ImGui::SameLine();
        ImGui::TextDisabled("%dx%d%s", m->w, m->h, m->channels > m->max_c ? " (channels capped by the GPU)" : "");
    } else {
        ImGui::TextDisabled("length %d", m->w);
    }
    if (!current && session_.plan_status().ok) {
        ImGui::SameLine();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColWarn), session_.stopped() ? "stale: stopped" : "stale: computing...");
    }

    const MapStyle style = map_style(*m, view_, view_.channel, composite);
    ImGui::SameLine();
    ImGui::Checkbox("receptive field", &view_.rf_on);
    hooks().record("rf_on");
    help_marker("Hover a pixel (click or tap to pin it): the cells of the input and of every map that influence it are "
                "outlined in the Outputs (an input pixel: every cell it reaches). Orange: the windows reach past the "
                "map's edge, where padding enters.");
    if (!view_.rf_on && view_.rf_slot != kNoRfCell) view_.rf_slot = kNoRfCell, view_.rf_pinned = false;
    const float footer = ImGui::GetTextLineHeightWithSpacing() * 2 + ImGui::GetFontSize() + rf_text_height();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    avail.y -= footer;
    // Preferred height (auto-height embeds): the map at the panel's width, at most square.
    // (a plot: half as high as wide)
    content_h_ = ImGui::GetCursorPosY() + (signal ? avail.x * 0.5f : std::min(avail.x * float(m->h) / float(m->w), avail.x)) +
                 footer + ImGui::GetStyle().WindowPadding.y;
    MapHover h;
    if (signal) {
        // At most 3:4 (a phone's tall panel would stretch the line); the footer follows it.
        const ImVec2 plot(avail.x, std::min(avail.y, std::max(avail.x * 0.75f, ImGui::GetFontSize() * 10)));
        const PlotHover ph = signal_view("map", *plotted, plot_item, view_.channel, style.lo, style.hi, plot, &h.q0, &h.q1,
                                         kept ? kColPlotStale : kColPlot);
        h.view0 = h.q0, h.view1 = h.q1;
        h.valid = h.inside = ph.inside, h.c = view_.channel, h.x = ph.x, h.value = ph.value, h.clicked = ph.clicked;
        JsonWriter j;  // what the plot shows, for the browser tests
        const int64_t L = plotted->shape[2];
        const float* v = plotted->ptr() + (int64_t(plot_item) * plotted->shape[1] + view_.channel) * L;
        j.begin_object().key("layer").value(slot + 1).key("channel").value(view_.channel).key("length").value(L);
        j.key("lo").value(double(style.lo)).key("hi").value(double(style.hi)).key("hover").value(ph.inside ? ph.x : -1);
        j.key("stale").value(kept);
        j.key("values").begin_array();
        for (int64_t x = 0; x < std::min<int64_t>(L, 16); ++x) j.value(double(v[x]));
        j.end_array().end_object();
        hooks().probes["plot"] = j.str();
    } else {
        h = feature_map_view("map", maps_, *m, style, values, view_.item, view_.channel, view_, avail);
    }
    rf_pick(slot, h.inside, h.y, h.x, composite ? -1 : view_.channel, h.clicked);
    {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->PushClipRect(h.view0, h.view1, true);
        draw_rf_overlay(dl, slot, composite ? -1 : view_.channel, h.q0, h.q1);
        dl->PopClipRect();
    }
    if (signal) {
        ImGui::TextDisabled("channel %d: %.4g (bottom) .. %.4g (top)", view_.channel, style.lo, style.hi);
    } else if (composite) {
        ImGui::TextDisabled("RGB composite of channels 0, 1, 2; range %.4g .. %.4g", style.lo, style.hi);
    } else {
        map_legend(style, std::min(avail.x, 320.0f));
    }
    if (h.valid && signal) {
        ImGui::Text("(c, x) = (%d, %d)   value %.6g", h.c, h.x, h.value);
    } else if (h.valid) {
        // Composite: the value under the cursor of each of the three channels.
        if (composite && values) {
            const int64_t plane = int64_t(m->h) * m->w, base = int64_t(view_.item) * 3 * plane + int64_t(h.y) * m->w + h.x;
            ImGui::Text("(y, x) = (%d, %d)   R %.5g  G %.5g  B %.5g", h.y, h.x, values->data[size_t(base)],
                        values->data[size_t(base + plane)], values->data[size_t(base + 2 * plane)]);
        } else {
            ImGui::Text("(c, y, x) = (%d, %d, %d)   value %.6g", h.c, h.y, h.x, h.value);
        }
    } else {
        // (a plot: the receptive field's line below says what hovering does)
        if (!signal || !view_.rf_on) ImGui::TextDisabled(signal ? "hover a sample: its value" : "wheel: zoom   drag: pan   double-click: fit");
    }
    draw_rf_text();
    rf_probe();
}

}  // namespace cp::app
