// The playground: one Session (state, plan, schedule), the GPU feature maps, view-only settings,
// and the windows drawn each frame. The platform layer (src/platform) owns SDL, GL and the loop
// and calls start(), wants_frame(), frame(); the page's bridge calls the entry points below.
//
// [SECTION] windows (one file each): top_bar.cpp, layers_window.cpp (+ layer_params.cpp,
// weights_editor.cpp), outputs_window.cpp, viewer_window.cpp (+ feature_map_view.cpp),
// explain_window.cpp, gallery_window.cpp, shapes_window.cpp, export_window.cpp; panels.cpp arranges them (tiled on a
// wide page, as tabs in an embed or on a narrow screen) and embed.cpp holds the embed chrome and
// the host API.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/gl_maps.hpp"
#include "app/host.hpp"
#include "app/session.hpp"
#include "app/ui.hpp"
#include "core/embed_flags.hpp"
#include "core/explain.hpp"
#include "core/history.hpp"
#include "core/receptive_field.hpp"

namespace cp::app {

inline constexpr int kNoRfCell = -2;  // ViewState::rf_slot: no cell traced

// View-only settings: never part of the state text or the link.
struct ViewState {
    int slot = 2;              // the map in the viewer / explain: -1 input, else layer index
    int channel = 0;
    bool rgb = true;           // 3-channel maps as an RGB composite
    Colormap colormap = Colormap::Auto;  // the palette picked (Auto: diverging when both signs)
    bool shared_range = false; // one range over all channels instead of one per channel
    int item = 0;              // batch item shown
    float zoom = 0;            // viewer: screen pixels per texel; 0 = fit
    ImVec2 center{0, 0};       // viewer: texel at the view's centre
    int tab = 0;               // 0 feature map, 1 explain, 2 gallery (set to switch tabs programmatically)
    bool tab_request = false;
    Panel panel = Panel::Layers;  // the panel shown when panels are tabs
    bool panel_request = false;
    // Explain
    int toy = 8;               // input size of the picture when the real one is too big to draw
    int pos = 0;               // the output cell whose window is shown
    bool play = false;
    double play_t = 0;
    int step_request = 0;      // output cells to step (the host's explainStep), applied when drawn
    bool values = false;       // the Values view: input values, weights, products and sums
    int values_ci = 0;         // Values view: the input channel whose grid and kernel are drawn
    bool scatter = false;      // the Scatter view of a transposed conv (instead of counts / values)
    int scatter_step = 0;      // Scatter view: stamps added so far
    // Receptive field (receptive_field_view.cpp): the viewer cell traced through the stack, under
    // the pointer or pinned by a click / tap. rf_slot: -1 input, else layer index; kNoRfCell none.
    bool rf_on = true;
    int rf_slot = kNoRfCell, rf_y = 0, rf_x = 0;
    int rf_c = -1;             // the channel shown when the cell was picked (-1: every channel)
    bool rf_pinned = false;
    bool rf_details = false;   // the formula of every step under the viewer
};

// Where each window goes, recomputed from the canvas size every frame: tiled (top bar, layers on
// the left, outputs above the viewer on the right), or tabbed (a bar, then one panel filling the
// rest: embeds, and pages narrower than kTabbedBelow).
struct Layout {
    bool tabbed = false;
    ImVec2 top_pos, top_size, layers_pos, layers_size, outputs_pos, outputs_size, view_pos, view_size;
    ImVec2 body_pos, body_size;  // tabbed: where the shown panel goes
};
inline constexpr float kTabbedBelow = 720;  // CSS px: narrower pages show their panels as tabs
// A run longer than kStopAfterMs shows its seconds (ticked every kBusyTickMs) and a Stop button.
inline constexpr double kStopAfterMs = 300, kBusyTickMs = 250;
// In the first kHoldMs of an engine Worker run, frames are built (input is handled) but not
// drawn, at most kHoldMs in a row, and drawn at once when the run ends: an edit's run that ends
// within it shows in one frame, with its outputs (App::hold_frame). Likewise while its maps go up
// over several frames (MapCache::kFrameUploadBytes).
inline constexpr double kHoldMs = 100;

class App {
public:
    explicit App(Host& host) : host_(host) {}

    // The page's fragment (may be empty or broken) and query flags at start-up.
    void start(const std::string& fragment, const std::string& query = "");
    // Whether a frame needs drawing (input arrived, work pending, an animation runs).
    bool wants_frame() const;
    void request_frames(int n) { frames_left_ = std::max(frames_left_, n); }
    // Builds this frame's windows (between ImGui::NewFrame and ImGui::Render).
    void frame();
    // The frame was rendered and handed to the browser at `now_ms` (timing hooks).
    void frame_presented(double now_ms);

