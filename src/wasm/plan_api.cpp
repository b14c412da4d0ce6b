// The engine's plan API for JavaScript: plan a state once, fill its input in the wasm heap, run
// it many times, read outputs/kernels/times/weights. Handles are small integers; 0 is "failed"
// (cp_last_error() says why). web/engine.mjs wraps this in createEngine().
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/codec.hpp"
#include "core/json.hpp"
#include "engine/plan.hpp"
#include "engine/samples.hpp"
#include "kernels/thread_pool.hpp"

namespace {
std::map<int, std::unique_ptr<cp::Plan>> g_plans;
int g_next = 1;
std::string g_error;
// The kernels' threads, shared by every plan (cp_set_threads): the threaded build's pool of
// Workers is sized for one ThreadPool, and plans run one at a time on this thread.
std::unique_ptr<cp::ThreadPool> g_pool;

cp::PlanOptions plan_options(bool reference_only) {
    cp::PlanOptions opt;
    opt.reference_only = reference_only;
    opt.pool = g_pool.get();
    return opt;
}

cp::Plan* get(int h) {
    auto it = g_plans.find(h);
    return it == g_plans.end() ? nullptr : it->second.get();
}
bool valid_layer(cp::Plan* p, int i) { return p && i >= 0 && i < p->runnable(); }
}  // namespace

