// App: start-up, the frame, and the page's entry points (see app.hpp).
#include "app/app.hpp"

#include <algorithm>
#include <cmath>

#include "core/codec.hpp"

namespace cp::app {

void App::start(const std::string& fragment) {
    std::string text = fragment;
    if (!text.empty() && text[0] == '#') text.erase(0, 1);
    if (!text.empty()) set_state_text(text, true);
    view_.slot = std::max(-1, int(session_.state().net.size()) - 1);
    request_frames(3);
}

bool App::wants_frame() const { return frames_left_ > 0 || session_.busy() || view_.play; }

Status App::set_state_text(const std::string& text, bool from_link) {
    ++generation_;
    Status st = session_.load_text(text);
    if (!st) {
        if (from_link) {
            session_.load_text(kDefaultState);
            session_.notice = {Notice::Error, "This link could not be read: " + st.message +
                                                  ". Showing the default state instead."};
        } else {
            session_.notice = {Notice::Error, "Not a state: " + st.message};
        }
    } else if (!from_link) {
        host_.set_fragment(session_.text());
    }
    edit_ms = host_.now_ms();
    view_.slot = std::min(view_.slot, int(session_.state().net.size()) - 1);
    maps_.forget_from(int(session_.state().net.size()));
    request_frames(3);
    return st;
}

Status App::upload(const std::string& bytes, const std::string& name) {
    ++generation_;
    Status st = session_.upload(bytes, name);
    if (st) {
        host_.set_fragment(session_.text());
        edit_ms = host_.now_ms();
    }
    request_frames(3);
    return st;
}

void App::paste_text(const std::string& text) {
    // SDL has no clipboard on the web: the page hands pasted text here. Into a focused text field
    // it is typed; elsewhere a pasted share link or state loads.
    if (ImGui::GetIO().WantTextInput) {
        ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
    } else {
        set_state_text(text, false);
    }
    request_frames(3);
}

void App::apply(const Edit& e) {
    if (e.changed && !(e.draft == session_.state())) {
        session_.edit(e.draft);
        edit_ms = host_.now_ms();
        const int n = int(session_.state().net.size());
        view_.slot = std::min(view_.slot, n - 1);
        maps_.forget_from(n);
        request_frames(2);
    }
    // The link follows the state only when an edit ends: browsers throttle replaceState.
    if (e.ended) host_.set_fragment(session_.text());
}

void App::publish() {
    if (published_edit_ == session_.edits()) return;
    published_edit_ = session_.edits();
    host_.publish_summary(session_.shapes_json());
}

void App::frame() {
    frame_start_ms_ = host_.now_ms();
    ++frames_;
    if (frames_left_ > 0) --frames_left_;
    maps_.begin_frame();
    hooks().rects.clear();

    // A tiled layout: top bar; layer stack on the left; outputs above the viewer on the right.
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float top_h = ImGui::GetFrameHeight() * 2 + style.ItemSpacing.y + style.WindowPadding.y * 2;
    const float left_w = std::clamp(ds.x * 0.36f, std::min(ds.x, 340.0f), 500.0f);
    const float right_w = std::max(1.0f, ds.x - left_w), body_h = std::max(1.0f, ds.y - top_h);
    const float outputs_h = std::floor(body_h * 0.42f);
    layout = {{0, 0}, {ds.x, top_h}, {0, top_h}, {left_w, body_h}, {left_w, top_h}, {right_w, outputs_h},
              {left_w, top_h + outputs_h}, {right_w, body_h - outputs_h}};

    Edit e{session_.state()};
    draw_top_bar(e);
    draw_layers_window(e);
    apply(e);
    // Recompute what the edit invalidated, within a frame budget; the rest runs next frame.
    double t = host_.now_ms();
    if (session_.step(step_budget_ms_)) request_frames(2);
    frame_parts_[0] = host_.now_ms() - t, t += frame_parts_[0];
    draw_outputs_window();
    frame_parts_[1] = host_.now_ms() - t, t += frame_parts_[1];
    draw_view_window();
    frame_parts_[2] = host_.now_ms() - t;
    if (!session_.busy() && shown_edit != session_.edits()) {
        show_pending_ = true;
        show_edit_ = session_.edits();
    }
    publish();
}

void App::frame_presented(double now_ms) {
    if (!show_pending_) return;
    show_pending_ = false;
    shown_edit = show_edit_;
    shown_ms = now_ms;
    shown_frame_start_ms = frame_start_ms_;
    step_ms = frame_parts_[0], outputs_ms = frame_parts_[1], view_ms = frame_parts_[2];
}

}  // namespace cp::app