    // Entry points from the page (the bridge).
    Status set_state_text(const std::string& text, bool from_link);
    // Scrolls the window under (x, y) by dy CSS px on the next frame (a swipe on a touch screen).
    void touch_scroll(float x, float y, float dy);
    Status upload(std::string_view bytes, const std::string& name);
    Status upload_unread(int64_t bytes, const std::string& name);  // Session::upload_unread
    // An upload the page's engine Worker decoded (Session::use_image).
    Status upload_decoded(Result<Decoded> decoded, const std::string& name);
    // ... or written into Session::upload_slot (Session::use_slot).
    Status upload_slot_done(uint64_t source, bool with_ranges, const std::string& notice, const std::string& name);
    void paste_text(const std::string& text);
    // Layers run in the page's Web Worker (on) or here, a few per frame (off: no Worker, or it
    // failed). A layer of run `run` arrived (its values are in Session::output_slot already).
    void set_external_runner(bool on);
    bool layer_arrived(uint64_t run, int layer, double ms, const std::string& kernel);
    void run_refused(uint64_t run, const std::string& message);
    // The threads the Worker's engine splits each layer over and whether the page is cross-origin
    // isolated (its ready message, via engine_runner.js). The app's own runs (no Worker) take one.
    void set_engine_threads(int threads, bool isolated);
    // "2 threads (cross-origin isolated)", "1 thread": the title's tooltip, the progress line and
    // the "engine" probe show it.
    std::string engine_text() const;

    // [SECTION] the host API (embed.cpp; messages in docs/embed.md). Layers are 1-based, 0 = input.
    void host_set_state(const std::string& text);
    void host_select_layer(int layer);
    // `delta` +1 / -1 steps the explain animation; otherwise `cell` is the output cell to show.
    void host_explain_step(int delta, int cell);
    void post_shapes();
    void post_state();
    void post_ready();
    void post_error(const std::string& text, int layer);  // layer: 1-based, 0 = none
    // What the page reports to the host for auto-height iframes (CSS px, the last frame's).
    float preferred_height() const { return preferred_h_; }
    const EmbedFlags& flags() const { return flags_; }
    // The full page with this state (and layer): the embed's "Open in convplay" link.
    std::string full_page_link();

    Session& session() { return session_; }
    MapCache& maps() { return maps_; }
    ViewState& view() { return view_; }
    Host& host() { return host_; }
    uint64_t frames() const { return frames_; }
    // Whether the frame just built is not to be drawn yet: the engine Worker computes a run that
    // started less than kHoldMs ago, or maps are still going up, and the first frame held since
    // the last one drawn is less than kHoldMs old (never before the first frame). Drawing it would show the edit without its outputs, and with software GL
    // (SwiftShader: about 100 ms of CPU a frame at 1400x900) it takes the cores the Worker's kernels
    // need: they waited for a core 2-4x their own time (docs/architecture.md, "Frames").
    bool hold_frame();
    // Frames built but not drawn: held, or they would have drawn what was on screen (imgui_gl::same_as_last).
    uint64_t frames_not_drawn() const { return frames_not_drawn_; }
    void frame_not_drawn() { ++frames_not_drawn_; }
    // Timing for the test hooks (ms, Host::now_ms clock): when the last state was applied; when
    // the first frame showing all its outputs began and when it was rendered; which edit it showed.
    double edit_ms = 0, shown_ms = 0, shown_frame_start_ms = 0;
    // Where the time of the frame that showed the outputs went: running layers, uploading +
    // building the Outputs window, the viewer (ms).
    double step_ms = 0, outputs_ms = 0, view_ms = 0;
    // The same three summed over every frame from the edit to that one (the layers arrive over
    // several frames, each uploading what came), and how many frames that was.
    double edit_parts_ms = 0;
    uint64_t edit_frames = 0;
    uint64_t shown_edit = 0;