extern "C" {

const char* cp_last_error() { return g_error.c_str(); }

// The threads every plan's kernels split a layer over; once, before the first plan (later calls
// change nothing). Returns the count in use: 1 without -pthread (cp::usable_threads); the
// threaded build must have been started with that many minus one Workers in its pool
// (web/engine.mjs passes them), or the pool's threads would wait for Workers that never load.
int cp_set_threads(int threads) {
    const int n = cp::usable_threads(threads);
    if (g_plans.empty() && n != (g_pool ? g_pool->threads() : 1))
        g_pool = n > 1 ? std::make_unique<cp::ThreadPool>(n) : nullptr;
    return g_pool ? g_pool->threads() : 1;
}

// How the threads shared the last threaded kernel call (kernels/thread_pool.hpp, RunTrace), for
// the benchmark: cp_run_trace(1) starts recording, cp_run_trace(0) stops. Returns, as JSON, the
// last call recorded: {"chunks": N, "threads": [{"join": ms, "end": ms, "chunks": n}, ...]}
// (ms from the call's start; thread 0 is the caller; a thread of 0 chunks never joined).
const char* cp_run_trace(int on) {
    static cp::RunTrace trace;
    static std::string text;
    cp::set_run_trace(on ? &trace : nullptr);
    cp::JsonWriter j;
    j.begin_object().key("chunks").value(trace.total_chunks).key("threads").begin_array();
    for (const cp::ThreadTrace& t : trace.threads)
        j.begin_object().key("join").value(t.join_ms).key("end").value(t.end_ms).key("chunks").value(t.chunks).end_object();
    j.end_array().end_object();
    text = j.str();
    return text.c_str();
}

// flags: bit 0 = reference kernels only. The input starts as the state's built-in image (zeros
// for img=upload). Returns a handle, or 0 when the state does not parse or needs too much memory.
int cp_plan_create(const char* state_text, int flags) {
    auto state = cp::parse_state(state_text ? state_text : "");
    if (!state) {
        g_error = state.status().message;
        return 0;
    }
    auto plan = cp::Plan::create(*state, plan_options((flags & 1) != 0));
    if (!plan) {
        g_error = plan.status().message;
        return 0;
    }
    if (state->image != cp::InputImage::Upload) cp::draw_sample(*state, (*plan)->input());
    const int h = g_next++;
    g_plans[h] = std::move(*plan);
    g_error.clear();
    return h;
}

void cp_plan_free(int h) { g_plans.erase(h); }

// Layers that can run (those before the first invalid one).
int cp_plan_runnable(int h) { auto* p = get(h); return p ? p->runnable() : 0; }
int cp_plan_layers(int h) { auto* p = get(h); return p ? static_cast<int>(p->state().net.size()) : 0; }

float* cp_plan_input(int h) { auto* p = get(h); return p ? p->input().ptr() : nullptr; }

// Draws the state's built-in image into the plan's input again, as cp_plan_create did (after an
// update that changed the input's size, image or seed, which leaves it zeros): the playground's
// Worker makes that input itself rather than have the page copy its own. 0 for img=upload (no
// image to draw) or a bad handle.
int cp_plan_draw_sample(int h) {
    auto* p = get(h);
    if (!p || p->state().image == cp::InputImage::Upload) return 0;
    return cp::draw_sample(p->state(), p->input()) ? 1 : 0;
}
int cp_plan_input_size(int h) { auto* p = get(h); return p ? static_cast<int>(p->input().numel()) : 0; }

// Runs layers from `from` on; returns total milliseconds, or -1 for a bad handle.
double cp_plan_run(int h, int from) { auto* p = get(h); return p ? p->run(from) : -1.0; }

// Runs layer i alone (layer i-1's output must be current); returns milliseconds, or -1.
double cp_plan_run_one(int h, int i) { auto* p = get(h); return valid_layer(p, i) ? p->run_one(i) : -1.0; }

// Re-plans for a new state, keeping the weights, buffers and outputs of every layer before the
// first one that differs (Plan::update). Returns that layer's index (runnable() when nothing
// changed; 0 when the input's shape, image or seed changed: the input is then zeros and must be
// set again), or -1 when the state does not parse or needs too much memory (cp_last_error();
// the plan is then unchanged).
int cp_plan_update(int h, const char* state_text) {
    auto* p = get(h);
    if (!p) {
        g_error = "no such plan";
        return -1;
    }
    auto state = cp::parse_state(state_text ? state_text : "");
    if (!state) {
        g_error = state.status().message;
        return -1;
    }
    auto first = p->update(*state, plan_options(p->reference_only()));  // a reference plan stays one
    if (!first) {
        g_error = first.status().message;
        return -1;
    }
    g_error.clear();
    return *first;
}

float* cp_plan_output(int h, int i) {
    auto* p = get(h);
    return valid_layer(p, i) ? const_cast<float*>(p->output(i).ptr()) : nullptr;
}
int cp_plan_output_size(int h, int i) {
    auto* p = get(h);
    return valid_layer(p, i) ? static_cast<int>(p->output(i).numel()) : 0;
}
// Output i's per-plane ranges (engine/ranges.hpp): lo of its N*C planes, then hi; valid until
// the next call. What the playground's page would compute for its colormap, done here (the
// engine Worker, on the plan's threads) instead.
const float* cp_plan_output_ranges(int h, int i) {
    static std::vector<float> r;
    auto* p = get(h);
    r = valid_layer(p, i) ? p->output_ranges(i) : std::vector<float>();
    return r.data();
}
// Shape of output i as "1x16x128x128".
const char* cp_plan_output_shape(int h, int i) {
    static std::string s;
    auto* p = get(h);
    s = valid_layer(p, i) ? cp::shape_text(p->output(i).shape) : "";
    return s.c_str();
}
const char* cp_plan_kernel(int h, int i) { auto* p = get(h); return valid_layer(p, i) ? p->kernel(i) : ""; }
const char* cp_plan_kernel_note(int h, int i) {
    auto* p = get(h);
    return valid_layer(p, i) ? p->kernel_note(i).c_str() : "";
}
double cp_plan_layer_bytes(int h, int i) {
    auto* p = get(h);
    return valid_layer(p, i) ? static_cast<double>(p->layer_bytes(i)) : 0;
}
double cp_plan_ms(int h, int i) { auto* p = get(h); return valid_layer(p, i) ? p->ms(i) : -1.0; }

// Weights in PyTorch's layout (conv: [C_out, C_in/g, k...], convT: [C_in, C_out/g, k...]).
float* cp_plan_weight(int h, int i) {
    auto* p = get(h);
    return valid_layer(p, i) && !p->weights(i).weight.data.empty() ? const_cast<float*>(p->weights(i).weight.ptr())
                                                                     : nullptr;
}
int cp_plan_weight_size(int h, int i) {
    auto* p = get(h);
    return valid_layer(p, i) ? static_cast<int>(p->weights(i).weight.numel()) : 0;
}
const char* cp_plan_weight_shape(int h, int i) {
    static std::string s;
    auto* p = get(h);
    s = valid_layer(p, i) ? cp::shape_text(p->weights(i).weight.shape) : "";
    return s.c_str();
}
float* cp_plan_bias(int h, int i) {
    auto* p = get(h);
    return valid_layer(p, i) && !p->weights(i).bias.data.empty() ? const_cast<float*>(p->weights(i).bias.ptr())
                                                                   : nullptr;
}
int cp_plan_bias_size(int h, int i) {
    auto* p = get(h);
    return valid_layer(p, i) ? static_cast<int>(p->weights(i).bias.numel()) : 0;
}
double cp_plan_bytes(int h) { auto* p = get(h); return p ? static_cast<double>(p->bytes()) : 0; }

// What re-planning made and kept since the plan was created (PlanStats), as JSON.
const char* cp_plan_stats(int h) {
    static std::string s;
    auto* p = get(h);
    if (!p) return "";
    const cp::PlanStats& t = p->stats();
    cp::JsonWriter w;
    w.begin_object()
        .key("weightsMade").value(t.weights_made)
        .key("weightsKept").value(t.weights_kept)
        .key("kernelsMade").value(t.kernels_made)
        .key("layersKept").value(t.layers_kept)
        .key("outputsMade").value(t.outputs_made)
        .key("outputsKept").value(t.outputs_kept)
        .end_object();
    s = w.str();
    return s.c_str();
}

}  // extern "C"
