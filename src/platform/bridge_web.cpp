// The browser bridge: the only file with EM_JS. C++ -> page: file picker, URL fragment,
// clipboard, the screen-reader summary, start-up errors, console warnings, links, messages for
// the host page (all via window.cpBridge, web/playground.js).
// Page -> C++: the exported cp_app_* functions (uploads, pasted text, fragment changes, layer
// outputs computed by the engine Worker, the host
// page's messages once playground.js has checked them, visibility, what the wheel and keys may
// do, and the small test hooks the browser tests read: frames, state, shapes, output hashes,
// widget rects).
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/codec.hpp"
#include "core/json.hpp"
#include "core/limits.hpp"
#include "imgui.h"
#include "platform/bridge.hpp"

// [SECTION] C++ -> page
EM_JS(void, js_open_file_picker, (), { if (window.cpBridge) window.cpBridge.openFilePicker(); });
EM_JS(void, js_set_fragment, (const char* text), { if (window.cpBridge) window.cpBridge.setFragment(UTF8ToString(text)); });
EM_JS(void, js_copy_text, (const char* text), { if (window.cpBridge) window.cpBridge.copyText(UTF8ToString(text)); });
EM_JS(void, js_download, (const char* name, const char* mime, const uint8_t* bytes, int len), {
    if (window.cpBridge) window.cpBridge.download(UTF8ToString(name), UTF8ToString(mime), HEAPU8.slice(bytes, bytes + len));
});
EM_JS(void, js_summary, (const char* json), { if (window.cpBridge) window.cpBridge.summary(UTF8ToString(json)); });
EM_JS(void, js_ready, (), { if (window.cpBridge) window.cpBridge.ready(); });
EM_JS(void, js_fatal, (const char* text), { if (window.cpBridge) window.cpBridge.fatal(UTF8ToString(text)); });
EM_JS(int, js_coarse_pointer, (), { return window.matchMedia && matchMedia("(pointer: coarse)").matches ? 1 : 0; });
EM_JS(void, js_warn, (const char* text), { console.warn(UTF8ToString(text)); });
EM_JS(void, js_post, (const char* json), { if (window.cpBridge) window.cpBridge.postToHost(UTF8ToString(json)); });
EM_JS(void, js_open_url, (const char* url, int new_tab), { if (window.cpBridge) window.cpBridge.openUrl(UTF8ToString(url), !!new_tab); });
// The input's values are read from the heap by the page only when `input_version` is new to it
// (and not at all when `input_source` names an upload the Worker kept, or when `sample`: the input
// is the state's built-in image, which the Worker draws itself with the same function).
EM_JS(void, js_run_layers, (double run, const char* text, int from, int changed_from, const float* input, int n,
                            double input_version, double input_source, int sample), {
    if (window.cpBridge) window.cpBridge.runLayers(run, UTF8ToString(text), from, changed_from, input, n, input_version, input_source, !!sample);
});
EM_JS(void, js_stop_layers, (), { if (window.cpBridge) window.cpBridge.stopLayers(); });
// Strings coming back are malloc'ed here and freed by the caller.
EM_JS(char*, js_fragment, (), {
    var s = location.hash.replace(/^#/, "");
    var n = lengthBytesUTF8(s) + 1, p = _malloc(n);
    stringToUTF8(s, p, n);
    return p;
});
EM_JS(char*, js_query, (), {
    var s = location.search;
    var n = lengthBytesUTF8(s) + 1, p = _malloc(n);
    stringToUTF8(s, p, n);
    return p;
});
EM_JS(char*, js_page_url, (), {
    var s = location.origin + location.pathname;
    var n = lengthBytesUTF8(s) + 1, p = _malloc(n);
    stringToUTF8(s, p, n);
    return p;
});

namespace {

std::string take(char* p) {
    std::string s = p ? p : "";
    std::free(p);
    return s;
}

class WebHost final : public cp::app::Host {
public:
    void open_file_picker() override { js_open_file_picker(); }
    void set_fragment(const std::string& text) override { js_set_fragment(text.c_str()); }
    std::string page_url() override { return take(js_page_url()); }
    void copy_text(const std::string& text) override { js_copy_text(text.c_str()); }
    void download(const std::string& name, const std::string& mime, const std::string& bytes) override {
        js_download(name.c_str(), mime.c_str(), reinterpret_cast<const uint8_t*>(bytes.data()), int(bytes.size()));
    }
    void publish_summary(const std::string& json) override { js_summary(json.c_str()); }
    double now_ms() override { return emscripten_get_now(); }
    void warn(const std::string& text) override { js_warn(text.c_str()); }
    void post_to_host(const std::string& json) override { js_post(json.c_str()); }
    void open_url(const std::string& url, bool new_tab) override { js_open_url(url.c_str(), new_tab ? 1 : 0); }
    void run_layers(uint64_t run, const std::string& text, int from, int changed_from, const cp::Tensor& input,
                    uint64_t input_version, uint64_t input_source) override {
        // Session::fill_input: any input that is not an upload is draw_sample() of the state.
        const bool sample = input_source == 0 && cp::platform::app().session().state().image != cp::InputImage::Upload;
        js_run_layers(double(run), text.c_str(), from, changed_from, input.ptr(), int(input.data.size()), double(input_version),
                      double(input_source), sample ? 1 : 0);
    }
    void stop_layers() override { js_stop_layers(); }
};

WebHost g_host;
bool g_ready = false;
bool g_visible = true;
std::string g_out;  // holds the last string returned to JS

const char* ret(std::string s) {
    g_out = std::move(s);
    return g_out.c_str();
}

}  // namespace

namespace cp::platform {

cp::app::App& app() {
    static cp::app::App a(g_host);
    return a;
}

void init_bridge() {
    const std::string fragment = take(js_fragment());
    app().start(fragment, take(js_query()));
}

bool visible() { return g_visible; }

bool coarse_pointer() {
    // Asked every frame, answered from a cache refreshed twice a second (a tablet may gain a mouse).
    static double at = -1e9;
    static bool coarse = false;
    const double now = emscripten_get_now();
    if (now - at > 500) at = now, coarse = js_coarse_pointer() != 0;
    return coarse;
}

void initial_size(int* w, int* h) {
    double cw = 0, ch = 0;
    if (emscripten_get_element_css_size("#canvas", &cw, &ch) == EMSCRIPTEN_RESULT_SUCCESS && cw > 0 && ch > 0)
        *w = int(cw), *h = int(ch);
}

void frame_done() {
    app().frame_presented(emscripten_get_now());
    if (!g_ready) {
        g_ready = true;
        js_ready();
    }
}

void fatal(const std::string& message) { js_fatal(message.c_str()); }

}  // namespace cp::platform

// [SECTION] page -> C++
extern "C" {

// An uploaded / dropped / pasted file's bytes. Returns 1 when it became the input.
// bytes == null with len > 0: the page did not read the file (over the file budget) or had no
// memory to copy it into.
EMSCRIPTEN_KEEPALIVE int cp_app_upload(const uint8_t* bytes, int len, const char* name) {
    if (!bytes && len > 0) return cp::platform::app().upload_unread(len, name ? name : "").ok ? 1 : 0;
    const std::string_view data(reinterpret_cast<const char*>(bytes), size_t(len > 0 ? len : 0));
    return cp::platform::app().upload(data, name ? name : "").ok ? 1 : 0;
}

// Uploads the engine Worker decodes (engine_runner.js): the channels to decode to; where the
// [1, c, h, w] values of cp_image_decode go (h = 0: a signal file's [1, c, w]), 0 when there is
// no memory for them (the app says so); where their 2c per-plane ranges go; then the result: ok
// (`source`: the Worker's id of the decode, which it keeps; `ranges`: they were written; the
// downscale notice in `message`) or not (the refusal in `message`). Returns 1 when it became the input.
EMSCRIPTEN_KEEPALIVE int cp_app_upload_channels() { return cp::platform::app().session().upload_channels(); }
EMSCRIPTEN_KEEPALIVE float* cp_app_upload_slot(int c, int h, int w, const char* name) {
    const std::string n = name ? name : "the image";
    auto slot = cp::platform::app().session().upload_slot(c, h, w, n);
    if (!slot) cp::platform::app().upload_decoded(slot.status(), n);
    return slot ? *slot : nullptr;
}
EMSCRIPTEN_KEEPALIVE float* cp_app_upload_ranges_slot() { return cp::platform::app().session().upload_ranges_slot(); }
EMSCRIPTEN_KEEPALIVE int cp_app_upload_decoded(int ok, double source, int ranges, const char* name, const char* message) {
    const std::string text = message ? message : "", n = name ? name : "";
    auto& a = cp::platform::app();
    const cp::Status st = ok ? a.upload_slot_done(uint64_t(source), ranges != 0, text, n) : a.upload_decoded(cp::Status::error(text), n);
    return st.ok ? 1 : 0;
}

// A state text (from_link: the fragment changed; a broken one then loads the default state).
EMSCRIPTEN_KEEPALIVE int cp_app_set_state(const char* text, int from_link) {
    return cp::platform::app().set_state_text(text ? text : "", from_link != 0).ok ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE void cp_app_paste_text(const char* text) { cp::platform::app().paste_text(text ? text : ""); }

EMSCRIPTEN_KEEPALIVE void cp_app_force_frames(int n) { cp::platform::app().request_frames(n); }

// The page is hidden or the frame is scrolled out of view (0): no frames, no layer runs.
EMSCRIPTEN_KEEPALIVE void cp_app_set_visible(int v) {
    g_visible = v != 0;
    if (g_visible) cp::platform::app().request_frames(3);
}

// What playground.js needs from the query flags (parsed once, in C++): embed mode, the id, the
// allowed host origins; and the limits it applies before handing anything over (core/limits.hpp):
// the largest file it reads, the longest state text a host message may carry. JSON.
EMSCRIPTEN_KEEPALIVE const char* cp_app_embed_config() {
    const cp::EmbedFlags& f = cp::platform::app().flags();
    cp::JsonWriter w;
    w.begin_object().key("embed").value(f.embed).key("id").value(f.id).key("origins").begin_array();
    for (const std::string& o : f.origins) w.value(o);
    w.end_array().key("hideUpload").value(f.hidden("upload") || f.locked("img"));
    w.key("maxFileBytes").value(cp::Limits::max_file_bytes).key("maxText").value(int64_t(cp::Limits::max_text));
    return ret(w.end_object().str());
}

// [SECTION] the engine Worker (web/engine_runner.js): layers computed off the main thread
// 1: the page's Worker computes the layers; 0: they run here, a few per frame (no Worker, or it failed).
EMSCRIPTEN_KEEPALIVE void cp_app_set_runner(int worker) { cp::platform::app().set_external_runner(worker != 0); }

// The Worker's engine runs each layer on `threads` threads; isolated: the page is cross-origin
// isolated (shown to the user: App::engine_text).
EMSCRIPTEN_KEEPALIVE void cp_app_set_engine_threads(int threads, int isolated) {
    cp::platform::app().set_engine_threads(threads, isolated != 0);
}

// Where layer `layer` (0-based) of run `run` goes (n floats), or 0 when the app no longer wants
// it (a newer state, a layer out of order, another size).
EMSCRIPTEN_KEEPALIVE float* cp_app_output_slot(double run, int layer, int n) {
    return cp::platform::app().session().output_slot(uint64_t(run), layer, size_t(n > 0 ? n : 0));
}

// Where that layer's per-plane ranges go (n floats: lo of its N*C planes, then hi), or 0.
EMSCRIPTEN_KEEPALIVE float* cp_app_output_ranges_slot(double run, int layer, int n) {
    return cp::platform::app().session().output_ranges_slot(uint64_t(run), layer, size_t(n > 0 ? n : 0));
}

// The values are in place: the layer counts as computed (1), or the run is stale (0). `kernel`:
// the kernel that computed it in the Worker.
EMSCRIPTEN_KEEPALIVE int cp_app_output_done(double run, int layer, double ms, const char* kernel) {
    return cp::platform::app().layer_arrived(uint64_t(run), layer, ms, kernel ? kernel : "") ? 1 : 0;
}

// The Worker's engine refused run `run`'s state (not enough memory for its plan): `message` is
// shown in place of the outputs, which stay as they were.
EMSCRIPTEN_KEEPALIVE void cp_app_run_refused(double run, const char* message) {
    cp::platform::app().run_refused(uint64_t(run), message ? message : "");
}

// [SECTION] the host page's messages (playground.js checked type, size and origin)
EMSCRIPTEN_KEEPALIVE void cp_app_host_set_state(const char* text) { cp::platform::app().host_set_state(text ? text : ""); }
EMSCRIPTEN_KEEPALIVE void cp_app_host_select_layer(int layer) { cp::platform::app().host_select_layer(layer); }
EMSCRIPTEN_KEEPALIVE void cp_app_host_explain_step(int delta, int cell) { cp::platform::app().host_explain_step(delta, cell); }
EMSCRIPTEN_KEEPALIVE void cp_app_host_get_shapes() { cp::platform::app().post_shapes(); }
EMSCRIPTEN_KEEPALIVE void cp_app_host_get_state() { cp::platform::app().post_state(); }

// [SECTION] pointer routing: what a wheel or a swipe at (x, y) (CSS px in the canvas) should do
EMSCRIPTEN_KEEPALIVE int cp_app_wheel_target(float x, float y, float dy) { return cp::app::wheel_zones().target(x, y, dy); }
EMSCRIPTEN_KEEPALIVE void cp_app_touch_scroll(float x, float y, float dy) { cp::platform::app().touch_scroll(x, y, dy); }

// Whether ImGui is using the keyboard (a text field, an active widget or an open popup): then
// Tab and Escape stay in the playground instead of moving focus out of it.
EMSCRIPTEN_KEEPALIVE int cp_app_keyboard_busy() {
    const ImGuiIO& io = ImGui::GetIO();
    return io.WantTextInput || ImGui::IsAnyItemActive() || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId) ? 1 : 0;
}

// The modifier keys a pointer press came with (bits: 1 Ctrl, 2 Shift, 4 Alt, 8 Super). SDL takes
// keys only while the canvas has focus, so a Control held down before the first click on the
// playground (or in the host page of an embed) never reached ImGui, and Ctrl+click on a slider
// (type a value) was a plain click. The press's own event knows; the next key event the canvas
// gets (Control's release) sets them again from SDL's state.
EMSCRIPTEN_KEEPALIVE void cp_app_pointer_modifiers(int mask) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = (mask & 1) != 0;
    io.KeyShift = (mask & 2) != 0;
    io.KeyAlt = (mask & 4) != 0;
    io.KeySuper = (mask & 8) != 0;
}

// [SECTION] test hooks (read-only)
EMSCRIPTEN_KEEPALIVE const char* cp_app_state() { return ret(cp::platform::app().session().text()); }

EMSCRIPTEN_KEEPALIVE double cp_app_frames() { return double(cp::platform::app().frames()); }

EMSCRIPTEN_KEEPALIVE int cp_app_busy() { return cp::platform::app().session().busy() ? 1 : 0; }

EMSCRIPTEN_KEEPALIVE const char* cp_app_shapes_json() {
    auto& s = cp::platform::app().session();
    return ret(s.shapes_json());
}

// FNV-1a over the bytes of a computed output (slot -1: the input); -1 when it is not computed.
EMSCRIPTEN_KEEPALIVE double cp_app_output_hash(int slot) {
    auto& s = cp::platform::app().session();
    const cp::Tensor* t = nullptr;
    if (slot < 0) t = s.input();
    else t = s.output(slot);
    if (!t) return -1;
    uint32_t h = 2166136261u;
    const auto* p = reinterpret_cast<const uint8_t*>(t->ptr());
    for (size_t i = 0; i < t->data.size() * 4; ++i) h = (h ^ p[i]) * 16777619u;
    return double(h);
}

// The per-channel ranges the map cache holds for slot's thumbnail (-1 the input): what its
// colormap maps to, {"lo": [...], "hi": [...]}; "" before it was drawn.
EMSCRIPTEN_KEEPALIVE const char* cp_app_map_ranges(int slot) {
    const cp::app::MapTexture* m = cp::platform::app().maps().peek(slot, true);
    if (!m || m->lo.empty()) return ret("");
    cp::JsonWriter w;
    w.begin_object();
    for (const auto* side : {&m->lo, &m->hi}) {
        w.key(side == &m->lo ? "lo" : "hi").begin_array();
        for (float v : *side) w.value(double(v));
        w.end_array();
    }
    return ret(w.end_object().str());
}

// Why the outputs cannot be computed (the plan refused the state: a budget), "" when they can.
EMSCRIPTEN_KEEPALIVE const char* cp_app_plan_status() {
    const cp::Status& st = cp::platform::app().session().plan_status();
    return ret(st.ok ? std::string() : st.message);
}

EMSCRIPTEN_KEEPALIVE const char* cp_app_message() {
    auto& s = cp::platform::app().session();
    static const char* kinds[] = {"none", "info", "warning", "error"};
    return ret(std::string(kinds[s.notice.kind]) + ": " + s.notice.text);
}

// {"x":..,"y":..,"w":..,"h":..} in CSS pixels for a named widget of the last frame, or "".
EMSCRIPTEN_KEEPALIVE const char* cp_app_widget_rect(const char* name) {
    auto& r = cp::app::hooks().rects;
    auto it = r.find(name ? name : "");
    if (it == r.end()) return ret("");
    char buf[160];
    std::snprintf(buf, sizeof buf, "{\"x\":%.1f,\"y\":%.1f,\"w\":%.1f,\"h\":%.1f}", it->second.x, it->second.y,
                  it->second.z, it->second.w);
    return ret(buf);
}

// View settings the tests read: {"slot":..,"zoom":..,"pos":..,"panel":"map","tabbed":true}.
EMSCRIPTEN_KEEPALIVE const char* cp_app_view() {
    auto& a = cp::platform::app();
    const auto& v = a.view();
    char buf[200];
    std::snprintf(buf, sizeof buf, "{\"slot\":%d,\"zoom\":%.4f,\"pos\":%d,\"panel\":\"%s\",\"tabbed\":%s}", v.slot, v.zoom, v.pos,
                  cp::panel_name(v.panel), a.layout.tabbed ? "true" : "false");
    return ret(buf);
}

// The JSON a view published under `name` in the last frame (HookRects::probes), or "".
EMSCRIPTEN_KEEPALIVE const char* cp_app_probe(const char* name) {
    auto& p = cp::app::hooks().probes;
    auto it = p.find(name ? name : "");
    return ret(it == p.end() ? "" : it->second);
}

// When the last state was applied, when a frame first showed all its outputs (ms), and counters.
EMSCRIPTEN_KEEPALIVE const char* cp_app_timing() {
    auto& a = cp::platform::app();
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "{\"edit_ms\":%.3f,\"shown_ms\":%.3f,\"shown_frame_start_ms\":%.3f,\"edits\":%llu,\"shown_edit\":%llu,"
                  "\"frames\":%llu,\"not_drawn\":%llu,\"uploads\":%llu,\"step_ms\":%.3f,\"outputs_ms\":%.3f,\"view_ms\":%.3f,"
                  "\"edit_parts_ms\":%.3f,\"edit_frames\":%llu,\"hold_ms\":%.0f}",
                  a.edit_ms, a.shown_ms, a.shown_frame_start_ms, (unsigned long long)a.session().edits(), (unsigned long long)a.shown_edit,
                  (unsigned long long)a.frames(), (unsigned long long)a.frames_not_drawn(), (unsigned long long)a.maps().uploads(), a.step_ms, a.outputs_ms, a.view_ms,
                  a.edit_parts_ms, (unsigned long long)a.edit_frames, cp::app::kHoldMs);
    return ret(buf);
}

