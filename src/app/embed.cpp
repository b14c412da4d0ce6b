// Embeds: the short bar of the tabbed layout (the page's title, state and buttons on a narrow
// page; in an embed only the status line and "Open in convplay"), then the panel tabs; the full
// page's "Embed..." popup (the iframe and embed.js snippets for the current state); and the host
// API: what a host page's messages do, and the messages posted to it (docs/embed.md).
#include <algorithm>
#include <cmath>
#include <functional>

#include "app/app.hpp"
#include "core/json.hpp"

namespace cp::app {

namespace {

const char* tab_label(Panel p) {
    switch (p) {
        case Panel::Layers: return "Layers";
        case Panel::Shapes: return "Shapes";
        case Panel::Outputs: return "Outputs";
        case Panel::Map: return "Feature map";
        case Panel::Explain: return "Explain";
    }
    return "";
}

}  // namespace

// [SECTION] the tabbed layout's bar

void App::draw_compact_bar(Edit& e) {
    begin_panel("##bar", layout.top_pos, layout.top_size, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    const ImGuiStyle& style = ImGui::GetStyle();
    const bool share = !flags_.hidden("share");
    if (!flags_.embed) {
        ImGui::TextColored(ImVec4(0.55f, 0.8f, 1.0f, 1.0f), "convplay");
        draw_page_buttons(e, false);
        ImGui::SetNextItemWidth(-1);
        draw_state_field(e);
    }
    // The status line; in an embed the link to the full page sits at its right.
    const char* open_label = "Open in convplay";
    const bool open_link = flags_.embed && share;
    const float open_w = open_link ? ImGui::CalcTextSize(open_label).x + style.FramePadding.x * 2 + style.ItemSpacing.x : 0;
    if (!flags_.embed) draw_undo_buttons(e);
    ImGui::BeginChild("status", ImVec2(std::max(1.0f, ImGui::GetContentRegionAvail().x - open_w), ImGui::GetFrameHeight() + status_extra_h_), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    draw_status_line(e);
    ImGui::EndChild();
    if (open_link) {
        ImGui::SameLine();
        if (ImGui::Button(open_label)) host_.open_url(full_page_link(), true);
        hooks().record("open_full");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("This state in the full playground, in a new tab.");
    }
    const std::vector<Panel> panels = tab_panels();
    if (panels.size() > 1 && ImGui::BeginTabBar("panels", ImGuiTabBarFlags_FittingPolicyResizeDown)) {
        const bool req = view_.panel_request;
        view_.panel_request = false;
        for (Panel p : panels) {
            const ImGuiTabItemFlags f = req && view_.panel == p ? ImGuiTabItemFlags_SetSelected : 0;
            if (ImGui::BeginTabItem(tab_label(p), nullptr, f)) {
                if (!req) view_.panel = p;
                ImGui::EndTabItem();
            }
            hooks().record(std::string("tab.") + panel_name(p));
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

void App::show_in_view(int slot, int tab) {
    view_.slot = slot, view_.tab = tab, view_.tab_request = true;
    const Panel want = tab == 0 ? Panel::Map : Panel::Explain;
    const std::vector<Panel> panels = tab_panels();
    if (layout.tabbed && std::find(panels.begin(), panels.end(), want) != panels.end())
        view_.panel = want, view_.panel_request = true;
}

bool App::shows_view() const {
    if (!layout.tabbed) return true;
    const std::vector<Panel> panels = tab_panels();
    return std::find(panels.begin(), panels.end(), Panel::Map) != panels.end() ||
           std::find(panels.begin(), panels.end(), Panel::Explain) != panels.end();
}

// [SECTION] "Embed..." on the full page

void App::draw_embed_code_popup() {
    // Never wider than the screen (a phone): the checkboxes and buttons wrap instead.
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(ds.x * 0.96f, ds.y * 0.9f));
    if (!ImGui::BeginPopup("embed_code")) return;
    static bool chosen[kPanelCount] = {true, false, true, true, false};  // embed mode's default
    static bool read_only = false;
    ImGui::TextUnformatted("Panels (tabs, in this order):");
    const ImGuiStyle& style = ImGui::GetStyle();
    for (int i = 0; i < kPanelCount; ++i) {
        // a checkbox is its box, a gap and its label: on this line if it fits
        const float w = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(kPanelNames[i]).x;
        if (i && ImGui::GetItemRectMax().x + style.ItemSpacing.x + w <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
            ImGui::SameLine();
        ImGui::Checkbox(kPanelNames[i], &chosen[i]);
    }
    ImGui::Checkbox("read-only (lock=all)", &read_only);
    EmbedFlags f;
    for (int i = 0; i < kPanelCount; ++i)
        if (chosen[i]) f.panels.push_back(Panel(i));
    f.layer = view_.slot + 1;
    f.lock_all = read_only;
    const std::string url = host_.page_url(), state = session_.text();
    const std::string iframe = embed_iframe_snippet(url, f, state, 700, 450), div = embed_div_snippet(url, f, state);
    if (ImGui::Button("Copy iframe")) {
        host_.copy_text(iframe);
        session_.notice = {Notice::Info, "Embed code (iframe) copied."};
        ImGui::CloseCurrentPopup();
    }
    hooks().record("copy_iframe");
    same_line_if_fits("Copy embed.js form");
    if (ImGui::Button("Copy embed.js form")) {
        host_.copy_text(div);
        session_.notice = {Notice::Info, "Embed code (embed.js) copied."};
        ImGui::CloseCurrentPopup();
    }
    hooks().record("copy_div");
    ImGui::PushStyleColor(ImGuiCol_Text, style.Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("The current state and layer %d; lock= and hide= flags: see docs/embed.md.", view_.slot + 1);
    ImGui::PopStyleColor();
    std::string shown = iframe + "\n\n" + div;
    ImGui::InputTextMultiline("##snippet", shown.data(), shown.size() + 1,
                              ImVec2(std::min(ImGui::GetFontSize() * 40, ds.x * 0.9f), ImGui::GetFontSize() * 8),
                              ImGuiInputTextFlags_ReadOnly);
    ImGui::EndPopup();
}

std::string App::full_page_link() {
    EmbedFlags f;
    f.layer = view_.slot + 1;
    return host_.page_url() + print_embed_flags(f) + "#" + session_.text();
}

// [SECTION] the host API

namespace {

std::string message(const char* type, const std::string& id, const std::function<void(JsonWriter&)>& fields) {
    JsonWriter w;
    w.begin_object().key("convplay").value(1).key("type").value(type).key("id").value(id);
    fields(w);
    w.end_object();
    return w.str();
}

}  // namespace

void App::post_state() {
    host_.post_to_host(message("state", flags_.id, [&](JsonWriter& w) { w.key("state").value(session_.text()); }));
}

void App::post_shapes() {
    host_.post_to_host(message("shapes", flags_.id, [&](JsonWriter& w) { w.key("shapes").raw(session_.shapes_json()); }));
}

void App::post_error(const std::string& text, int layer) {
    host_.post_to_host(message("error", flags_.id, [&](JsonWriter& w) {
        w.key("message").value(text);
        if (layer > 0) w.key("layer").value(layer);
    }));
}

void App::post_ready() {
    host_.post_to_host(message("ready", flags_.id, [&](JsonWriter& w) { w.key("state").value(session_.text()); }));
}

void App::post_resize() {
    if (!flags_.embed || !ready_posted_ || preferred_h_ <= 0 || std::fabs(preferred_h_ - posted_h_) < 1) return;
    posted_h_ = preferred_h_;
    host_.post_to_host(message("resize", flags_.id, [&](JsonWriter& w) { w.key("height").value(int64_t(preferred_h_)); }));
}

void App::host_set_state(const std::string& text) {
    const Status st = set_state_text(text, false);
    if (!st) post_error(st.message, 0);
    else post_state();
}

void App::host_select_layer(int layer) {
    const int n = int(session_.state().net.size());
    if (layer < 0 || layer > n) {
        post_error("selectLayer: there is no layer " + std::to_string(layer) + " (the state has " + std::to_string(n) +
                       (n == 1 ? " layer" : " layers") + "; 0 is the input)",
                   0);
        return;
    }
    view_.slot = layer - 1;
    request_frames(3);
}

void App::host_explain_step(int delta, int cell) {
    view_.play = false;
    if (delta != 0) view_.step_request += delta;
    else view_.pos = std::max(0, cell);
    show_in_view(view_.slot, 1);
    request_frames(3);
}

void App::measure_preferred_height() {
    preferred_h_ = layout.tabbed ? std::ceil(layout.top_size.y + content_h_) : ImGui::GetIO().DisplaySize.y;
    post_resize();
}

}  // namespace cp::app
