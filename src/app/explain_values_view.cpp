// The Explain tab's Values view: the numbers of the engine's own run for one output cell. The
// input values on the explain grid (cropped around the window on big layers), the kernel as it
// slides (flipped for a transposed conv), every product of the selected input channel, the sum
// over all channels plus the bias, and beside it the engine's output at that cell. Taps, products
// and the sum come from core (cell_values), the grid from core (grid_source), the output value
// from the plan: nothing is re-derived here.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.hpp"
#include "app/explain_draw.hpp"
#include "core/explain_values.hpp"
#include "core/json.hpp"

namespace cp::app {

namespace {

constexpr int64_t kMaxCrop = 12;   // grid cells per axis drawn around the window

}  // namespace

int App::explain_arrow_steps(int64_t out_w) const {
    // Only while the pointer is over the Explain tab and no text field has the keyboard.
    if (ImGui::GetIO().WantTextInput || !ImGui::IsWindowHovered(ImGuiHoveredFlags_RootAndChildWindows)) return 0;
    auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k)); };
    int d = 0;
    if (pressed(ImGuiKey_RightArrow)) d += 1;
    if (pressed(ImGuiKey_LeftArrow)) d -= 1;
    if (pressed(ImGuiKey_DownArrow)) d += int(out_w);
    if (pressed(ImGuiKey_UpArrow)) d -= int(out_w);
    return d;
}

