// The Explain tab's Scatter view of a transposed conv: the same output as the zero-insertion view,
// made the other way round. Each input cell stamps its value times the kernel onto the output;
// prev / next (and the arrow keys) add one stamp at a time, and after the last one (plus the bias)
// the accumulated numbers are the engine's output, compared cell by cell. Stamps and sums come
// from core (scatter_steps), the output from the plan: nothing is re-derived here.
#include <algorithm>
#include <cmath>

#include "app/app.hpp"
#include "app/explain_draw.hpp"
#include "core/explain_scatter.hpp"
#include "core/json.hpp"

namespace cp::app {

namespace {

constexpr int64_t kMaxInCrop = 10;   // input cells per axis drawn around the stamping cell
constexpr int64_t kMaxOutCrop = 14;  // output cells per axis drawn around where it lands

}  // namespace

void App::draw_explain_scatter(int slot) {
    const auto run = session_.layer_values(slot);
    if (!run || run->weights_missing) {
        ImGui::TextDisabled(run ? "(not enough memory for this layer's weights)" : "computing...");
        return;
    }
    const Layer& L = session_.state().net[size_t(slot)];
    const LayerInfo& info = session_.info().layers[size_t(slot)];
    const float *xs = run->input->ptr(), *w = run->weight, *b = run->bias;
    const int64_t N = info.out[0], C = info.out[1];
    view_.channel = std::clamp(view_.channel, 0, int(C - 1));
    view_.item = std::clamp(view_.item, 0, int(N - 1));
    const int64_t co = view_.channel;
    // The number of stamps first (done = 0 costs nothing), then the step asked for.
    auto none = scatter_steps(L, info, xs, w, b, view_.item, co, 0);
    if (!none) {
        // Too large to redo every frame (or not a transposed conv): the reason, and its hint.
        wrapped_colored(kColWarn, none.status().message);
        if (!none.status().hint.empty()) ImGui::TextDisabled("%s", none.status().hint.c_str());
        JsonWriter j;
        j.begin_object().key("layer").value(slot + 1).key("refused").value(none.status().message).end_object();
        hooks().probes["explain_scatter"] = j.str();
        return;
    }
    const int64_t steps = none->steps, W_in = info.in.back(), H_in = info.axes == 2 ? info.in[2] : 1;
    view_.step_request += explain_arrow_steps(W_in);
    view_.scatter_step = int(std::clamp<int64_t>(int64_t(view_.scatter_step) + view_.step_request, 0, steps));
    view_.step_request = 0;
    if (small_button("< prev")) view_.scatter_step = std::max(0, view_.scatter_step - 1);
    hooks().record("scatter_prev");
    ImGui::SameLine();
    if (small_button("next >")) view_.scatter_step = int(std::min<int64_t>(steps, view_.scatter_step + 1));
    hooks().record("scatter_next");
    ImGui::SameLine();
    if (small_button("all")) view_.scatter_step = int(steps);
    hooks().record("scatter_all");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderInt("stamps", &view_.scatter_step, 0, int(steps));
    if (C > 1) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        ImGui::SliderInt("out ch", &view_.channel, 0, int(C - 1));
    }
    auto sc = scatter_steps(L, info, xs, w, b, view_.item, co, view_.scatter_step);
    if (!sc) {
        wrapped_colored(kColWarn, sc.status().message);
        return;
    }
    const Scatter& s = *sc;
    const ScatterStamp& stamp = s.last;
    const bool any = s.done > 0, complete = s.done == s.steps;
    const bool two = info.axes == 2;
    auto cell_text = [&](int64_t c, int64_t y, int64_t x) {
        return "(" + std::to_string(c) + (two ? ", " + std::to_string(y) : "") + ", " + std::to_string(x) + ")";
    };
    if (!any)
        ImGui::TextWrapped("Nothing stamped yet: the output starts at 0. Each step, one input cell adds its value times "
                           "the kernel, its taps %lld apart (dilation), one input cell %lld output cells from the last (stride).",
                           (long long)s.dil_w, (long long)s.stride_w);
    else
        ImGui::TextWrapped("Stamp %lld of %lld: input %s = %s times the kernel w[%lld, %lld], tap (0, 0) on output %s; "
                           "%lld of its %lld products land inside the output%s.",
                           (long long)s.done, (long long)s.steps, cell_text(stamp.ci, stamp.iy, stamp.ix).c_str(),
                           value_text(stamp.x).c_str(), (long long)stamp.ci, (long long)(co % std::max<int64_t>(1, C / L.groups)),
                           two ? ("(" + std::to_string(stamp.oy) + ", " + std::to_string(stamp.ox) + ")").c_str()
                               : ("(" + std::to_string(stamp.ox) + ")").c_str(),
                           (long long)stamp.inside, (long long)(s.k_h * s.k_w),
                           stamp.inside < s.k_h * s.k_w ? " (the rest fall on what padding crops)" : "");

