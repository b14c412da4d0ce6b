// 1-d maps as line plots (see signal_plot.hpp).
#include "app/signal_plot.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "app/ui.hpp"

namespace cp::app {

namespace {

constexpr ImU32 kPlotBg = IM_COL32(24, 24, 28, 255);
constexpr ImU32 kZeroLine = IM_COL32(110, 110, 120, 255);
constexpr int kMaxSamplesPerColumn = 64;  // a column's band looks at this many samples at most

// Where a value goes between p0 and p1: `lo` at the bottom and `hi` at the top, a little in from
// the edges; a flat signal (lo == hi) in the middle (at the bottom it would hide under a border).
struct PlotY {
    float top, bottom, lo, hi;
    PlotY(float lo_, float hi_, ImVec2 p0, ImVec2 p1) : lo(lo_), hi(hi_) {
        const float pad = std::min(2.0f, (p1.y - p0.y) * 0.1f);
        top = p0.y + pad, bottom = p1.y - pad;
        if (!(hi > lo)) lo -= 0.5f, hi = lo + 1;
    }
    float operator()(float value) const {
        if (!std::isfinite(value)) return value > 0 ? top : bottom;
        return bottom - (std::clamp(value, lo, hi) - lo) / (hi - lo) * (bottom - top);
    }
};

}  // namespace

int draw_signal(ImDrawList* dl, const Tensor& t, int item, int channel, float lo, float hi, ImVec2 p0, ImVec2 p1,
                ImU32 col) {
    dl->AddRectFilled(p0, p1, kPlotBg);
    if (!is_signal(t) || t.shape[2] <= 0) return 0;
    const int64_t C = t.shape[1], L = t.shape[2];
    if (channel < 0 || channel >= C || item < 0 || item >= t.shape[0]) return 0;
    const float* v = t.ptr() + (int64_t(item) * C + channel) * L;
    const PlotY Y(lo, hi, p0, p1);
    if (Y.lo < 0 && Y.hi > 0) dl->AddLine(ImVec2(p0.x, Y(0)), ImVec2(p1.x, Y(0)), kZeroLine);
    const float width = p1.x - p0.x;
    // Sample x sits at the middle of its share of the width, as a texel would.
    auto X = [&](double x) { return p0.x + float((x + 0.5) / double(L)) * width; };
    const int columns = std::max(1, int(width));
    if (L <= 2 * int64_t(columns)) {
        std::vector<ImVec2> pts(static_cast<size_t>(L));
        for (int64_t x = 0; x < L; ++x) pts[size_t(x)] = ImVec2(X(double(x)), Y(v[x]));
        if (L == 1) dl->AddCircleFilled(pts[0], 2, col);
        else dl->AddPolyline(pts.data(), int(L), col, 0, 1.5f);
        return int(L);
    }
    // More samples than pixels: each column's band from its lowest to its highest value.
    for (int c = 0; c < columns; ++c) {
        const int64_t a = int64_t(c) * L / columns, b = std::max(a + 1, int64_t(c + 1) * L / columns);
        const int64_t step = std::max<int64_t>(1, (b - a) / kMaxSamplesPerColumn);
        float mn = v[a], mx = v[a];
        for (int64_t x = a; x < b; x += step) mn = std::min(mn, v[x]), mx = std::max(mx, v[x]);
        const float px = p0.x + float(c) + 0.5f;
        dl->AddLine(ImVec2(px, Y(mx)), ImVec2(px, Y(mn) + 1), col, 1.0f);
    }
    return columns;
}

PlotHover signal_view(const char* id, const Tensor& t, int item, int channel, float lo, float hi, ImVec2 size,
                      ImVec2* out0, ImVec2* out1, ImU32 col) {
    PlotHover h;
    size.x = std::max(size.x, 32.0f), size.y = std::max(size.y, 32.0f);
    const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1(p0.x + size.x, p0.y + size.y);
    ImGui::InvisibleButton(id, size);
    hooks().record("viewer");
    if (out0) *out0 = p0;
    if (out1) *out1 = p1;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const int drawn = draw_signal(dl, t, item, channel, lo, hi, p0, p1, col);
    if (!is_signal(t) || t.shape[2] <= 0) return h;
    const int64_t L = t.shape[2];
    const float step = size.x / float(L);
    const float* v = t.ptr() + (int64_t(item) * t.shape[1] + channel) * L;
    const PlotY Y(lo, hi, p0, p1);
    if (step >= 6 && drawn == L)  // samples far apart: each one a dot
        for (int64_t x = 0; x < L; ++x)
            dl->AddCircleFilled(ImVec2(p0.x + (float(x) + 0.5f) * step, Y(v[x])), std::min(3.5f, step / 4), IM_COL32(200, 225, 255, 255));
    if (ImGui::IsItemHovered()) {
        const ImGuiIO& io = ImGui::GetIO();
        const int x = int(std::floor((io.MousePos.x - p0.x) / step));
        if (x >= 0 && x < L) {
            h.inside = true;
            h.x = x;
            h.value = v[x];
            h.clicked = ImGui::IsMouseReleased(ImGuiMouseButton_Left);
            const float cx = p0.x + (float(x) + 0.5f) * step;
            dl->AddLine(ImVec2(cx, p0.y), ImVec2(cx, p1.y), IM_COL32(255, 255, 255, 110));
            dl->AddCircle(ImVec2(cx, Y(v[x])), 4.5f, IM_COL32(255, 255, 255, 255), 0, 1.5f);
        }
    }
    return h;
}

}  // namespace cp::app
