// The Gallery tab: the classic cases and the odd-size examples (core/gallery), each one click
// away, with the sizes along its stack as core computes them. Loading an entry is a state text
// arriving like a pasted link (the share link follows), then the Explain tab shows its layer.
#include <algorithm>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "core/codec.hpp"
#include "core/gallery.hpp"
#include "core/shapes.hpp"

namespace cp::app {

namespace {

// "1x4x4 -> 1x2x2" without the batch; computed once per entry (the gallery never changes).
std::string sizes_of(const std::string& state) {
    auto st = parse_state(state);
    if (!st) return "error: " + st.status().message;
    const NetInfo info = net_info(*st);
    std::string s = shape_text(Dims(info.input.begin() + 1, info.input.end()));
    for (const LayerInfo& L : info.layers)
        s += " -> " + (L.status.ok ? shape_text(Dims(L.out.begin() + 1, L.out.end())) : std::string("error"));
    return s;
}

}  // namespace

void App::draw_gallery_tab() {
    static std::vector<std::string> sizes;
    const auto& g = gallery();
    if (sizes.empty())
        for (const GalleryEntry& e : g) sizes.push_back(sizes_of(e.state));
    ImGui::TextDisabled("Click a case to load it; the link follows, so each one is a share link too. Hover for what to look at.");
    float title_w = 0;
    for (const GalleryEntry& e : g) title_w = std::max(title_w, ImGui::CalcTextSize(e.title.c_str()).x);
    if (!ImGui::BeginTable("gallery_list", 2, ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit,
                           ImVec2(0, ImGui::GetContentRegionAvail().y)))
        return;
    ImGui::TableSetupColumn("case", ImGuiTableColumnFlags_WidthFixed, title_w + ImGui::GetFontSize());
    ImGui::TableSetupColumn("sizes", ImGuiTableColumnFlags_WidthStretch);
    std::string group;
    for (size_t i = 0; i < g.size(); ++i) {
        const GalleryEntry& e = g[i];
        if (e.group != group) {
            group = e.group;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColDim), "%s", group.c_str());
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(int(i));
        if (ImGui::Selectable(e.title.c_str(), e.state == session_.text(), ImGuiSelectableFlags_SpanAllColumns)) {
            set_state_text(e.state, false);
            // Show the layer that teaches: the last one with a sliding window (the decoder of a pair).
            const State& st = session_.state();
            int slot = int(st.net.size()) - 1;
            while (slot > 0 && !(st.net[size_t(slot)].has_weights() || st.net[size_t(slot)].is_pool())) --slot;
            show_in_view(slot, 1);
        }
        hooks().record("gallery_" + e.id);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", e.note.c_str(), e.state.c_str());
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColFormula), "%s", sizes[i].c_str());
        ImGui::PopID();
    }
    ImGui::EndTable();
}


}  // namespace cp::app
