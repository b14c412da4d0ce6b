// UI helpers (see ui.hpp).
#include "app/ui.hpp"

#include <cstdio>

#include "imgui_internal.h"

namespace cp::app {

HookRects& hooks() {
    static HookRects h;
    return h;
}

bool& touch_ui() {
    static bool touch = false;
    return touch;
}

WheelZones& wheel_zones() {
    static WheelZones z;
    return z;
}

void WheelZones::scrollable() {
    const ImGuiWindow* w = ImGui::GetCurrentWindow();
    zones.push_back({ImVec4(w->Pos.x, w->Pos.y, w->Size.x, w->Size.y), w->ID, w->Scroll.y, w->ScrollMax.y, false});
}

void WheelZones::zoomable() {
    const ImGuiID id = ImGui::GetItemID();
    if (ImGui::IsItemClicked()) armed = id;
    else if (armed == id && !ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem)) armed = 0;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    zones.push_back({ImVec4(a.x, a.y, b.x - a.x, b.y - a.y), 0, 0, 0, true, armed == id});
}

namespace {

bool inside(const ImVec4& r, float x, float y) { return x >= r.x && y >= r.y && x < r.x + r.z && y < r.y + r.w; }

// The window ImGui's wheel scrolls at (x, y): the innermost one that has something to scroll
// (ImGui passes the wheel from a child with nothing to scroll to its parent).
const WheelZones::Zone* scroller(const std::vector<WheelZones::Zone>& zones, float x, float y) {
    const WheelZones::Zone* best = nullptr;
    for (const auto& z : zones)
        if (!z.zoomable && z.max > 0 && inside(z.rect, x, y) && (!best || z.rect.z * z.rect.w < best->rect.z * best->rect.w))
            best = &z;
    return best;
}

}  // namespace

int WheelZones::target(float x, float y, float dy) const {
    for (const Zone& z : zones)
        if (z.zoomable && inside(z.rect, x, y)) return z.armed ? 2 : 3;
    const Zone* s = scroller(zones, x, y);
    if (!s) return 0;
    return (dy > 0 && s->scroll < s->max - 0.5f) || (dy < 0 && s->scroll > 0.5f) ? 1 : 0;
}

ImGuiID WheelZones::scroll_window(float x, float y) const {
    const Zone* s = scroller(zones, x, y);
    return s ? s->window : 0;
}

void same_line_if_fits(const char* next) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const float next_w = ImGui::CalcTextSize(next, nullptr, true).x + st.FramePadding.x * 2;
    const float right = ImGui::GetItemRectMax().x + st.ItemSpacing.x + next_w;
    if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

std::string human(int64_t n) {
    char buf[32];
    if (n >= 1000000000) std::snprintf(buf, sizeof buf, "%.2fG", double(n) / 1e9);
    else if (n >= 1000000) std::snprintf(buf, sizeof buf, "%.2fM", double(n) / 1e6);
    else if (n >= 10000) std::snprintf(buf, sizeof buf, "%.1fk", double(n) / 1e3);
    else std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    return buf;
}

void help_marker(const char* text) {
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void wrapped_colored(ImU32 color, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

}  // namespace cp::app
