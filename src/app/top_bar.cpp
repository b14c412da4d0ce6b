// The top bar of the tiled page: the state text (typed or pasted, Enter applies), Undo / Redo
// (undo.cpp), the share link,
// "Embed..." (copy embed code), the tutorial, Export (export_window.cpp), and the status line: the latest message, or the
// encoder-decoder size check with its one-click fix (also shown by the tabbed bar, embed.cpp).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "app/app.hpp"
#include "core/codec.hpp"
#include "core/json.hpp"

namespace cp::app {

namespace {

// A status message, wrapped at the bar's edge (long messages used to be cut off). After buttons
// on the same line (SameLine) it starts a line of its own when it would otherwise wrap into a
// narrow leftover: on a phone the arrows and the Fix button left it about 70 px, where it broke
// words a few letters a line and the bar's height cap cut off its end.
void message(ImU32 color, const std::string& text) {
    // (Only after a button: at a line's start in a narrow embed it would only add an empty line.)
    const float avail = ImGui::GetContentRegionAvail().x;
    const bool after_item = ImGui::GetCursorPosX() > ImGui::GetCursorStartPos().x + 1.0f;
    if (after_item && avail < ImGui::CalcTextSize(text.c_str()).x && avail < 16 * ImGui::GetFontSize()) ImGui::NewLine();
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    hooks().record("status_message");
}

// The state text field's buffer: refreshed from the state whenever the field is not being typed in.
std::vector<char>& state_buffer() {
    static std::vector<char> buf(CodecLimits::max_text + 1, 0);  // the longest state the codec reads, and a NUL
    return buf;
}

}  // namespace

void App::draw_top_bar(Edit& e) {
    begin_panel("##top", layout.top_pos, layout.top_size);
    // Line 1: title, state text, link.
    ImGui::TextColored(ImVec4(0.55f, 0.8f, 1.0f, 1.0f), "convplay");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Layers run on %s%s.", engine_text().c_str(),
                          session_.external() ? " in a Web Worker" : " on the page");
    ImGui::SameLine();
    const bool share = !flags_.hidden("share");
    const ImGuiStyle& style = ImGui::GetStyle();
    auto button_w = [&](const char* label) { return ImGui::CalcTextSize(label).x + style.FramePadding.x * 2 + style.ItemSpacing.x; };
    const float buttons_w = button_w("Default") + button_w("Tutorial") + button_w("Export") + (share ? button_w("Copy link") + button_w("Embed...") : 0) +
                            (flags_.any_lock() || layout.tabbed ? 0 : button_w("Undo") + button_w("Redo"));
    ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x - buttons_w));
    draw_state_field(e);
    draw_page_buttons(e, true);
    draw_status_line(e);
    ImGui::End();
}

void App::draw_page_buttons(Edit& e, bool with_default) {
    // The line the buttons start on (the title's, or the state field's): lines they wrap to
    // make the bar taller from the next frame on (compute_layout).
    const float y0 = ImGui::GetItemRectMin().y;
    if (!layout.tabbed) draw_undo_buttons(e);  // tabbed: on the status line (draw_compact_bar)
    if (!flags_.hidden("share")) {
        same_line_if_fits("Copy link");
        if (ImGui::Button("Copy link")) {
            host_.copy_text(host_.page_url() + "#" + session_.text());
            session_.notice = {Notice::Info, "Link copied."};
        }
        same_line_if_fits("Embed...");
        if (ImGui::Button("Embed...")) ImGui::OpenPopup("embed_code");
        hooks().record("embed_code");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copy the code that puts this state in a web page (an iframe, or embed.js).");
        draw_embed_code_popup();
    }
    if (with_default) {
        same_line_if_fits("Default");
        if (ImGui::Button("Default") && !flags_.lock_all) {
            auto st = parse_state(kDefaultState);
            e.replace(*st);
        }
    }
    same_line_if_fits("Tutorial");
    if (ImGui::Button("Tutorial")) host_.open_url("tutorial.html", false);
    hooks().record("tutorial");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("An article on conv and transposed-conv shapes, with live playgrounds.");
    same_line_if_fits("Export");
    if (ImGui::Button("Export")) show_export = !show_export;
    hooks().record("export");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("PyTorch / Keras code, an ONNX model, tensors as NPY or PNG, the shape table.");
    const float extra = ImGui::GetItemRectMin().y - y0;
    if (std::abs(extra - buttons_extra_h_) > 0.5f) {
        buttons_extra_h_ = extra;
        request_frames(2);
    }
}

