// The feature-map viewer widget (see feature_map_view.hpp).
#include "app/feature_map_view.hpp"

#include <algorithm>
#include <cmath>

namespace cp::app {

MapStyle map_style(const MapTexture& m, const ViewState& v, int channel, bool rgb) {
    MapStyle s;
    MapRange r;
    if (rgb && m.c >= 3) {  // an RGB composite of channels 0..2, one joint range
        s.layer = 0;
        r = map_range(Colormap::Rgb, std::min({m.lo[0], m.lo[1], m.lo[2]}), std::max({m.hi[0], m.hi[1], m.hi[2]}));
    } else {
        channel = std::clamp(channel, 0, std::max(0, m.c - 1));
        s.layer = channel;
        r = map_range(v.colormap, v.shared_range || m.lo.empty() ? m.all_lo : m.lo[size_t(channel)],
                      v.shared_range || m.hi.empty() ? m.all_hi : m.hi[size_t(channel)]);
    }
    s.mode = r.mode, s.lo = r.lo, s.hi = r.hi;
    return s;
}

MapHover feature_map_view(const char* id, MapCache& maps, const MapTexture& m, const MapStyle& style,
                          const Tensor* values, int item, int channel, ViewState& vs, ImVec2 size) {
    MapHover hover;
    size.x = std::max(size.x, 32.0f), size.y = std::max(size.y, 32.0f);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, size);
    hooks().record("viewer");
    wheel_zones().zoomable();
    const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
    if (!m.ready()) return hover;
    const ImGuiIO& io = ImGui::GetIO();
    const float W = float(m.w), H = float(m.h);
    const float fit = std::min(size.x / W, size.y / H);
    float zoom = vs.zoom > 0 ? vs.zoom : fit;
    ImVec2 center = vs.zoom > 0 ? vs.center : ImVec2(W / 2, H / 2);
    const ImVec2 mid(p0.x + size.x / 2, p0.y + size.y / 2);
    if (hovered && io.MouseWheel != 0) {
        // Zoom around the cursor: the texel under it stays under it.
        const ImVec2 at(center.x + (io.MousePos.x - mid.x) / zoom, center.y + (io.MousePos.y - mid.y) / zoom);
        const float nz = std::clamp(zoom * std::pow(1.25f, io.MouseWheel), fit * 0.5f, 96.0f);
        center = ImVec2(at.x - (io.MousePos.x - mid.x) / nz, at.y - (io.MousePos.y - mid.y) / nz);
        zoom = nz;
        vs.zoom = zoom, vs.center = center;
    }
    if (active && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 1.0f)) {
        center = ImVec2(center.x - io.MouseDelta.x / zoom, center.y - io.MouseDelta.y / zoom);
        vs.zoom = zoom, vs.center = center;
    }
    if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) vs.zoom = 0;

    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
    dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(24, 24, 28, 255));
    const ImVec2 q0(mid.x - center.x * zoom, mid.y - center.y * zoom);
    const ImVec2 q1(q0.x + W * zoom, q0.y + H * zoom);
    MapStyle s = style;
    s.grid = zoom >= 8.0f;  // texel borders once a texel is big enough to see them
    maps.draw(dl, m, s, q0, q1);
    dl->PopClipRect();
    hover.q0 = q0, hover.q1 = q1, hover.view0 = p0, hover.view1 = ImVec2(p0.x + size.x, p0.y + size.y);

    if (hovered) {
        const int x = int(std::floor((io.MousePos.x - q0.x) / zoom)), y = int(std::floor((io.MousePos.y - q0.y) / zoom));
        if (x >= 0 && y >= 0 && x < m.w && y < m.h) {
            hover.valid = hover.inside = true;
            hover.c = channel, hover.y = y, hover.x = x;
            // A click: released where it was pressed (a drag pans instead).
            hover.clicked = ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[ImGuiMouseButton_Left] < 16;
            // values: [N, C, H, W] (or [N, C, L]) -> item, channel, y, x
            if (values && values->shape.size() >= 3) {
                const int64_t C = values->shape[1];
                const int64_t idx = ((int64_t(item) * C + channel) * m.h + y) * m.w + x;
                if (idx >= 0 && idx < values->numel()) hover.value = values->data[size_t(idx)];
                else hover.valid = false;
            } else {
                hover.valid = false;
            }
            if (zoom >= 4) {
                // Outline the texel under the cursor.
                const ImVec2 a(q0.x + x * zoom, q0.y + y * zoom);
                dl->AddRect(a, ImVec2(a.x + zoom, a.y + zoom), IM_COL32(255, 255, 255, 200));
            }
        }
    }
    return hover;
}

void map_legend(const MapStyle& style, float width) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetFontSize() * 0.7f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const int steps = 32;
    for (int i = 0; i < steps; ++i) {
        const float a = float(i) / steps, b = float(i + 1) / steps;
        dl->AddRectFilledMultiColor(ImVec2(p.x + a * width, p.y), ImVec2(p.x + b * width, p.y + h),
                                    map_color(style.mode, a), map_color(style.mode, b), map_color(style.mode, b),
                                    map_color(style.mode, a));
    }
    ImGui::Dummy(ImVec2(width, h));
    ImGui::TextDisabled("%.4g", style.lo);
    ImGui::SameLine(std::max(0.0f, width - ImGui::CalcTextSize("-0.0000e+00").x));
    ImGui::TextDisabled("%.4g", style.hi);
}

}  // namespace cp::app
