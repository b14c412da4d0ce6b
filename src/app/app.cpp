// App: start-up, the frame, and the page's entry points (see app.hpp).
#include "app/app.hpp"

#include <algorithm>
#include <cmath>

#include "core/codec.hpp"
#include "imgui_internal.h"

namespace cp::app {

void App::start(const std::string& fragment, const std::string& query) {
    flags_ = parse_embed_flags(query);
    session_.set_locks(flags_);
    for (const std::string& w : flags_.warnings) host_.warn("convplay: " + w);
    std::string text = fragment;
    if (!text.empty() && text[0] == '#') text.erase(0, 1);
    if (!text.empty()) set_state_text(text, true);
    const int n = int(session_.state().net.size());
    view_.slot = std::max(-1, n - 1);
    if (flags_.layer && *flags_.layer > n)
        host_.warn("convplay: layer=" + std::to_string(*flags_.layer) + ": the state has " + std::to_string(n) +
                   " layers; ignored");
    else if (flags_.layer)
        view_.slot = *flags_.layer - 1;
    view_.panel = tab_panels().front();
    if (view_.panel == Panel::Explain) view_.tab = 1;
    history_.reset(session_.state());
    request_frames(3);
}

// Layers computed elsewhere ask for frames when they arrive (layer_arrived), not by being due.
bool App::wants_frame() const {
    return frames_left_ > 0 || (session_.busy() && (!session_.external() || host_.now_ms() >= busy_tick_ms_)) || view_.play;
}

bool App::hold_frame() {
    const bool running = session_.external() && session_.busy();
    // Maps still going up (MapCache::kFrameUploadBytes) are held the same way: they show in one
    // frame, not one drawn frame (SwiftShader's 100 ms of CPU) each as they come.
    const bool uploading = maps_.uploading() > 0;
    if (!ready_posted_ || (!running && !uploading)) {
        held_since_ms_ = -1;
        return false;
    }
    const double now = host_.now_ms();
    if (held_since_ms_ < 0) held_since_ms_ = now;
    // Only in a run's first kHoldMs (a long run's progress frames are not held), and never more
    // than kHoldMs in a row (a slider dragged faster than the runs end still shows).
    const double until = (running ? std::min(held_since_ms_, busy_since_ms_) : held_since_ms_) + kHoldMs;
    if (now >= until) {
        held_since_ms_ = -1;
        return false;
    }
    // A frame is due when the hold ends, if the run has not ended by then (wants_frame).
    busy_tick_ms_ = std::min(busy_tick_ms_, until);
    return true;
}

void App::set_external_runner(bool on) {
    session_.set_external(on);
    requested_run_ = 0;
    request_frames(3);
}

bool App::layer_arrived(uint64_t run, int layer, double ms, const std::string& kernel) {
    if (!session_.output_done(run, layer, ms, kernel)) return false;
    request_frames(2);
    return true;
}

void App::set_engine_threads(int threads, bool isolated) {
    engine_threads_ = std::max(1, threads);
    engine_isolated_ = isolated;
    request_frames(2);
}

std::string App::engine_text() const {
    const int t = session_.external() ? engine_threads_ : 1;
    return std::to_string(t) + (t == 1 ? " thread" : " threads") + (engine_isolated_ ? " (cross-origin isolated)" : "");
}

void App::stop_run() {
    if (!session_.stop()) return;
    if (session_.external()) host_.stop_layers();
    request_frames(3);
}

void App::resume_run() {
    if (session_.resume()) request_frames(3);
}

void App::run_refused(uint64_t run, const std::string& message) {
    if (session_.run_refused(run, message)) request_frames(3);
}

Status App::set_state_text(const std::string& text, bool from_link) {
    ++generation_;
    // A notice is about the action before (an upload, a copy, a refused text): a new state
    // replaces it (loading may set its own, below).
    session_.notice = {};
    // A link with nothing after '#' (the fragment cleared) means the default state, not an error.
    const bool empty_link = from_link && text.find_first_not_of(" \t\r\n#") == std::string::npos;
    Status st = session_.load_text(empty_link ? std::string(kDefaultState) : text);
    // A broken link on a page already showing a stack (pasted into the address bar) keeps that
    // stack and writes its link back; only a page opened on a broken link has nothing to keep.
    const bool opening = frames_ == 0;
    if (!st) {
        if (from_link && opening) {
            session_.load_text(kDefaultState);
            session_.notice = {Notice::Error, "This link could not be read: " + st.message +
                                                  ". Showing the default state instead."};
        } else if (from_link) {
            session_.notice = {Notice::Error, "This link could not be read: " + st.message + ". Your stack is kept."};
        } else {
            session_.notice = {Notice::Error, "Not a state: " + st.message};
        }
    }
    // A link that loaded is the state: nothing of an earlier edit to write over it. Anything
    // else writes the shown state's link (with the next frame drawn).
    link_due_ = !(from_link && (st || opening));
    edit_ms = host_.now_ms();
    view_.slot = std::min(view_.slot, int(session_.state().net.size()) - 1);
    // A refused state keeps the previous outputs, and so their textures.
    if (session_.plan_status().ok) maps_.forget_from(int(session_.state().net.size()));
    history_.commit(session_.state(), session_.upload_key());
    view_.rf_slot = kNoRfCell, view_.rf_pinned = false;  // a traced cell belongs to the state it was picked in
    // A new state's explain walk starts at its beginning (an edit of the same state keeps it).
    view_.pos = 0, view_.scatter_step = 0, view_.play = false;
    request_frames(3);
    return st;
}

void App::touch_scroll(float x, float y, float dy) {
    const ImGuiID w = wheel_zones().scroll_window(x, y);
    if (w != touch_scroll_window_) touch_scroll_dy_ = 0;
    touch_scroll_window_ = w;
    touch_scroll_dy_ += dy;
    request_frames(2);
}

Status App::upload(std::string_view bytes, const std::string& name) {
    return use_upload(session_.upload(bytes, name));
}

Status App::upload_decoded(Result<Decoded> decoded, const std::string& name) {
    return use_upload(session_.use_image(std::move(decoded), name));
}

Status App::upload_slot_done(uint64_t source, bool with_ranges, const std::string& notice, const std::string& name) {
    return use_upload(session_.use_slot(source, with_ranges, notice, name));
}

Status App::use_upload(const Status& st) {
    ++generation_;
    if (st) {
        link_due_ = true;
        edit_ms = host_.now_ms();
        history_.commit(session_.state(), session_.upload_key());
    }
    request_frames(3);
    return st;
}

Status App::upload_unread(int64_t bytes, const std::string& name) {
    Status st = session_.upload_unread(bytes, name);
    request_frames(3);
    return st;
}

void App::paste_text(const std::string& text) {
    // SDL has no clipboard on the web: the page hands pasted text here. Into a focused text field
    // it is typed; elsewhere a pasted share link or state loads (not into an embed that locks).
    if (ImGui::GetIO().WantTextInput) {
        ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
    } else if (flags_.any_lock()) {
        session_.notice = {Notice::Warning, "This embed is locked: pasting a state is off."};
    } else {
        set_state_text(text, false);
    }
    request_frames(3);
}

void App::apply(const Edit& e) {
    // An Undo / Redo step names its upload: the same state text may be another file's.
    const uint64_t upload = std::exchange(step_upload_, 0);
    const bool other_upload = upload && upload != session_.upload_key();
    if (e.changed && (!(e.draft == session_.state()) || other_upload)) {
        // Locked parameters (lock=) stay as they are, whichever widget tried.
        const std::string locked = locked_change(flags_, session_.state(), e.draft);
        if (!locked.empty()) {
            session_.notice = {Notice::Warning, locked == "all" ? "This embed is read-only."
                                                                : "'" + locked + "' is locked in this embed."};
            request_frames(2);
            return;
        }
        if (session_.notice.kind == Notice::Error) session_.notice = {};
        session_.edit(e.draft, upload);
        edit_ms = host_.now_ms();
        const int n = int(session_.state().net.size());
        view_.slot = std::min(view_.slot, n - 1);
        if (session_.plan_status().ok) maps_.forget_from(n);
        request_frames(2);
    }
    // The link follows the state only when an edit ends: browsers throttle replaceState.
    if (e.ended) {
        link_due_ = true;
        post_state();
        // The state asked for: an Undo to a state whose upload is gone shows the photo sample
        // instead (Session::edit) and keeps its place in the history, and the Redo steps.
        history_.commit(e.changed ? e.draft : session_.state(), upload ? upload : session_.upload_key());
    }
}

void App::publish() {
    if (published_edit_ == session_.edits()) return;
    published_edit_ = session_.edits();
    host_.publish_summary(session_.shapes_json());
    if (ready_posted_) post_outcome();
}

void App::post_outcome() {
    post_shapes();
    const NetInfo& info = session_.info();
    if (!info.ok()) post_error(info.layers[size_t(info.first_error)].status.message, info.first_error + 1);
    // A valid state over a run budget draws nothing new: the host hears it as the page says it.
    else if (const Status& st = session_.plan_status(); !st.ok)
        post_error("Cannot run: " + st.message + (st.hint.empty() ? "" : " (" + st.hint + ")"), 0);
}

void App::frame() {
    frame_start_ms_ = host_.now_ms();
    ++frames_;
    if (frames_left_ > 0) --frames_left_;
    maps_.begin_frame();
    hooks().clear();
    wheel_zones().zones.clear();
    // A vertical swipe on the standalone page scrolls the window under the finger (web/playground.js).
    if (touch_scroll_window_) {
        if (ImGuiWindow* w = ImGui::FindWindowByID(touch_scroll_window_)) ImGui::SetScrollY(w, w->Scroll.y + touch_scroll_dy_);
        touch_scroll_window_ = 0, touch_scroll_dy_ = 0;
    }

    compute_layout();
    Edit e{session_.state()};
    draw_panels(e);
    undo_keys(e);
    apply(e);
    // Recompute what the edit invalidated, within a frame budget; the rest runs next frame.
    double t = host_.now_ms();
    if (session_.external()) {
        // One request per applied state; the runner drops the run it supersedes.
        if (session_.busy() && requested_run_ != session_.run_id()) {
            requested_run_ = session_.run_id();
            host_.run_layers(requested_run_, session_.text(), session_.computed(), session_.take_changed_from(),
                             *session_.input(), session_.version(-1), session_.input_source());
        }
    } else if (session_.step(step_budget_ms_)) {
        request_frames(2);
    }
    if (session_.busy()) {
        if (busy_run_ != session_.run_id()) busy_run_ = session_.run_id(), busy_since_ms_ = t;
        busy_tick_ms_ = t + kBusyTickMs;
    }
    frame_parts_[0] = host_.now_ms() - t, t += frame_parts_[0];
    if (layout.tabbed) {
        draw_tabbed_panel();
        frame_parts_[1] = host_.now_ms() - t, frame_parts_[2] = 0;
    } else {
        draw_outputs_window();
        frame_parts_[1] = host_.now_ms() - t, t += frame_parts_[1];
        draw_view_window();
        frame_parts_[2] = host_.now_ms() - t;
    }
    if (parts_edit_ != session_.edits()) parts_edit_ = session_.edits(), parts_since_edit_ = 0, frames_since_edit_ = 0;
    parts_since_edit_ += frame_parts_[0] + frame_parts_[1] + frame_parts_[2];
    ++frames_since_edit_;
    if (show_export) draw_export_window();
    // Maps still going up (MapCache::kFrameUploadBytes) want frames, and are not shown yet.
    const bool uploading = maps_.uploading() > 0;
    if (uploading) request_frames(2);
    if (!session_.busy() && !uploading && shown_edit != session_.edits()) {
        show_pending_ = true;
        show_edit_ = session_.edits();
    }
    publish();
    measure_preferred_height();
}

void App::frame_presented(double now_ms) {
    if (!ready_posted_) {
        ready_posted_ = true;
        post_ready();
        post_outcome();
        post_resize();
    }
    if (link_due_) {
        link_due_ = false;
        host_.set_fragment(session_.text());
    }
    if (!show_pending_) return;
    show_pending_ = false;
    shown_edit = show_edit_;
    shown_ms = now_ms;
    shown_frame_start_ms = frame_start_ms_;
    step_ms = frame_parts_[0], outputs_ms = frame_parts_[1], view_ms = frame_parts_[2];
    edit_parts_ms = parts_since_edit_, edit_frames = frames_since_edit_;
}

}  // namespace cp::app