void App::draw_state_field(Edit& e) {
    std::vector<char>& buf = state_buffer();
    static bool editing = false;
    if (!editing) {
        const std::string& t = session_.text();
        std::memcpy(buf.data(), t.c_str(), std::min(t.size() + 1, buf.size() - 1));
    }
    // Read-only when anything is locked: a typed state could change a locked parameter.
    const ImGuiInputTextFlags flags = ImGuiInputTextFlags_EnterReturnsTrue | (flags_.any_lock() ? ImGuiInputTextFlags_ReadOnly : 0);
    if (ImGui::InputText("##state", buf.data(), buf.size(), flags)) {
        set_state_text(buf.data(), false);
        e.draft = session_.state();  // the windows below edit the state just loaded
    }
    editing = ImGui::IsItemActive();
    hooks().record("state_text");
    if (ImGui::IsItemHovered() && !editing)
        ImGui::SetTooltip("The state: everything a link reproduces. Edit and press Enter, or paste a link anywhere.");
}

void App::draw_status_line(Edit& e) {
    // The message of the moment, else the progress or the encoder-decoder check. Messages wrap;
    // the bar grows by their extra lines from the next frame on (compute_layout).
    const float y0 = ImGui::GetCursorPosY();
    hooks().probes["engine"] = JsonWriter().begin_object().key("text").value(engine_text()).end_object().str();
    const Notice& n = session_.notice;
    const double busy_ms = session_.busy() ? host_.now_ms() - busy_since_ms_ : 0;
    if (n.kind != Notice::None) {
        const ImU32 col = n.kind == Notice::Error ? kColError : n.kind == Notice::Warning ? kColWarn : kColOk;
        if (small_button("x##notice")) session_.notice = {};
        ImGui::SameLine();
        message(col, n.text);
    } else if (session_.stopped()) {
        // Stopped by the user: say what is stale and how to go on.
        if (small_button("run again")) resume_run();
        hooks().record("run_again");
        ImGui::SameLine();
        message(kColWarn, "Stopped at layer " + std::to_string(session_.computed() + 1) + " of " +
                              std::to_string(session_.runnable()) +
                              ": from there on the outputs shown are from before. Any edit runs the stack again.");
    } else if (busy_ms >= kStopAfterMs) {
        // A long run: its progress (layers done, seconds) and a way out, before any other news.
        if (small_button("stop")) stop_run();
        hooks().record("stop");
        ImGui::SameLine();
        ImGui::TextDisabled("computing layer %d of %d on %s... %.1f s", session_.computed() + 1, session_.runnable(),
                            engine_text().c_str(), busy_ms / 1000);
    } else if (!session_.plan_status().ok) {
        const Status& st = session_.plan_status();
        message(kColError, "Cannot run: " + st.message + (st.hint.empty() ? "" : " (" + st.hint + ")") +
                               ". The outputs shown are from before.");
    } else {
        const SolveReport& sr = session_.solve();
        if (!sr.mismatches.empty()) {
            const Mismatch& m = sr.mismatches.front();
            // The fix first on a narrow screen, so it stays on screen; after the message otherwise.
            // The button applies every fix there is, also when the first mismatch has none.
            const std::string label = fix_button_label(sr);
            const bool fix = !label.empty() && locked_change(flags_, session_.state(), sr.fixed).empty();
            auto fix_button = [&] {
                // Too long for the line (a narrow embed beside "Open in convplay"): "Fix", as the
                // message beside it says what the fix sets.
                const float w = ImGui::CalcTextSize(label.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
                const bool fits = w <= ImGui::GetContentRegionAvail().x;
                if (small_button(fits ? label.c_str() : "Fix")) e.replace(sr.fixed);
                hooks().record("fix");
            };
            if (fix && layout.tabbed) fix_button(), ImGui::SameLine();
            message(kColWarn, m.message);
            if (fix && !layout.tabbed) ImGui::SameLine(), fix_button();
        } else if (session_.busy()) {
            ImGui::TextDisabled("computing layer %d of %d on %s...", session_.computed() + 1,
                                session_.runnable(), engine_text().c_str());
        } else if (session_.info().ok() && session_.state().net.empty()) {
            message(kColOk, "No layers: the input alone.");
        } else if (session_.info().ok()) {
            message(kColOk, "Every layer is valid; decoder sizes match their encoders.");  // wraps in a narrow embed
        } else {
            const LayerInfo& bad = session_.info().layers[size_t(session_.info().first_error)];
            message(kColError, "Layer " + std::to_string(bad.index + 1) + " (" + bad.name + "): " + bad.status.message);
        }
    }
    const float extra = std::clamp(ImGui::GetCursorPosY() - y0 - ImGui::GetStyle().ItemSpacing.y - ImGui::GetFrameHeight(), 0.0f,
                                   ImGui::GetTextLineHeightWithSpacing() * 6);
    if (std::abs(extra - status_extra_h_) > 0.5f) {
        status_extra_h_ = extra;
        request_frames(2);
    }
}

}  // namespace cp::app