void App::draw_explain_values(int slot, const Explain& e) {
    const State& st = session_.state();
    const Layer& L = st.net[size_t(slot)];
    const LayerInfo& info = session_.info().layers[size_t(slot)];
    const auto run = session_.layer_values(slot);
    if (!run || run->weights_missing) {
        ImGui::TextDisabled(run ? "(not enough memory for this layer's weights)" : "computing...");
        return;
    }
    const Tensor& input = *run->input;
    const Tensor& output = *run->output;
    const float *w = run->weight, *b = run->bias;

    // Which output cell, channel and batch item; prev / next and the arrow keys step.
    const int64_t N = info.out[0], C = info.out[1], OW = e.out_w, outs = e.out_h * e.out_w;
    view_.step_request += explain_arrow_steps(OW);
    if (view_.step_request != 0) {
        view_.pos = int(((view_.pos + view_.step_request) % outs + outs) % outs);
        view_.step_request = 0;
    }
    view_.pos = int(std::clamp<int64_t>(view_.pos, 0, outs - 1));
    if (small_button("< prev")) view_.pos = int((view_.pos + outs - 1) % outs);
    hooks().record("explain_prev");
    ImGui::SameLine();
    if (small_button("next >")) view_.pos = int((view_.pos + 1) % outs);
    hooks().record("explain_next");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderInt("output cell", &view_.pos, 0, int(outs - 1));
    hooks().record_frame("explain_pos");
    view_.channel = std::clamp(view_.channel, 0, int(C - 1));
    view_.item = std::clamp(view_.item, 0, int(N - 1));
    if (C > 1) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        ImGui::SliderInt("out ch", &view_.channel, 0, int(C - 1));
    }
    const int64_t oy = view_.pos / OW, ox = view_.pos % OW, co = view_.channel;
    auto cv = cell_values(L, info, input.ptr(), w, b, view_.item, co, oy, ox);
    if (!cv) {
        wrapped_colored(kColWarn, cv.status().message);
        return;
    }
    // The input channels feeding this output channel; which one the pictures show.
    const int64_t c_lo = cv->taps.front().ci, c_hi = cv->taps.back().ci + 1;
    if (c_hi - c_lo > 1) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        ImGui::SliderInt("in ch", &view_.values_ci, int(c_lo), int(c_hi - 1));
    }
    view_.values_ci = int(std::clamp<int64_t>(view_.values_ci, c_lo, c_hi - 1));
    const int64_t ci = view_.values_ci;
    const int64_t OH = e.out_h;
    const float engine = output.data[size_t(((view_.item * C + co) * OH + oy) * OW + ox)];

    // The window's taps of the shown channel, and the crop of the grid around them.
    std::vector<const Tap*> taps;
    for (const Tap& t : cv->taps)
        if (t.ci == ci) taps.push_back(&t);
    int64_t gy0 = INT64_MAX, gy1 = 0, gx0 = INT64_MAX, gx1 = 0;
    for (const Tap* t : taps) gy0 = std::min(gy0, t->gy), gy1 = std::max(gy1, t->gy), gx0 = std::min(gx0, t->gx), gx1 = std::max(gx1, t->gx);
    const float font = ImGui::GetFontSize(), line = ImGui::GetTextLineHeightWithSpacing();
    const float cell = ImGui::CalcTextSize("-0.00").x + 6;
    const int64_t KH = std::min<int64_t>(kMaxCrop, info.axes == 2 ? info.axis[0].kernel : 1);
    const int64_t KW = std::min<int64_t>(kMaxCrop, info.axis[size_t(info.axes - 1)].kernel);
    // Room: the grid and the output side by side on top, the window's numbers below.
    const ImVec2 room = ImGui::GetContentRegionAvail();
    const float below = line * 5 + float(KH) * cell + font;  // titles, the window's numbers, the sums
    const int64_t fit_y = std::max<int64_t>(2, int64_t((room.y - below - line * 2) / cell));
    const int64_t fit_x = std::max<int64_t>(3, int64_t(room.x / cell) - 2);
    int64_t y0, ny, x0, nx;
    crop_range(gy0, gy1, e.grid_h, std::min(kMaxCrop, fit_y), y0, ny);
    crop_range(gx0, gx1, e.grid_w, std::min(kMaxCrop, fit_x * 3 / 5), x0, nx);
    const bool cropped = ny < e.grid_h || nx < e.grid_w;
    int64_t oy0, ony, ox0, onx;
    crop_range(oy, oy, e.out_h, std::min(kMaxCrop, fit_y), oy0, ony);
    crop_range(ox, ox, e.out_w, std::clamp<int64_t>(fit_x - nx - 1, 1, kMaxCrop), ox0, onx);

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImGuiIO& io = ImGui::GetIO();
    const int64_t H_in = info.axes == 2 ? info.in[2] : 1, W_in = info.in.back();
    const float* xin = input.ptr() + (view_.item * info.in[1] + ci) * H_in * W_in;
    auto box = [&](ImVec2 p, ImU32 bg, const std::string& text, ImU32 ink) {
        const ImVec2 q(p.x + cell - 1, p.y + cell - 1);
        dl->AddRectFilled(p, q, bg);
        if (!text.empty()) dl->AddText(ImVec2(p.x + 3, p.y + (cell - font) / 2), ink, text.c_str());
    };
    auto outline = [&](ImVec2 p) { dl->AddRect(p, ImVec2(p.x + cell - 1, p.y + cell - 1), IM_COL32(255, 255, 255, 255), 0, 0, 2.0f); };

    // Picture A: the grid with values, the window outlined.
    ImGui::BeginGroup();
    ImGui::Text("%s, channel %lld%s", e.transposed ? "Zero-inserted grid" : "Padded input", (long long)ci, cropped ? " (crop)" : "");
    const ImVec2 a0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("values_grid", ImVec2(cell * float(nx), cell * float(ny)));
    hooks().record("explain_values_grid");
    for (int64_t y = 0; y < ny; ++y)
        for (int64_t x = 0; x < nx; ++x) {
            const GridSource g = grid_source(L, info, y0 + y, x0 + x);
            const ImU32 bg = cell_color(g.cell);
            const std::string t = g.cell == Cell::Beyond ? "" : g.iy >= 0 ? value_text(xin[g.iy * W_in + g.ix]) : "0";
            box(ImVec2(a0.x + float(x) * cell, a0.y + float(y) * cell), bg, t, ink_on(bg));
        }
    for (const Tap* t : taps) {
        const int64_t y = t->gy - y0, x = t->gx - x0;
        if (y >= 0 && x >= 0 && y < ny && x < nx) outline(ImVec2(a0.x + float(x) * cell, a0.y + float(y) * cell));
    }
    if (ImGui::IsItemHovered()) {
        const int64_t x = x0 + int64_t((io.MousePos.x - a0.x) / cell), y = y0 + int64_t((io.MousePos.y - a0.y) / cell);
        const GridSource g = grid_source(L, info, y, x);
        // (a 1-d layer: one axis, no y)
        const std::string at = info.axes == 2 ? "(" + std::to_string(y) + ", " + std::to_string(x) + ")" : "(" + std::to_string(x) + ")";
        if (g.iy >= 0)
            ImGui::SetTooltip("grid %s: %s, reads input (%s) = %.6g", at.c_str(), cell_name(g.cell),
                              info.axes == 2 ? (std::to_string(g.iy) + ", " + std::to_string(g.ix)).c_str() : std::to_string(g.ix).c_str(),
                              xin[g.iy * W_in + g.ix]);
        else
            ImGui::SetTooltip("grid %s: %s", at.c_str(), cell_name(g.cell));
    }
    ImGui::EndGroup();
    ImGui::SameLine(0, cell);

    // Picture B: the engine's output around the cell; hover to pick a cell.
    ImGui::BeginGroup();
    ImGui::Text("Output, channel %lld", (long long)co);
    const ImVec2 b0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("values_out", ImVec2(cell * float(onx), cell * float(ony)));
    hooks().record("explain_values_out");
    const float* yout = output.ptr() + (view_.item * C + co) * OH * OW;
    const auto [lo_it, hi_it] = std::minmax_element(yout, yout + OH * OW);
    const float lo = *lo_it, hi = *hi_it;
    for (int64_t y = 0; y < ony; ++y)
        for (int64_t x = 0; x < onx; ++x) {
            const float v = yout[(oy0 + y) * OW + ox0 + x];
            const ImVec2 p(b0.x + float(x) * cell, b0.y + float(y) * cell);
            const ImU32 bg = map_color(Colormap::Sequential, hi > lo ? (v - lo) / (hi - lo) : 0.5f);
            box(p, bg, value_text(v), ink_on(bg));
            if (oy0 + y == oy && ox0 + x == ox) outline(p);
        }
    if (ImGui::IsItemHovered()) {
        const int64_t x = ox0 + int64_t((io.MousePos.x - b0.x) / cell), y = oy0 + int64_t((io.MousePos.y - b0.y) / cell);
        if (x >= 0 && y >= 0 && x < OW && y < OH) view_.pos = int(y * OW + x), view_.play = false;
    }
    ImGui::EndGroup();

    // Row 2: the window's values, the kernel as it slides, their products, and the sum.
    auto taps_grid = [&](const char* title, auto value, bool signed_colors) {
        ImGui::BeginGroup();
        ImGui::TextUnformatted(title);
        const ImVec2 k0 = ImGui::GetCursorScreenPos();
        ImGui::Dummy(ImVec2(cell * float(KW), cell * float(KH)));
        for (const Tap* t : taps) {
            // where the tap sits as the kernel slides (a transposed conv's kernel is flipped)
            const int64_t sy = e.transposed ? (info.axes == 2 ? info.axis[0].kernel : 1) - 1 - t->ky : t->ky;
            const int64_t sx = e.transposed ? info.axis[size_t(info.axes - 1)].kernel - 1 - t->kx : t->kx;
            if (sy >= KH || sx >= KW) continue;
            const float v = value(*t);
            const bool zero = t->iy < 0 && t->cell != Cell::Input;
            const ImU32 bg = zero ? cell_color(t->cell)
                             : signed_colors ? map_color(Colormap::Diverging, 0.5f + 0.5f * std::clamp(v, -1.0f, 1.0f))
                                             : cell_color(t->cell);
            box(ImVec2(k0.x + float(sx) * cell, k0.y + float(sy) * cell), bg, value_text(v), ink_on(bg));
        }
        ImGui::EndGroup();
    };
    const bool sum = cv->reduce == CellValues::Sum;
    taps_grid("window x", [](const Tap& t) { return t.x; }, false);
    if (sum) {
        ImGui::SameLine(0, font);
        taps_grid(L.has_weights() ? (e.transposed ? "x flipped kernel w" : "x kernel w") : "x 1/divisor", [](const Tap& t) { return t.w; },
                  true);
        ImGui::SameLine(0, font);
        taps_grid("= products", [](const Tap& t) { return t.product; }, true);
    }
    double part = 0;
    for (const Tap* t : taps) part += double(t->product);
    if (!sum) {
        ImGui::Text("max over the window = %.6g", cv->value);
    } else {
        if (c_hi - c_lo > 1) ImGui::Text("channel %lld: %.6g; over all %lld channels:", (long long)ci, part, (long long)(c_hi - c_lo));
        ImGui::Text("sum of %zu products%s = %.6g", cv->taps.size(), cv->has_bias ? (" + bias " + value_text(cv->bias)).c_str() : "",
                    cv->value);
    }
    const bool same = std::fabs(cv->value - engine) <= 1e-4f * (1 + std::fabs(engine));
    const std::string at = std::to_string(co) + (info.axes == 2 ? ", " + std::to_string(oy) : "") + ", " + std::to_string(ox);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(same ? kColOk : kColError), "engine output (%s) = %.6g  %s", at.c_str(),
                       engine, same ? "(the same)" : "(differs!)");

    JsonWriter j;  // what this frame shows, for the browser tests
    j.begin_object().key("layer").value(slot + 1).key("pos").value(view_.pos).key("oy").value(oy).key("ox").value(ox);
    j.key("co").value(co).key("ci").value(ci).key("taps").value(int64_t(cv->taps.size()));
    j.key("value").value(double(cv->value)).key("engine").value(double(engine)).key("same").value(same);
    j.key("crop").value(std::vector<int64_t>{y0, x0, ny, nx}).end_object();
    hooks().probes["explain_values"] = j.str();
}

}  // namespace cp::app
