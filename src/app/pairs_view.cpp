// The encoder-decoder drawing of the whole stack (the Layers window: above the layers on a wide
// page, below them on a phone; not in an embed): a bar per map whose
// height is its size, and an arc under the bars from each downsampling layer's input to the output
// of the upsampling layer that mirrors it: green when the size comes back, red when it does not,
// with the solver's one-click fixes (output_padding, padding, a crop after the decoder, size). Pairs and fixes come from core's solver (solve_net), sizes from
// net_info: nothing is re-derived here.
#include <algorithm>
#include <cmath>

#include "app/app.hpp"
#include "core/json.hpp"

namespace cp::app {

namespace {

Dims spatial_of(const Dims& d) { return Dims(d.begin() + std::min<ptrdiff_t>(2, ptrdiff_t(d.size())), d.end()); }

int64_t cells_of(const Dims& d) {
    int64_t n = 1;
    for (size_t a = 2; a < d.size(); ++a) n *= d[a];
    return n;
}

}  // namespace

void App::draw_pairs(Edit& e) {
    const SolveReport& sr = session_.solve();
    const NetInfo& info = session_.info();
    const State& st = session_.state();
    // Not in an embed: its author laid the figure out without it (and the host asks for shapes).
    if (sr.pairs.empty() || flags_.embed) return;
    if (!ImGui::CollapsingHeader("Encoder-decoder pairs", ImGuiTreeNodeFlags_DefaultOpen)) return;
    hooks().record("pairs");
    // Maps: the input (column 0) and each layer's output (column i + 1), up to the first error.
    std::vector<Dims> maps{info.input};
    for (const LayerInfo& li : info.layers) {
        if (!li.status.ok) break;
        maps.push_back(li.out);
    }
    const int n = int(maps.size());
    int64_t biggest = 1;
    for (const Dims& d : maps) biggest = std::max(biggest, cells_of(d));
    const float font = ImGui::GetFontSize(), width = std::max(ImGui::GetContentRegionAvail().x, font * 8);
    const float col = width / float(n), bars_h = font * 4, arcs_h = font * (1.2f + 0.6f * float(std::min<size_t>(sr.pairs.size(), 6)));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("pairs_drawing", ImVec2(width, bars_h + arcs_h + font));
    hooks().record("pairs_drawing");
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float base = p0.y + bars_h;
    auto cx = [&](int c) { return p0.x + (float(c) + 0.5f) * col; };
    // Bars: the height is the map's spatial size (sqrt of its cells, so a 2-d map halves per stride 2).
    for (int c = 0; c < n; ++c) {
        const float h = std::max(2.0f, (bars_h - font) * std::sqrt(float(cells_of(maps[size_t(c)])) / float(biggest)));
        const float half = std::max(1.5f, std::min(col * 0.3f, font * 0.8f));
        dl->AddRectFilled(ImVec2(cx(c) - half, base - h), ImVec2(cx(c) + half, base), c == 0 ? IM_COL32(86, 140, 210, 255) : IM_COL32(95, 160, 120, 255));
        const std::string label = shape_text(spatial_of(maps[size_t(c)]));
        if (ImGui::CalcTextSize(label.c_str()).x < col - 2)
            dl->AddText(ImVec2(cx(c) - ImGui::CalcTextSize(label.c_str()).x / 2, base - h - font), kColDim, label.c_str());
        if (hovered && std::fabs(ImGui::GetIO().MousePos.x - cx(c)) < col / 2)
            ImGui::SetTooltip("%s: %s", c == 0 ? "input" : ("layer " + std::to_string(c) + " (" + info.layers[size_t(c - 1)].name + ")").c_str(),
                              shape_text(maps[size_t(c)]).c_str());
    }
    // Arcs: from the down layer's input (column down) to the compared output (column out + 1:
    // the decoder's, or the crop's right after it).
    JsonWriter j;
    j.begin_array();
    int k = 0;
    for (const LayerPair& p : sr.pairs) {
        if (p.out_layer + 1 >= n) continue;
        const Dims want = spatial_of(maps[size_t(p.down_layer)]), got = spatial_of(maps[size_t(p.out_layer + 1)]);
        const bool ok = want == got;
        const ImU32 colr = ok ? kColOk : kColError;
        const float depth = font * (0.9f + 0.6f * float(k++ % 6));
        const ImVec2 a(cx(p.down_layer), base + 2), b(cx(p.out_layer + 1), base + 2);
        dl->AddBezierCubic(a, ImVec2(a.x, base + depth * 1.3f), ImVec2(b.x, base + depth * 1.3f), b, colr, 2.0f);
        dl->AddCircleFilled(a, 3, colr);
        dl->AddCircleFilled(b, 3, colr);
        j.begin_object().key("down").value(p.down_layer + 1).key("up").value(p.up_layer + 1).key("out").value(p.out_layer + 1);
        j.key("want").value(want).key("got").value(got).key("ok").value(ok);
        j.key("fixes").begin_array();
        if (p.mismatch >= 0)
            for (const PairFix& f : sr.mismatches[size_t(p.mismatch)].fixes) j.value(f.label);
        j.end_array().end_object();
    }
    j.end_array();
    hooks().probes["pairs"] = j.str();
    const float lx = p0.x;
    dl->AddText(ImVec2(lx, p0.y + bars_h + arcs_h), kColDim, "bars: map sizes; arcs: the layer that undoes another");

    // The pairs in words, and every fix beside each that misses.
    for (const LayerPair& p : sr.pairs) {
        if (p.out_layer + 1 >= n) continue;
        const Dims want = spatial_of(maps[size_t(p.down_layer)]), got = spatial_of(maps[size_t(p.out_layer + 1)]);
        std::string pair = "layer " + std::to_string(p.up_layer + 1) + " (" + info.layers[size_t(p.up_layer)].name + ")";
        if (p.out_layer != p.up_layer) pair += " with layer " + std::to_string(p.out_layer + 1) + " (" + info.layers[size_t(p.out_layer)].name + ")";
        pair += " undoes layer " + std::to_string(p.down_layer + 1) + " (" + info.layers[size_t(p.down_layer)].name + ")";
        if (want == got) {
            wrapped_colored(kColOk, pair + ": " + shape_text(want) + " comes back.");
            continue;
        }
        wrapped_colored(kColError, pair + ": " + shape_text(want) + " comes back as " + shape_text(got) + ".");
        if (p.mismatch < 0) continue;
        const Mismatch& m = sr.mismatches[size_t(p.mismatch)];
        if (!m.fixable) {
            wrapped_colored(kColWarn, m.message);
            continue;
        }
        // Each fix is the whole state it leaves: computed after the first fix of every pair above
        // that misses, so it is right for the whole stack; the label says when it includes those.
        const std::string with = m.after_fixes == 0 ? ""
                                 : m.after_fixes == 1 ? " (and the first fix above)"
                                                      : " (and the first fix of the " + std::to_string(m.after_fixes) + " pairs above)";
        ImGui::PushID(p.up_layer);
        bool first = true;
        for (const PairFix& f : m.fixes) {
            if (!locked_change(flags_, st, f.result).empty()) continue;
            const std::string label = f.label + with;
            // side by side while they fit, else on the next line
            const float w = ImGui::CalcTextSize(label.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x;
            if (!first) {
                ImGui::SameLine();
                if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
            }
            first = false;
            if (small_button(label)) e.replace(f.result);
            hooks().record("pair_fix_" + std::to_string(p.up_layer + 1) + "_" + fix_kind_name(f.kind));
        }
        ImGui::PopID();
    }
    if (fixable_count(sr) > 1 && locked_change(flags_, st, sr.fixed).empty()) {  // else a pair's own button
        if (small_button("fix every pair")) e.replace(sr.fixed);
        hooks().record("pair_fix_all");
    }
    ImGui::Separator();
}

}  // namespace cp::app
