// The receptive field in the playground: the viewer's cell under the pointer (or pinned by a
// click or a tap) is traced through the stack by core (receptive_field.hpp): back to the input
// from a layer's output, forward through every layer from an input cell. Its region is outlined
// on every map drawn (the Outputs thumbnails, the viewer), with the span the windows reach
// beyond a map's edge in orange (where padding enters), and the viewer shows the input region,
// its size and the formula of each step: all of it core's numbers and text.
#include <algorithm>

#include "app/app.hpp"
#include "core/json.hpp"

namespace cp::app {

namespace {

constexpr ImU32 kColRegion = IM_COL32(255, 230, 80, 255);
constexpr ImU32 kColRegionFill = IM_COL32(255, 230, 80, 70);
constexpr ImU32 kColPadding = IM_COL32(255, 140, 40, 255);
constexpr ImU32 kColShade = IM_COL32(0, 0, 0, 110);

}  // namespace

void App::rf_pick(int slot, bool hovered, int y, int x, int channel, bool clicked) {
    ViewState& v = view_;
    if (!v.rf_on) return;
    const bool same = v.rf_slot == slot && v.rf_y == y && v.rf_x == x;
    if (hovered && clicked) {
        // A click (or a tap) pins the cell; a click on the pinned cell lets it follow the pointer again.
        v.rf_pinned = !(v.rf_pinned && same);
        v.rf_slot = slot, v.rf_y = y, v.rf_x = x, v.rf_c = channel;
    } else if (!v.rf_pinned) {
        if (hovered) v.rf_slot = slot, v.rf_y = y, v.rf_x = x, v.rf_c = channel;
        else v.rf_slot = kNoRfCell;
    }
    rf_update();
}

void App::rf_update() {
    const ViewState& v = view_;
    const int n = int(session_.state().net.size());
    const bool valid = v.rf_on && v.rf_slot != kNoRfCell && v.rf_slot < n;
    const uint64_t edits = session_.edits();
    if (valid == rf_valid_ && edits == rf_edits_ && v.rf_slot == rf_slot_ && v.rf_y == rf_y_ && v.rf_x == rf_x_ && v.rf_c == rf_c_)
        return;
    rf_valid_ = valid, rf_edits_ = edits, rf_slot_ = v.rf_slot, rf_y_ = v.rf_y, rf_x_ = v.rf_x, rf_c_ = v.rf_c;
    rf_ = {};
    rf_lines_.clear();
    rf_message_.clear();
    if (!valid) return;
    const NetInfo& info = session_.info();
    const Dims& d = v.rf_slot < 0 ? info.input : info.layers[size_t(v.rf_slot)].out;
    // An edit that shrank the map (or broke the layer) lets go of a pinned cell no longer there.
    const bool two = d.size() == 4;
    if ((v.rf_slot >= 0 && !info.layers[size_t(v.rf_slot)].status.ok) || d.size() < 3 || v.rf_x >= d.back() ||
        (two && v.rf_y >= d[2]) || v.rf_c >= d[1]) {
        view_.rf_slot = kNoRfCell, view_.rf_pinned = false;
        rf_valid_ = false;
        return;
    }
    RfQuery q;
    q.map = v.rf_slot;
    if (d.size() == 4) q.first = q.last = {v.rf_y, v.rf_x};
    else q.first = q.last = {v.rf_x, 0};
    if (v.rf_c >= 0) q.c_first = q.c_last = v.rf_c;
    auto r = v.rf_slot < 0 ? reach(session_.state(), info, q) : receptive_field(session_.state(), info, q);
    if (!r) {
        rf_message_ = r.status().message;
        return;
    }
    rf_ = std::move(*r);
    rf_lines_ = rf_text(session_.state(), info, rf_);
}

const RfMap* App::rf_region(int slot) const {
    for (const RfMap& m : rf_.maps)
        if (m.layer == slot) return &m;
    return nullptr;
}

void App::draw_rf_overlay(ImDrawList* dl, int slot, int channel, ImVec2 q0, ImVec2 q1) {
    const RfMap* m = rf_region(slot);
    if (!m) return;
    const int axes = rf_.axes;
    const RfAxis* ry = axes == 2 ? &m->axis[0] : nullptr;
    const RfAxis& rx = m->axis[axes == 2 ? 1 : 0];
    ++rf_overlays_;
    if (rx.first < 0 || (ry && ry->first < 0) || (channel >= 0 && (channel < m->c_first || channel > m->c_last))) {
        dl->AddRectFilled(q0, q1, kColShade);  // nothing of this map (or channel) is in the field
        return;
    }
    const double H = ry ? double(ry->size) : 1.0, W = double(rx.size);
    const float cw = float((q1.x - q0.x) / W), ch = float((q1.y - q0.y) / H);
    auto X = [&](double i) { return q0.x + float(i) * cw; };
    auto Y = [&](double i) { return q0.y + float(i) * ch; };
    const int64_t y0 = ry ? ry->first : 0, y1 = ry ? ry->last + 1 : 1, x0 = rx.first, x1 = rx.last + 1;
    // Shade what is outside the span, so the field stands out on any colormap.
    dl->AddRectFilled(q0, ImVec2(q1.x, Y(double(y0))), kColShade);
    dl->AddRectFilled(ImVec2(q0.x, Y(double(y1))), q1, kColShade);
    dl->AddRectFilled(ImVec2(q0.x, Y(double(y0))), ImVec2(X(double(x0)), Y(double(y1))), kColShade);
    dl->AddRectFilled(ImVec2(X(double(x1)), Y(double(y0))), ImVec2(q1.x, Y(double(y1))), kColShade);
    // Holes (a dilated kernel's gaps, a strided transposed conv's parity): mark the cells read,
    // when they are big enough to see and few enough to draw.
    const bool holes = rx.count < rx.span() || (ry && ry->count < ry->span());
    if (holes && cw >= 3 && ch >= 3 && (y1 - y0) * (x1 - x0) <= 4096)
        for (int64_t y = y0; y < y1; ++y)
            for (int64_t x = x0; x < x1; ++x)
                if ((!ry || ry->cells[size_t(y)]) && rx.cells[size_t(x)])
                    dl->AddRectFilled(ImVec2(X(double(x)), Y(double(y))), ImVec2(X(double(x + 1)), Y(double(y + 1))), kColRegionFill);
    dl->AddRect(ImVec2(X(double(x0)), Y(double(y0))), ImVec2(X(double(x1)), Y(double(y1))), kColRegion, 0, 0, 2);
    if (!rf_.forward && m->pads()) {
        // Where the next layer's windows reach beyond this map's edge: padding enters there.
        const int64_t bt = ry ? m->beyond[0] : 0, bb = ry ? m->beyond[1] : 0;
        const int64_t bl = m->beyond[size_t(axes == 2 ? 2 : 0)], br = m->beyond[size_t(axes == 2 ? 3 : 1)];
        const double vy0 = bt ? -double(bt) : double(y0), vy1 = bb ? H + double(bb) : double(y1);
        const double vx0 = bl ? -double(bl) : double(x0), vx1 = br ? W + double(br) : double(x1);
        dl->AddRect(ImVec2(X(vx0), Y(vy0)), ImVec2(X(vx1), Y(vy1)), kColPadding, 0, 0, 1.5f);
    }
}

float App::rf_text_height() const {
    if (!view_.rf_on) return 0;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    return line + (view_.rf_details && !rf_lines_.empty() ? line * float(std::min<size_t>(rf_lines_.size(), 8)) + line * 0.5f : 0);
}

void App::draw_rf_text() {
    if (!view_.rf_on) return;
    if (!rf_message_.empty()) {
        wrapped_colored(kColError, rf_message_);
        return;
    }
    if (rf_.maps.empty()) {
        ImGui::TextDisabled("hover a %s: its receptive field on every map (click or tap to pin it)",
                            session_.state().input_dims() == 1 ? "sample" : "pixel");
        return;
    }
    const bool pads = std::any_of(rf_.maps.begin(), rf_.maps.end(), [](const RfMap& m) { return m.pads(); });
    std::string line;
    if (rf_.forward) {
        const RfMap& last = rf_.maps.back();
        line = rf_.maps.size() == 1 ? "input cell (no layers)"
                                    : "reaches layer " + std::to_string(last.layer + 1) + ": " + rf_region_text(last, rf_.axes);
    } else {
        line = "receptive field on the input: " + rf_region_text(rf_.maps.front(), rf_.axes) + (pads ? "; padding enters (orange)" : "");
    }
    if (small_button(view_.rf_details ? "less##rf" : "how##rf")) view_.rf_details = !view_.rf_details;
    hooks().record("rf_details");
    ImGui::SameLine();
    if (view_.rf_pinned) {
        if (small_button("unpin##rf")) view_.rf_pinned = false, view_.rf_slot = kNoRfCell, rf_update();
        ImGui::SameLine();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kColFormula);
    ImGui::TextUnformatted(line.c_str());
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", line.c_str());
    if (view_.rf_details) {
        const float h = rf_text_height() - ImGui::GetTextLineHeightWithSpacing();
        ImGui::BeginChild("rf_lines", ImVec2(0, h), false, ImGuiWindowFlags_HorizontalScrollbar);
        for (const std::string& l : rf_lines_) ImGui::TextUnformatted(l.c_str());
        wheel_zones().scrollable();
        ImGui::EndChild();
    }
}

void App::rf_probe() {
    // What the receptive field shows this frame, for the browser tests.
    JsonWriter j;
    j.begin_object().key("slot").value(view_.rf_slot == kNoRfCell ? -2 : view_.rf_slot + 1);
    j.key("y").value(view_.rf_y).key("x").value(view_.rf_x).key("pinned").value(view_.rf_pinned);
    j.key("forward").value(rf_.forward).key("maps").value(int64_t(rf_.maps.size())).key("overlays").value(rf_overlays_);
    if (!rf_.maps.empty()) {
        const RfMap& in = rf_.forward ? rf_.maps.back() : rf_.maps.front();
        std::vector<int64_t> span;
        for (int a = 0; a < rf_.axes; ++a) span.push_back(in.axis[size_t(a)].first), span.push_back(in.axis[size_t(a)].last);
        j.key("region").value(span).key("pads").value(in.pads()).key("lines").value(int64_t(rf_lines_.size()));
    }
    j.end_object();
    hooks().probes["rf"] = j.str();
    rf_overlays_ = 0;
}

}  // namespace cp::app