    // Window functions (one file each).
    void draw_top_bar(Edit& e);
    void draw_status_line(Edit& e);
    void draw_state_field(Edit& e);
    void draw_page_buttons(Edit& e, bool with_default);  // Copy link, Embed..., Default, Tutorial
    void draw_compact_bar(Edit& e);
    void draw_embed_code_popup();
    void draw_layers_window(Edit& e);
    void draw_outputs_window();
    void draw_view_window();
    void draw_viewer_tab();
    void draw_explain_tab();
    void draw_gallery_tab();
    // The Values view of layer `slot` (explain_values_view.cpp); `e` its explain axes (no grids).
    void draw_explain_values(int slot, const Explain& e);
    // The Scatter view of transposed conv `slot` (explain_scatter_view.cpp).
    void draw_explain_scatter(int slot);
    // Output cells to step for the arrow keys this frame (left/right 1, up/down a row of out_w).
    int explain_arrow_steps(int64_t out_w) const;
    void draw_shapes_window();
    // The encoder-decoder pairs of the whole stack with their fixes (pairs_view.cpp, in the Layers window).
    void draw_pairs(Edit& e);
    void draw_panels(Edit& e);
    void draw_tabbed_panel();  // the panel shown below the tabs (Layers: by draw_panels)
    // A panel's window at a fixed place (no title bar when tabbed: the tab names it).
    bool begin_panel(const char* name, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra = 0);
    std::vector<Panel> tab_panels() const;
    // Shows layer `slot` (-1 input) in the feature map (tab 0) or explain view (tab 1), switching
    // to that panel when panels are tabs; shows_view(): whether either is on this page.
    void show_in_view(int slot, int tab);
    bool shows_view() const;
    // [SECTION] receptive field (receptive_field_view.cpp)
    // The viewer's cell under the pointer (hovered) of map `slot`, and whether it was clicked.
    void rf_pick(int slot, bool hovered, int y, int x, int channel, bool clicked);
    void rf_update();  // recomputes the traced regions when the cell or the state changed
    const RfMap* rf_region(int slot) const;  // the region on map `slot` (-1 input), or null
    // Outlines that region on map `slot` (channel `channel`, -1 all) drawn at [q0, q1].
    void draw_rf_overlay(ImDrawList* dl, int slot, int channel, ImVec2 q0, ImVec2 q1);
    float rf_text_height() const;  // what draw_rf_text needs under the viewer
    void draw_rf_text();
    void rf_probe();  // the test hook's view of it (probe "rf")
    // [SECTION] undo / redo (undo.cpp)
    void draw_undo_buttons(Edit& e);
    void undo_keys(Edit& e);  // Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y (Cmd on a Mac)
    void undo_step(Edit& e, bool redo);
    History& history() { return history_; }
    void draw_export_window();  // export_window.cpp
    bool show_export = false;
    Layout layout;

private:
    int generation_ = 0;  // bumped when a state arrives from outside the widgets
    int engine_threads_ = 1;
    bool engine_isolated_ = false;
    uint64_t requested_run_ = 0;  // the Session run last handed to the external runner
    // The run being computed: since when (the status line's seconds and its Stop button), and
    // when the next frame is due to tick those seconds (a Worker run draws no frames of its own).
    uint64_t busy_run_ = 0;
    double busy_since_ms_ = 0, busy_tick_ms_ = 0;
    double held_since_ms_ = -1;  // the first frame held since the last drawn one (hold_frame); -1: none
    // The share link (the page's fragment) follows the state with the first frame drawn after
    // the edit (frame_presented), not inside it: in headless Chromium each history.replaceState
    // costs the GPU process about 24 ms of SwiftShader (the window's address bar is drawn again)
    // and the browser's main thread about 20 ms, which landed on the cores while the engine
    // Worker ran the edit. A held frame (hold_frame) is not drawn, so the link changes when the
    // run's outputs show, or when the hold ends.
    bool link_due_ = false;
    void stop_run();
    void resume_run();
    Status use_upload(const Status& st);  // after an upload was decoded (or refused)
    void compute_layout();
    void measure_preferred_height();
    void post_resize();
    void post_outcome();  // shapes, and the first error if any
    bool ready_posted_ = false;
    ImGuiID touch_scroll_window_ = 0;
    float touch_scroll_dy_ = 0;
    EmbedFlags flags_;
    float preferred_h_ = 0, posted_h_ = -1;
    float status_extra_h_ = 0;  // the status line's wrapped lines beyond the first, measured while drawing
    float buttons_extra_h_ = 0;  // the page buttons' lines beyond the first (a narrow bar), measured while drawing
    float content_h_ = 0;  // the shown panel's content height (tabbed), measured while drawing
    void apply(const Edit& e);
    void publish();
    Host& host_;
    Session session_;
    MapCache maps_;
    ViewState view_;
    uint64_t frames_ = 0, frames_not_drawn_ = 0;
    int frames_left_ = 3;
    uint64_t published_edit_ = ~uint64_t(0);
    bool show_pending_ = false;
    uint64_t show_edit_ = 0;
    double frame_start_ms_ = 0;
    double frame_parts_[3] = {0, 0, 0};
    double parts_since_edit_ = 0;   // frame_parts_ summed since edit parts_edit_ was applied
    uint64_t frames_since_edit_ = 0, parts_edit_ = 0;
    // Layers run back to back until this much of a frame is spent (the one running then finishes):
    // the default stack at 512x512 (~20 ms) recomputes in one frame, a long stack spreads out.
    double step_budget_ms_ = 16;
    ReceptiveField rf_;
    std::vector<std::string> rf_lines_;
    std::string rf_message_;
    bool rf_valid_ = false;
    uint64_t rf_edits_ = ~uint64_t(0);
    int rf_slot_ = kNoRfCell, rf_y_ = 0, rf_x_ = 0, rf_c_ = -1;
    int rf_overlays_ = 0;      // overlays drawn this frame (probe)
    History history_;
    uint64_t step_upload_ = 0;  // the upload of the Undo / Redo step being applied (undo_step)
    int scroll_to_layer_ = -1;  // a layer just added: opened, scrolled into view (layers_window.cpp)
};

}  // namespace cp::app
