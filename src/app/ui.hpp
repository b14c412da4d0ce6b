// Small UI helpers shared by the windows: edit tracking (live edits vs. an edit that ended, which
// is when the share link is written), named widget rectangles for the test hooks, number text.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/choices.hpp"
#include "core/layer.hpp"
#include "imgui.h"

namespace cp::app {

// What the editing widgets did to a copy of the state this frame.
struct Edit {
    State draft;
    bool changed = false;  // draft differs: apply it now (live, while a slider moves)
    bool ended = false;    // an edit finished (slider released, click, Enter): write the link

    // Call right after a widget with its return value.
    bool track(bool widget_changed) {
        if (widget_changed) {
            changed = true;
            // A click (checkbox, combo, button) ends at once; a drag ends on release.
            if (!ImGui::IsItemActive()) ended = true;
        }
        if (ImGui::IsItemDeactivatedAfterEdit()) ended = true;
        return widget_changed;
    }
    // A whole new state (button, preset, fix): applied and written at once.
    void replace(State next) {
        draft = std::move(next);
        changed = ended = true;
    }
};

// Test hooks: the last item's screen rectangle under `name` (CSS pixels), so a browser test can
// move the real mouse onto a real widget.
struct HookRects {
    std::map<std::string, ImVec4> rects;
    // What a view drew this frame, as JSON a test can read (e.g. the explain cell and its sum).
    std::map<std::string, std::string> probes;
    void clear() {
        rects.clear();
        probes.clear();
    }
    void record(const std::string& name) {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        rects[name] = ImVec4(a.x, a.y, b.x - a.x, b.y - a.y);
    }
    // A labelled widget (slider, combo): only its frame, without the label on its right.
    void record_frame(const std::string& name) {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        rects[name] = ImVec4(a.x, a.y, std::min(b.x - a.x, ImGui::CalcItemWidth()), b.y - a.y);
    }
};
HookRects& hooks();

// Where the wheel and touch may act, recorded while drawing (CSS pixels, last frame). In an
// iframe the page sends the wheel to the app only over an armed (clicked) zoomable view, or over
// a window that can still scroll that way once the frame has focus; otherwise the host scrolls.
struct WheelZones {
    struct Zone {
        ImVec4 rect;     // x, y, w, h
        ImGuiID window;  // the window to scroll (0 for a zoomable view)
        float scroll = 0, max = 0;
        bool zoomable = false, armed = false;
    };
    std::vector<Zone> zones;
    ImGuiID armed = 0;   // the zoomable view clicked last (disarmed when the pointer leaves it)
    // The current window (call before its End / EndChild).
    void scrollable();
    // The last item, a zoomable view: armed by a click, disarmed once the pointer leaves.
    void zoomable();
    // What the wheel at (x, y) should move: 2 an armed zoomable view, 1 a window that can still
    // scroll that way (dy > 0: down), 0 nothing in the app (the host page scrolls); 3 a zoomable
    // view not armed (the host scrolls; a pinch may still zoom it).
    int target(float x, float y, float dy) const;
    // The window a vertical drag at (x, y) scrolls (its ImGuiID), 0 for none.
    ImGuiID scroll_window(float x, float y) const;
};
WheelZones& wheel_zones();

// Touch screens (a coarse pointer, set by the platform): every button gets a full-height frame
// (the style's padding makes it >= 40 px), SmallButton's included.
bool& touch_ui();
inline bool small_button(const char* label) { return touch_ui() ? ImGui::Button(label) : ImGui::SmallButton(label); }
inline bool small_button(const std::string& label) { return small_button(label.c_str()); }

// SameLine() when a button labelled `next` still fits on this line; else the button wraps.
void same_line_if_fits(const char* next);

// A combo over the first `count` rows of enumeration E's table (core/choices.hpp): the UI's lists
// are the codec's words. Returns whether the user picked another row.
template <class E>
bool choice_combo(const char* label, E& value, size_t count = choices<E>().size()) {
    int i = int(value);
    const bool changed = ImGui::Combo(
        label, &i, [](void*, int row, const char** text) { return (*text = choices<E>()[size_t(row)].name), true; },
        nullptr, int(count));
    if (changed) value = E(i);
    return changed;
}

// 1234567 -> "1.23M" (display only).
std::string human(int64_t n);
// Help marker "(?)" with a tooltip.
void help_marker(const char* text);
// Text wrapped to the window, in a colour.
void wrapped_colored(ImU32 color, const std::string& text);

inline constexpr ImU32 kColError = IM_COL32(255, 110, 100, 255);
inline constexpr ImU32 kColWarn = IM_COL32(240, 200, 90, 255);
inline constexpr ImU32 kColOk = IM_COL32(130, 210, 140, 255);
inline constexpr ImU32 kColDim = IM_COL32(150, 150, 160, 255);
inline constexpr ImU32 kColFormula = IM_COL32(170, 200, 255, 255);
inline constexpr ImU32 kColPlot = IM_COL32(120, 190, 255, 255);       // a 1-d map's line
inline constexpr ImU32 kColPlotStale = IM_COL32(110, 125, 150, 255);  // ... while it is recomputed

}  // namespace cp::app
