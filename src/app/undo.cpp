// Undo / redo in the playground: core's History holds the states shown after each ended edit
// (App::apply) and each state that arrived (link, host, paste, upload, Gallery); undo and redo
// apply a remembered state as any edit is applied (Edit::replace -> App::apply -> Session::edit),
// with the upload it was made with (History keeps its number, Session the earlier uploads).
// Off in an embed that locks parameters: its host decides the state there.
#include "app/app.hpp"

namespace cp::app {

void App::undo_step(Edit& e, bool redo) {
    if (flags_.any_lock()) return;
    // A state typed but not applied yet, or a slider held: that edit first.
    if (e.changed) return;
    auto s = redo ? history_.redo() : history_.undo();
    if (!s) return;
    e.replace(*s);
    step_upload_ = history_.current_upload();  // App::apply: the upload that step was made with
    session_.notice = {Notice::Info, redo ? "Redone." : "Undone."};
}

void App::undo_keys(Edit& e) {
    const ImGuiIO& io = ImGui::GetIO();
    // A text field keeps its own Ctrl+Z.
    if (io.WantTextInput || !(io.KeyCtrl || io.KeySuper)) return;
    auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), false); };
    if (pressed(ImGuiKey_Z)) undo_step(e, io.KeyShift);
    else if (pressed(ImGuiKey_Y)) undo_step(e, true);
}

void App::draw_undo_buttons(Edit& e) {
    if (flags_.any_lock()) return;
    // The tabbed bar of a phone has room for two arrows, not two words (and no keys to press):
    // they start its status line (draw_compact_bar).
    const bool compact = layout.tabbed;
    if (!compact) ImGui::SameLine();
    ImGui::BeginDisabled(!history_.can_undo());
    if (compact ? ImGui::ArrowButton("undo", ImGuiDir_Left) : ImGui::Button("Undo")) undo_step(e, false);
    ImGui::EndDisabled();
    hooks().record("undo");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("Undo the last edit (Ctrl+Z); %zu step(s) back", history_.undo_steps());
    ImGui::SameLine();
    ImGui::BeginDisabled(!history_.can_redo());
    if (compact ? ImGui::ArrowButton("redo", ImGuiDir_Right) : ImGui::Button("Redo")) undo_step(e, true);
    ImGui::EndDisabled();
    hooks().record("redo");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("Redo (Ctrl+Shift+Z or Ctrl+Y); %zu step(s) forward", history_.redo_steps());
    if (compact) ImGui::SameLine();
}

}  // namespace cp::app
