// The Explain tab: the selected layer step by step, drawn from core's explain_layer (never
// re-derived here). Conv / pool: the padded input grid, every cell's window count, the cells no
// window reaches (the coverage gap), and the window of the output cell under the cursor.
// Transposed conv: the zero-inserted grid with its d*(k-1)-p rings (a crop when negative) and the
// output_padding cells, the flipped kernel sliding at stride 1, and how many products land on each
// output cell (the uneven overlap behind checkerboard artifacts). Large inputs are drawn at a
// small "toy" size with the same parameters; the real numbers stay in the steps and formulas.
#include <algorithm>
#include <cmath>

#include "app/app.hpp"
#include "app/channel_diagram.hpp"
#include "app/explain_draw.hpp"
#include "core/codec.hpp"
#include "core/explain.hpp"
#include "core/json.hpp"

namespace cp::app {

namespace {

constexpr int64_t kMaxDrawSide = 24;  // real inputs up to this size are drawn as they are

void swatch(ImU32 col, const char* label) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float s = ImGui::GetFontSize() * 0.8f;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + s, p.y + 2 + s), col);
    ImGui::Dummy(ImVec2(s, s));
    ImGui::SameLine();
    ImGui::TextUnformatted(label);
    ImGui::SameLine(0, ImGui::GetFontSize());
}

}  // namespace

