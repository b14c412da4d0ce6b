// The engine's C API for JavaScript (Emscripten exports): shapes and explanations as JSON/text.
// Each returned pointer stays valid until the next call of the same function.
#include <string>

#include "core/codec.hpp"
#include "core/explain.hpp"
#include "core/report.hpp"
#include "core/solver.hpp"

namespace {
std::string g_shapes, g_explain;
}

extern "C" const char* cp_version() { return "convplay 0.1 (state format v=1, PyTorch 1.13 rules)"; }

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