    const float font = ImGui::GetFontSize();
    const float cell = ImGui::CalcTextSize("-0.00").x + 6;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto box = [&](ImVec2 p, ImU32 bg, const std::string& text) {
        dl->AddRectFilled(p, ImVec2(p.x + cell - 1, p.y + cell - 1), bg);
        if (!text.empty()) dl->AddText(ImVec2(p.x + 3, p.y + (cell - font) / 2), ink_on(bg), text.c_str());
    };
    auto outline = [&](ImVec2 p, ImU32 col) { dl->AddRect(p, ImVec2(p.x + cell - 1, p.y + cell - 1), col, 0, 0, 2.0f); };
    constexpr ImU32 kWhite = IM_COL32(255, 255, 255, 255);
    auto signed_color = [](float v, float m) { return map_color(Colormap::Diverging, 0.5f + 0.5f * std::clamp(v / m, -1.0f, 1.0f)); };

    // Picture A: the input channel, the stamping cell outlined.
    const int64_t ci = any ? stamp.ci : s.steps ? co / std::max<int64_t>(1, C / L.groups) * (info.in[1] / L.groups) : 0;
    const float* xin = xs + (view_.item * info.in[1] + ci) * H_in * W_in;
    int64_t iy0, iny, ix0, inx;
    crop_range(stamp.iy, stamp.iy, H_in, kMaxInCrop, iy0, iny);
    crop_range(stamp.ix, stamp.ix, W_in, kMaxInCrop, ix0, inx);
    ImGui::BeginGroup();
    ImGui::Text("Input, channel %lld%s", (long long)ci, iny < H_in || inx < W_in ? " (crop)" : "");
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(cell * float(inx), cell * float(iny)));
    for (int64_t y = 0; y < iny; ++y)
        for (int64_t x = 0; x < inx; ++x) {
            const int64_t i = (iy0 + y) * W_in + ix0 + x;
            const bool done = any && (ci < stamp.ci || (ci == stamp.ci && i <= stamp.iy * W_in + stamp.ix));
            const ImVec2 p(p0.x + float(x) * cell, p0.y + float(y) * cell);
            box(p, done ? cell_color(Cell::Input) : cell_color(Cell::Pad), value_text(xin[i]));
            if (any && iy0 + y == stamp.iy && ix0 + x == stamp.ix) outline(p, kWhite);
        }
    ImGui::EndGroup();
    ImGui::SameLine(0, font);

    // Picture B: the stamp, value x kernel.
    float mag = 1e-12f;  // the colour scale: the output's largest magnitude
    const float* yout = run->output->ptr() + (view_.item * C + co) * s.out_h * s.out_w;
    for (int64_t i = 0; i < s.out_h * s.out_w; ++i) mag = std::max(mag, std::fabs(yout[i]));
    ImGui::BeginGroup();
    ImGui::TextUnformatted(any ? ("x w = stamp (" + value_text(stamp.x) + " x w)").c_str() : "stamp");
    p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(cell * float(s.k_w), cell * float(s.k_h)));
    if (any)
        for (int64_t ky = 0; ky < s.k_h; ++ky)
            for (int64_t kx = 0; kx < s.k_w; ++kx) {
                const float v = stamp.values[size_t(ky * s.k_w + kx)];
                box(ImVec2(p0.x + float(kx) * cell, p0.y + float(ky) * cell), signed_color(v, mag), value_text(v));
            }
    ImGui::EndGroup();

    // Picture C: the output so far, where this stamp landed outlined.
    int64_t oy0, ony, ox0, onx;
    const int64_t ly = std::clamp<int64_t>(stamp.oy, 0, s.out_h - 1), lx = std::clamp<int64_t>(stamp.ox, 0, s.out_w - 1);
    crop_range(ly, std::min(s.out_h - 1, ly + (s.k_h - 1) * s.dil_h), s.out_h, kMaxOutCrop, oy0, ony);
    crop_range(lx, std::min(s.out_w - 1, lx + (s.k_w - 1) * s.dil_w), s.out_w, kMaxOutCrop, ox0, onx);
    ImGui::Text("Output channel %lld after %lld stamp%s%s%s", (long long)co, (long long)s.done, s.done == 1 ? "" : "s",
                complete && s.has_bias ? (" + bias " + value_text(s.bias)).c_str() : "",
                ony < s.out_h || onx < s.out_w ? " (crop)" : "");
    p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("scatter_out", ImVec2(cell * float(onx), cell * float(ony)));
    hooks().record("explain_scatter_out");
    for (int64_t y = 0; y < ony; ++y)
        for (int64_t x = 0; x < onx; ++x) {
            const float v = s.acc[size_t((oy0 + y) * s.out_w + ox0 + x)];
            const ImVec2 p(p0.x + float(x) * cell, p0.y + float(y) * cell);
            box(p, signed_color(v, mag), value_text(v));
        }
    if (any)
        for (int64_t ky = 0; ky < s.k_h; ++ky)
            for (int64_t kx = 0; kx < s.k_w; ++kx) {
                const int64_t y = stamp.oy + ky * s.dil_h - oy0, x = stamp.ox + kx * s.dil_w - ox0;
                if (y >= 0 && x >= 0 && y < ony && x < onx) outline(ImVec2(p0.x + float(x) * cell, p0.y + float(y) * cell), kWhite);
            }
    if (ImGui::IsItemHovered()) {
        const ImGuiIO& io = ImGui::GetIO();
        const int64_t x = ox0 + int64_t((io.MousePos.x - p0.x) / cell), y = oy0 + int64_t((io.MousePos.y - p0.y) / cell);
        if (x >= 0 && y >= 0 && x < s.out_w && y < s.out_h)
            ImGui::SetTooltip("output %s: %.6g so far; the engine's output %.6g", cell_text(co, y, x).c_str(),
                              s.acc[size_t(y * s.out_w + x)], yout[y * s.out_w + x]);
    }

    // The end: every cell equal to the engine's output.
    double worst = 0;
    for (int64_t i = 0; i < s.out_h * s.out_w; ++i)
        worst = std::max(worst, double(std::fabs(s.acc[size_t(i)] - yout[i])) / (1 + std::fabs(yout[i])));
    const bool same = complete && worst <= 1e-4;
    if (complete)
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(same ? kColOk : kColError),
                           same ? "All %lld stamps%s: equal to the engine's output in every one of the %lld cells."
                                : "All %lld stamps%s: differs from the engine's output!",
                           (long long)s.steps, s.has_bias ? " + bias" : "", (long long)(s.out_h * s.out_w));
    else
        ImGui::TextDisabled("next > adds the next stamp; all: every stamp and the bias.");

    JsonWriter j;  // what this frame shows, for the browser tests
    j.begin_object().key("layer").value(slot + 1).key("co").value(co).key("step").value(s.done).key("steps").value(s.steps);
    j.key("ci").value(stamp.ci).key("iy").value(stamp.iy).key("ix").value(stamp.ix).key("inside").value(stamp.inside);
    double total = 0;
    for (float v : s.acc) total += v;
    j.key("sum").value(total).key("same").value(same).end_object();
    hooks().probes["explain_scatter"] = j.str();
}

}  // namespace cp::app
