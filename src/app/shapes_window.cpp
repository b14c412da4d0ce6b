// The Shapes panel (embeds and narrow pages): the shape table as `convplay shapes` prints it,
// one row per layer (input -> output, parameters, MACs, or PyTorch's error), then the
// encoder-decoder mismatches. The tiled page shows the same facts inside the Layers window.
#include "app/app.hpp"
#include "core/codec.hpp"

namespace cp::app {

void App::draw_shapes_window() {
    begin_panel("Shapes", layout.body_pos, layout.body_size);
    const NetInfo& info = session_.info();
    const State& st = session_.state();
    ImGui::Text("input  %s", shape_text(info.input).c_str());
    const ImGuiTableFlags tf = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("shapes", 5, tf)) {
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed);
        // The numbers keep their width (a narrow embed cut "328.1k" to "328.1"); the layer's
        // text takes the rest and wraps.
        ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("output", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("params", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("MACs", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < info.layers.size() && i < st.net.size(); ++i) {
            const LayerInfo& li = info.layers[i];
            const bool after_error = info.first_error >= 0 && int(i) > info.first_error;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%d", int(i) + 1);
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", print_layer(st.net[i]).c_str());
            if (li.status.ok) {
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(shape_text(li.out).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(human(li.params).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(human(li.macs).c_str());
            } else {  // under the layer, where the text has room to wrap (the number columns are narrow)
                wrapped_colored(after_error ? kColDim : kColError, after_error ? "not computed" : li.status.message);
            }
        }
        ImGui::EndTable();
    }
    for (const Mismatch& m : session_.solve().mismatches) wrapped_colored(kColWarn, m.message);
    content_h_ = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
    wheel_zones().scrollable();
    ImGui::End();
}

}  // namespace cp::app