void App::draw_explain_tab() {
    // Preferred height (auto-height embeds): room for the pictures at the panel's width (made
    // exact below, where the pictures start).
    const float pictures_room = std::clamp(ImGui::GetContentRegionAvail().x * 0.7f, 300.0f, 720.0f);
    content_h_ = ImGui::GetCursorPosY() + pictures_room;
    const float panel_y = ImGui::GetWindowPos().y;
    const State& st = session_.state();
    const NetInfo& info = session_.info();
    // Which layer: the selected one if it has a window, else the first that has.
    int slot = view_.slot;
    auto has_window = [&](int i) { return i >= 0 && i < int(st.net.size()) && (st.net[size_t(i)].has_weights() || st.net[size_t(i)].is_pool()); };
    if (!has_window(slot))
        for (int i = 0; i < int(st.net.size()); ++i)
            if (has_window(i)) { slot = i; break; }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    const std::string label = has_window(slot) ? std::to_string(slot + 1) + ". " + info.layers[size_t(slot)].name : "(none)";
    const bool open = ImGui::BeginCombo("layer", label.c_str());
    if (!open) hooks().record_frame("explain_layer");  // (while open, the last item is the popup)
    if (open) {
        for (int i = 0; i < int(st.net.size()); ++i)
            if (has_window(i)) {
                if (ImGui::Selectable((std::to_string(i + 1) + ". " + info.layers[size_t(i)].name).c_str(), i == slot))
                    view_.slot = slot = i;
                hooks().record("explain_layer_" + std::to_string(i + 1));
            }
        ImGui::EndCombo();
    }
    if (!has_window(slot)) {
        ImGui::TextDisabled("Add a conv, transposed conv or pool layer: those have a sliding window to explain.");
        return;
    }
    const Layer& L = st.net[size_t(slot)];
    const LayerInfo& real = info.layers[size_t(slot)];
    if (!real.status.ok) {
        wrapped_colored(kColError, "This layer does not compute: " + real.status.message);
        return;
    }

    // Counts (geometry) or values (the numbers of the engine's own run).
    if (L.op != Op::ConvT) view_.scatter = false;
    // A phone: the view choice on a line of its own, so "scatter" is not cut off.
    if (ImGui::GetContentRegionAvail().x > ImGui::GetFontSize() * 34) ImGui::SameLine();
    if (ImGui::RadioButton("counts", !view_.values && !view_.scatter)) view_.values = view_.scatter = false;
    hooks().record("explain_counts");
    ImGui::SameLine();
    if (ImGui::RadioButton("values", view_.values && !view_.scatter)) view_.values = true, view_.scatter = false;
    hooks().record("explain_values");
    if (L.op == Op::ConvT) {
        ImGui::SameLine();
        if (ImGui::RadioButton("scatter", view_.scatter)) view_.scatter = true, view_.values = false;
        hooks().record("explain_scatter");
    }
    help_marker("counts: the geometry (padding, windows, how many taps reach each cell). values: the input values, "
                "the weights, and for the selected output cell every product and their sum, next to the engine's "
                "output. Arrow keys or prev / next step through the output cells. scatter (transposed convs): each "
                "input cell stamps its value times the kernel onto the output, one step at a time, adding up to the "
                "same output.");

    // The size drawn: the real one when small, else a toy input with the same parameters (the
    // Values view shows the real numbers, cropped around the window instead).
    const int64_t side = *std::max_element(real.in.begin() + 2, real.in.end());
    LayerInfo drawn = real;
    bool toy = side > kMaxDrawSide && !view_.values && !view_.scatter;
    if (toy) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
        ImGui::SliderInt("toy input size", &view_.toy, 3, 24);
        help_marker("The real input is too big to draw cell by cell: the pictures use a small input with the "
                    "same parameters. The steps and formulas keep the real numbers.");
        bool ok = false;
        for (int t = view_.toy; t <= 32 && !ok; ++t) {
            Dims in = real.in;
            for (size_t a = 2; a < in.size(); ++a) in[a] = t;
            drawn = layer_info(L, in, slot);
            ok = drawn.status.ok;
        }
        if (!ok) {
            wrapped_colored(kColWarn, "No toy size up to 32 is valid for this layer: " + drawn.status.message);
            return;
        }
    }
    auto ex = explain_layer(L, drawn, 1 << 16);
    auto ex_real = explain_layer(L, real, 0);  // the steps with the real numbers (no grids)
    if (!ex) {
        wrapped_colored(kColWarn, ex.status().message);
        return;
    }
    const Explain& e = *ex;

    // Left (above on a narrow panel): the recipe in words, at the real size.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const bool narrow = avail.x < ImGui::GetFontSize() * 40;
    // Narrow: the steps above the pictures, at most 12 lines, so a taller frame goes to the pictures.
    ImGui::BeginChild("steps", narrow ? ImVec2(0, std::floor(std::clamp(avail.y * 0.45f, ImGui::GetFontSize() * 6, ImGui::GetFontSize() * 12)))
                                      : ImVec2(std::max(200.0f, avail.x * (view_.values || view_.scatter ? 0.28f : 0.36f)), 0), true);
    ImGui::TextDisabled("%s   %s -> %s", print_layer(L).c_str(), shape_text(real.in).c_str(), shape_text(real.out).c_str());
    for (int a = 0; a < real.axes; ++a) wrapped_colored(kColFormula, real.axis[size_t(a)].formula);
    ImGui::Separator();
    const Explain& words = ex_real ? *ex_real : e;
    for (size_t i = 0; i < words.steps.size(); ++i) {
        ImGui::Bullet();
        ImGui::TextWrapped("%s", words.steps[i].c_str());
    }
    if (toy) {
        ImGui::Separator();
        ImGui::TextDisabled("Pictures: a %s input, the same parameters.", shape_text(drawn.in).c_str());
    }
    ImGui::Separator();
    if (ImGui::CollapsingHeader("Channels", ImGuiTreeNodeFlags_DefaultOpen))
        draw_channel_diagram(channel_groups(L, real), slot + 1, ImGui::GetContentRegionAvail().x);
    hooks().record("explain_channels_header");
    wheel_zones().scrollable();
    ImGui::EndChild();
    if (!narrow) ImGui::SameLine();

    // Right: the pictures.
    ImGui::BeginChild("pictures", ImVec2(0, 0), false);
    // Below the steps on a narrow panel (a phone), the pictures' controls and legend (4 lines) come
    // before the grids: the preferred height counts them (the grids were below an embed's edge).
    if (narrow)
        content_h_ = std::max(content_h_, ImGui::GetWindowPos().y - panel_y + ImGui::GetTextLineHeightWithSpacing() * 4 + pictures_room);
    if (view_.scatter) {
        draw_explain_scatter(slot);
        ImGui::EndChild();
        return;
    }
    if (view_.values && ex_real) {
        draw_explain_values(slot, *ex_real);
        ImGui::EndChild();
        return;
    }
    if (!e.grids_included) {
        ImGui::TextDisabled("Too many cells to draw.");
        ImGui::EndChild();
        return;
    }
    const int64_t outs = e.out_h * e.out_w;
    view_.step_request += explain_arrow_steps(e.out_w);
    if (view_.step_request != 0) {
        const int64_t n = std::max<int64_t>(1, outs);
        view_.pos = int(((view_.pos + view_.step_request) % n + n) % n);
        view_.step_request = 0;
    }
    view_.pos = int(std::clamp<int64_t>(view_.pos, 0, std::max<int64_t>(0, outs - 1)));
    if (small_button(view_.play ? "pause" : "play")) view_.play = !view_.play;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    ImGui::SliderInt("output cell", &view_.pos, 0, int(std::max<int64_t>(0, outs - 1)));
    hooks().record("explain_pos");
    if (view_.play) {
        const double now = ImGui::GetTime();
        if (now - view_.play_t > 0.35) {
            view_.play_t = now;
            view_.pos = int((view_.pos + 1) % std::max<int64_t>(1, outs));
        }
    }
    const int64_t oy = view_.pos / e.out_w, ox = view_.pos % e.out_w;
    {  // what this frame draws, for the browser tests
        JsonWriter j;
        j.begin_object().key("layer").value(slot + 1).key("pos").value(view_.pos).key("oy").value(oy).key("ox").value(ox);
        j.key("grid").value(std::vector<int64_t>{e.grid_h, e.grid_w}).key("toy").value(toy);
        j.key("beyond").value(int64_t(std::count(e.cells.begin(), e.cells.end(), Cell::Beyond))).end_object();
        hooks().probes["explain"] = j.str();
    }
    ImGui::SameLine();
    ImGui::TextDisabled(e.axes == 2 ? "(y, x) = (%lld, %lld)" : "(x) = (%lld)", (long long)(e.axes == 2 ? oy : ox), (long long)ox);

    swatch(cell_color(Cell::Input), "input");
    swatch(cell_color(Cell::Pad), "padding");
    if (e.transposed) {
        swatch(cell_color(Cell::Inserted), "inserted zero");
        swatch(cell_color(Cell::Extra), "output_padding");
    } else {
        swatch(IM_COL32(230, 70, 60, 255), "never reached");
        if (e.ax[0].overhang > 0 || e.ax[1].overhang > 0) swatch(cell_color(Cell::Beyond), "past the edge (ceil_mode)");
    }
    ImGui::NewLine();

    // Cell size: both grids fit in the space left, stacked.
    const ImVec2 room = ImGui::GetContentRegionAvail();
    const float text_h = ImGui::GetTextLineHeightWithSpacing() * 2;
    // Stacked, or side by side when that gives bigger cells (a wide, short window).
    const float gap = ImGui::GetFontSize();
    const float stacked = std::min((room.x - 4) / float(std::max(e.grid_w, e.out_w)), (room.y - text_h * 2) / float(e.grid_h + e.out_h));
    const char* label_a = e.transposed ? "Grid under the flipped kernel (stride 1)" : "Padded input under the window";
    const char* label_b = e.transposed ? "Output: products per cell" : "Output (hover a cell)";
    // Side by side, each label wraps at its grid's width (up to 2 lines, in text_h), so a label
    // wider than its grid does not push the output grid past the right edge.
    const float beside = std::min((room.x - 4 - gap) / float(e.grid_w + e.out_w), (room.y - text_h) / float(std::max(e.grid_h, e.out_h)));
    const bool side_by_side = beside > stacked;
    const float cell = std::clamp(std::max(stacked, beside), 3.0f, 30.0f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const bool numbers = cell >= ImGui::GetFontSize() * 1.1f;
    const ImGuiIO& io = ImGui::GetIO();

    // Picture A: the grid the (flipped) kernel slides over.
    ImGui::BeginGroup();
    const auto grid_label = [&](const char* text, int64_t cells) {
        if (side_by_side) ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(cell * float(cells), ImGui::GetFontSize() * 8));
        ImGui::TextUnformatted(text);
        if (side_by_side) ImGui::PopTextWrapPos();
    };
    grid_label(label_a, e.grid_w);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(e.transposed ? "Numbers: how many kernel taps reach each cell as the flipped kernel slides with stride 1."
                                       : "Numbers: how many windows reach each cell. Red outline: input never reached.");
    ImVec2 a0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("gridA", ImVec2(cell * float(e.grid_w), cell * float(e.grid_h)));
    for (int64_t y = 0; y < e.grid_h; ++y)
        for (int64_t x = 0; x < e.grid_w; ++x) {
            const size_t i = size_t(y * e.grid_w + x);
            const ImVec2 p(a0.x + float(x) * cell, a0.y + float(y) * cell), q(p.x + cell - 1, p.y + cell - 1);
            dl->AddRectFilled(p, q, cell_color(e.cells[i]));
            if (e.cells[i] == Cell::Beyond)  // dashed look: nothing is there, the window only hangs over it
                for (float t = 0; t < cell; t += std::max(3.0f, cell / 4))
                    dl->AddLine(ImVec2(p.x + t, q.y), ImVec2(std::min(q.x, p.x + t + cell / 2), std::max(p.y, q.y - cell / 2)),
                                IM_COL32(90, 90, 100, 255));
            if (!e.transposed && e.coverage[i] == 0 && e.cells[i] == Cell::Input)
                dl->AddRect(p, q, IM_COL32(230, 70, 60, 255), 0, 0, std::max(1.0f, cell * 0.12f));
            if (window_covers(e, oy, ox, y, x)) dl->AddRect(p, q, IM_COL32(255, 255, 255, 255), 0, 0, std::max(1.5f, cell * 0.14f));
            if (numbers) {
                char t[12];
                std::snprintf(t, sizeof t, "%d", e.coverage[i]);
                dl->AddText(ImVec2(p.x + 2, p.y + 1), ink_on(cell_color(e.cells[i])), t);
            }
        }
    if (ImGui::IsItemHovered()) {
        const int64_t x = int64_t((io.MousePos.x - a0.x) / cell), y = int64_t((io.MousePos.y - a0.y) / cell);
        if (x >= 0 && y >= 0 && x < e.grid_w && y < e.grid_h) {
            const size_t i = size_t(y * e.grid_w + x);
            ImGui::SetTooltip("grid (%lld, %lld): %s, under %d window tap%s", (long long)y, (long long)x, cell_name(e.cells[i]),
                              e.coverage[i], e.coverage[i] == 1 ? "" : "s");
        }
    }

    ImGui::EndGroup();
    if (side_by_side) ImGui::SameLine(0, gap);
    // Picture B: the output; convT: products per output cell (shaded), conv: the selected cell.
    ImGui::BeginGroup();
    int32_t lo = 0, hi = 1;
    if (!e.overlap.empty()) {
        lo = *std::min_element(e.overlap.begin(), e.overlap.end());
        hi = std::max(lo + 1, *std::max_element(e.overlap.begin(), e.overlap.end()));
    }
    grid_label(label_b, e.out_w);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(e.transposed ? "Numbers and shading: products summed into each output cell. Uneven counts are the "
                                         "checkerboard pattern of transposed convolutions. Hover a cell to see its window."
                                       : "Hover a cell to see the window that computes it.");
    const ImVec2 b0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("gridB", ImVec2(cell * float(e.out_w), cell * float(e.out_h)));
    hooks().record("explain_out");
    for (int64_t y = 0; y < e.out_h; ++y)
        for (int64_t x = 0; x < e.out_w; ++x) {
            const ImVec2 p(b0.x + float(x) * cell, b0.y + float(y) * cell), q(p.x + cell - 1, p.y + cell - 1);
            ImU32 col = IM_COL32(95, 160, 120, 255);
            if (!e.overlap.empty()) {
                const int32_t n = e.overlap[size_t(y * e.out_w + x)];
                col = map_color(Colormap::Sequential, float(n - lo) / float(hi - lo));
                if (numbers) {
                    dl->AddRectFilled(p, q, col);
                    char t[12];
                    std::snprintf(t, sizeof t, "%d", n);
                    dl->AddText(ImVec2(p.x + 2, p.y + 1), ink_on(col), t);
                    col = 0;
                }
            }
            if (col) dl->AddRectFilled(p, q, col);
            if (y == oy && x == ox) dl->AddRect(p, q, IM_COL32(255, 255, 255, 255), 0, 0, std::max(1.5f, cell * 0.14f));
        }
    if (ImGui::IsItemHovered()) {
        const int64_t x = int64_t((io.MousePos.x - b0.x) / cell), y = int64_t((io.MousePos.y - b0.y) / cell);
        if (x >= 0 && y >= 0 && x < e.out_w && y < e.out_h) {
            view_.pos = int(y * e.out_w + x);
            view_.play = false;
        }
    }
    ImGui::EndGroup();
    ImGui::EndChild();
}

}  // namespace cp::app
