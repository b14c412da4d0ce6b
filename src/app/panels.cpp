// Where the windows go. Tiled on a wide page: top bar; the layer stack on the left; outputs above
// the viewer (feature map / explain tabs) on the right. Tabbed in an embed and on pages narrower
// than kTabbedBelow: a short bar (embed.cpp), then one panel filling the rest; with several
// panels the bar has their tabs. Sizes follow the font, which main.cpp scales with the window.
#include <algorithm>
#include <cmath>

#include "app/app.hpp"

namespace cp::app {

std::vector<Panel> App::tab_panels() const {
    if (flags_.embed) return flags_.shown_panels();
    return {Panel::Layers, Panel::Outputs, Panel::Map, Panel::Explain, Panel::Shapes};
}

bool App::begin_panel(const char* name, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGuiWindowFlags f = extra | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    // Untitled: the tiled page's top bar and viewer (its tabs name it); every tabbed panel.
    if (layout.tabbed || name[0] == '#') f |= ImGuiWindowFlags_NoTitleBar;
    // No background: the panels tile the canvas, which is cleared to the windows' colour
    // (platform/main.cpp). Under software GL (headless Chromium's SwiftShader, a browser without
    // GPU access) every pixel a frame covers costs CPU the engine Worker needs, and the panels'
    // backgrounds were more than half of the pixels a frame drew (docs/architecture.md, "Frames").
    ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 0));
    const bool open = ImGui::Begin(name, nullptr, f);
    ImGui::PopStyleColor();
    return open;
}

void App::compute_layout() {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float row = ImGui::GetFrameHeight() + style.ItemSpacing.y;
    Layout L;
    L.tabbed = flags_.embed || ds.x < kTabbedBelow;
    if (!L.tabbed) {
        const float top_h = ImGui::GetFrameHeight() * 2 + style.ItemSpacing.y + style.WindowPadding.y * 2 + status_extra_h_ + buttons_extra_h_;
        // The stack column scales with the font (main.cpp scales the font with the window).
        const float unit = ImGui::GetFontSize() / 13.0f;
        const float left_w = std::clamp(ds.x * 0.36f, std::min(ds.x, 340.0f * unit), 500.0f * unit);
        const float right_w = std::max(1.0f, ds.x - left_w), body_h = std::max(1.0f, ds.y - top_h);
        const float outputs_h = std::floor(body_h * 0.42f);
        L.top_pos = {0, 0}, L.top_size = {ds.x, top_h};
        L.layers_pos = {0, top_h}, L.layers_size = {left_w, body_h};
        L.outputs_pos = {left_w, top_h}, L.outputs_size = {right_w, outputs_h};
        L.view_pos = {left_w, top_h + outputs_h}, L.view_size = {right_w, body_h - outputs_h};
    } else {
        // Rows of the bar: the page's title, state and status (an embed: the status only), and
        // the tabs when there are several panels.
        const int rows = (flags_.embed ? 1 : 3) + (tab_panels().size() > 1 ? 1 : 0);
        const float top_h = std::floor(rows * row - style.ItemSpacing.y + style.WindowPadding.y * 2 + status_extra_h_ + buttons_extra_h_);
        L.top_pos = {0, 0}, L.top_size = {ds.x, top_h};
        L.body_pos = {0, top_h}, L.body_size = {ds.x, std::max(1.0f, ds.y - top_h)};
        L.layers_pos = L.outputs_pos = L.view_pos = L.body_pos;
        L.layers_size = L.outputs_size = L.view_size = L.body_size;
    }
    layout = L;
}

void App::draw_panels(Edit& e) {
    // Windows that edit come first, so the edit is applied (and its layers run) before the
    // windows that show outputs are drawn in the same frame.
    if (!layout.tabbed) {
        draw_top_bar(e);
        draw_layers_window(e);
    } else {
        draw_compact_bar(e);
        if (view_.panel == Panel::Layers) draw_layers_window(e);
    }
}

void App::draw_tabbed_panel() {
    switch (view_.panel) {
        case Panel::Layers: break;  // drawn with the editing windows
        case Panel::Shapes: draw_shapes_window(); break;
        case Panel::Outputs: draw_outputs_window(); break;
        case Panel::Map:
        case Panel::Explain:
            // The map and the explain pictures fit the panel: no scrollbar.
            begin_panel(view_.panel == Panel::Map ? "##map" : "##explain", layout.view_pos, layout.view_size,
                        ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
            if (view_.panel == Panel::Map) draw_viewer_tab();
            else draw_explain_tab();
            ImGui::End();
            break;
    }
}

}  // namespace cp::app