// What the page side made so far (an edit must cost what it changes; tests/web/costs.test.mjs):
// weights made for the UI, output buffers allocated and reused, local plans, texture uploads (in
// all and per slot: "-1" the input, "0" layer 1...), values the map cache scanned for their
// ranges (rangeValues: 0 while the Worker sends them with the values), the most bytes of values
// uploaded in one frame and the budget for that (MapCache::kFrameUploadBytes).
EMSCRIPTEN_KEEPALIVE const char* cp_app_costs() {
    auto& a = cp::platform::app();
    const auto& s = a.session().stats();
    cp::JsonWriter w;
    w.begin_object()
        .key("weightsMade").value(s.weights_made)
        .key("outputsMade").value(s.outputs_made)
        .key("outputsKept").value(s.outputs_kept)
        .key("plansMade").value(s.plans_made)
        .key("uploads").value(int64_t(a.maps().uploads()))
        .key("rangeValues").value(a.maps().range_values())
        .key("maxFrameUploadBytes").value(a.maps().max_frame_bytes())
        .key("frameUploadBudget").value(cp::app::MapCache::kFrameUploadBytes)
        .key("uploadsBySlot").begin_object();
    for (const auto& [slot, n] : a.maps().uploads_by_slot()) w.key(std::to_string(slot)).value(int64_t(n));
    w.end_object().end_object();
    return ret(w.str());
}

}  // extern "C"
