// The top bar: the state text (typed or pasted, Enter applies), the share link, the latest
// message, and the encoder-decoder size check with its one-click fix.
#include <cstring>
#include <vector>

#include "app/app.hpp"
#include "core/codec.hpp"

namespace cp::app {

namespace {

// The state text field's buffer: refreshed from the state whenever the field is not being typed in.
std::vector<char>& state_buffer() {
    static std::vector<char> buf(65537, 0);
    return buf;
}

}  // namespace

void App::draw_top_bar(Edit& e) {
    ImGui::SetNextWindowPos(layout.top_pos);
    ImGui::SetNextWindowSize(layout.top_size);
    ImGui::Begin("##top", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    // Line 1: title, state text, link.
    ImGui::TextColored(ImVec4(0.55f, 0.8f, 1.0f, 1.0f), "convplay");
    ImGui::SameLine();
    std::vector<char>& buf = state_buffer();
    static bool editing = false;
    if (!editing) {
        const std::string& t = session_.text();
        std::memcpy(buf.data(), t.c_str(), std::min(t.size() + 1, buf.size() - 1));
    }
    const float buttons_w = ImGui::CalcTextSize("Copy link").x + ImGui::CalcTextSize("Default").x +
                            ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x * 2;
    ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x - buttons_w));
    if (ImGui::InputText("##state", buf.data(), buf.size(), ImGuiInputTextFlags_EnterReturnsTrue)) {
        set_state_text(buf.data(), false);
        e.draft = session_.state();  // the windows below edit the state just loaded
    }
    editing = ImGui::IsItemActive();
    hooks().record("state_text");
    if (ImGui::IsItemHovered() && !editing)
        ImGui::SetTooltip("The state: everything a link reproduces. Edit and press Enter, or paste a link anywhere.");
    ImGui::SameLine();
    if (ImGui::Button("Copy link")) {
        host_.copy_text(host_.page_url() + "#" + session_.text());
        session_.notice = {Notice::Info, "Link copied."};
    }
    ImGui::SameLine();
    if (ImGui::Button("Default")) {
        auto st = parse_state(kDefaultState);
        e.replace(*st);
    }

    // Line 2: the message of the moment, else the progress or the encoder-decoder check.
    const Notice& n = session_.notice;
    if (n.kind != Notice::None) {
        const ImU32 col = n.kind == Notice::Error ? kColError : n.kind == Notice::Warning ? kColWarn : kColOk;
        if (ImGui::SmallButton("x##notice")) session_.notice = {};
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, col);
        ImGui::TextUnformatted(n.text.c_str());
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", n.text.c_str());
    } else if (!session_.plan_status().ok) {
        ImGui::PushStyleColor(ImGuiCol_Text, kColError);
        ImGui::Text("Cannot run: %s (%s). The outputs shown are from before.", session_.plan_status().message.c_str(),
                    session_.plan_status().hint.c_str());
        ImGui::PopStyleColor();
    } else {
        const SolveReport& sr = session_.solve();
        if (!sr.mismatches.empty()) {
            const Mismatch& m = sr.mismatches.front();
            ImGui::PushStyleColor(ImGuiCol_Text, kColWarn);
            ImGui::TextUnformatted(m.message.c_str());
            ImGui::PopStyleColor();
            if (m.fixable) {
                ImGui::SameLine();
                const std::string label = sr.mismatches.size() == 1 ? "Fix: set " + m.fix
                                                                    : "Fix all " + std::to_string(sr.mismatches.size());
                if (ImGui::SmallButton(label.c_str())) e.replace(sr.fixed);
                hooks().record("fix");
            }
        } else if (session_.busy()) {
            ImGui::TextDisabled("computing layer %d of %d...", session_.computed() + 1,
                                session_.plan() ? session_.plan()->runnable() : 0);
        } else if (session_.info().ok()) {
            ImGui::TextColored(ImVec4(0.5f, 0.8f, 0.55f, 1), "Every layer is valid; decoder sizes match their encoders.");
        } else {
            const LayerInfo& bad = session_.info().layers[size_t(session_.info().first_error)];
            ImGui::PushStyleColor(ImGuiCol_Text, kColError);
            ImGui::Text("Layer %d (%s): %s", bad.index + 1, bad.name.c_str(), bad.status.message.c_str());
            ImGui::PopStyleColor();
        }
    }
    ImGui::End();
}

}  // namespace cp::app
