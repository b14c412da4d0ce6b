// The engine's C API for JavaScript (Emscripten exports): shapes and explanations as JSON/text.
// Each returned pointer stays valid until the next call of the same function.
#include <string>

#include "core/codec.hpp"
#include "core/explain.hpp"
#include "core/gallery.hpp"
#include "core/report.hpp"
#include "core/solver.hpp"

namespace {
std::string g_shapes, g_explain, g_link;
}

// The gallery (core/gallery): [{"id","group","title","note","state"}, ...]; built once, never freed.
extern "C" const char* cp_gallery_json() {
    static const std::string json = cp::gallery_json();
    return json.c_str();
}

extern "C" const char* cp_version() { return "convplay 0.1 (state format v=1, PyTorch 1.13 rules)"; }

// The state a first visit shows (core's kDefaultState): the pages and tests read it from here.
extern "C" const char* cp_default_state() { return cp::kDefaultState; }

// The state text a link, fragment or bare state holds, percent-decoded (cp::state_text_of): the
// pages pass the raw fragment and show this.
extern "C" const char* cp_link_state(const char* text) {
    g_link = cp::state_text_of(text ? text : "");
    return g_link.c_str();
}

// {"ok":true,"state":...,"layers":[...],"mismatches":[...]} or {"ok":false,"error":...}
extern "C" const char* cp_shapes_json(const char* state_text) {
    auto state = cp::parse_state(state_text ? state_text : "");
    if (!state) {
        g_shapes = cp::error_json(state.status());
    } else {
        const cp::NetInfo info = cp::net_info(*state);
        g_shapes = cp::shapes_json(*state, info, cp::solve_net(*state));
    }
    return g_shapes.c_str();
}

// The step-by-step recipe of layer `index` (0-based) as text, or an error line.
extern "C" const char* cp_explain_text(const char* state_text, int index) {
    auto state = cp::parse_state(state_text ? state_text : "");
    if (!state) return (g_explain = "error: " + state.status().message).c_str();
    if (index < 0 || index >= static_cast<int>(state->net.size()))
        return (g_explain = "error: no layer " + std::to_string(index + 1)).c_str();
    const cp::LayerInfo info = cp::net_info(*state).layers[static_cast<size_t>(index)];
    if (!info.status.ok) return (g_explain = "error: " + info.status.message).c_str();
    auto e = cp::explain_layer(state->net[static_cast<size_t>(index)], info);
    if (!e) return (g_explain = "error: " + e.status().message).c_str();
    g_explain = cp::explain_text(state->net[static_cast<size_t>(index)], info, *e);
    return g_explain.c_str();
}
