// Plan: a state's layer stack planned once (shapes, weights made and packed, every buffer
// allocated, a kernel chosen per layer) and run many times with no allocation. The UI reruns
// only the layers downstream of a change; the benchmark reruns everything.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/limits.hpp"
#include "core/shapes.hpp"
#include "core/status.hpp"
#include "engine/tensor.hpp"
#include "engine/weights.hpp"
#include "kernels/registry.hpp"
#include "kernels/thread_pool.hpp"

namespace cp {

// What re-planning made and what it kept, counted since the plan was created (the playground's
// tests check that an edit costs what it changes).
struct PlanStats {
    int64_t weights_made = 0;    // layers whose weights were made (make_weights)
    int64_t weights_kept = 0;    // layers re-planned with the weights they had
    int64_t kernels_made = 0;    // kernels chosen and their weights packed
    int64_t layers_kept = 0;     // layers after the first change kept whole (weights, kernel, buffer)
    int64_t outputs_made = 0;    // output buffers allocated
    int64_t outputs_kept = 0;    // output buffers of re-planned layers reused (they still fit)
};

struct PlanOptions {
    bool reference_only = false;            // run the oracle kernels everywhere
    int64_t max_bytes = Limits::max_plan_bytes;  // refuse a stack that needs more memory
    // Threads each layer's kernel splits its work over (kernels/thread_pool.hpp); outputs are
    // bit-identical for any count. usable_threads() says what the build allows (1 in the wasm
    // builds without -pthread).
    int threads = 1;
    // A pool shared by several plans (they run one at a time, on the thread that owns the pool):
    // when set, `threads` is ignored and the plan runs on pool->threads() threads. The wasm API
    // shares one, since the threaded build has exactly the Workers of one pool.
    ThreadPool* pool = nullptr;
    // What the kernels' scratch holds before a kernel writes it. The kernel tests set NaN
    // (tests/support/kernel_compare.hpp): with zeros, a kernel that forgets to write part of its
    // padded copy reads the zeros it should have written and passes them, while in a stack the
    // layer before leaves its own data there.
    float scratch_fill = 0.0f;
};

class Plan {
public:
    // Fails when the state's stack needs more memory than allowed, or than can be had. An invalid layer does not
    // fail the plan: info() says which layer and why, and only the layers before it run.
    static Result<std::unique_ptr<Plan>> create(const State& state, const PlanOptions& opt = {});

    const State& state() const { return state_; }
    const NetInfo& info() const { return info_; }
    int runnable() const { return static_cast<int>(steps_.size()); }  // layers before the first error

    Tensor& input() { return input_; }
    // Runs layers [from, runnable()) on the current input; returns the total milliseconds.
    double run(int from = 0);
    // Runs layer i alone (its input, layer i-1's output, must be current); returns milliseconds.
    // Lets a UI spread a long stack over several frames.
    double run_one(int i);

    // Re-plans for `next`, keeping every layer before the first one that differs (when the input
    // shape is the same; the input values are kept too). Returns the index of the first layer
    // that must run again: 0 when the input shape changed, runnable() when nothing changed.
    // Refused by a budget or because the memory for the new buffers cannot be had: the plan is
    // unchanged, outputs included. (Refused by the exact size check made after the weights are
    // packed, which the budgets' upper bounds make rare, it keeps no runnable layer.)
    Result<int> update(const State& next, const PlanOptions& opt = {});
    // The first layer of `next` whose values differ from `prev`'s when `prev` has `runnable`
    // layers planned: 0 when the input differs (shape, image or seed), `runnable` (or fewer, if
    // `next` is shorter) when nothing before differs. The rule update() keeps layers by.
    static int first_change(const State& prev, const NetInfo& prev_info, const State& next, const NetInfo& next_info,
                            int runnable);
    const PlanStats& stats() const { return stats_; }
    bool reference_only() const { return reference_only_; }  // planned with PlanOptions::reference_only

    const Tensor& output(int i) const { return steps_[size_t(i)].out; }
    // Layer i's per-plane ranges (engine/ranges.hpp: lo of every plane, then hi), scanned on the
    // plan's threads and kept until the layer runs again. A ReLU's come from its input's without
    // a scan (relu is monotonic: relu(min) is the min of the relus, NaN skipped alike) when those
    // were asked for and the ReLU ran after its input did.
    const std::vector<float>& output_ranges(int i);
    const LayerWeights& weights(int i) const { return steps_[size_t(i)].weights; }
    const char* kernel(int i) const { return steps_[size_t(i)].kernel->name(); }
    const std::string& kernel_note(int i) const { return steps_[size_t(i)].kernel->note(); }
    // Memory of layer i: its output, its weights (as made and as packed) and its scratch need.
    int64_t layer_bytes(int i) const;
    double ms(int i) const { return steps_[size_t(i)].ms; }
    int64_t bytes() const { return bytes_; }  // outputs, input, weights, packed weights, scratch

private:
    struct Step {
        LayerWeights weights;
        std::unique_ptr<LayerKernel> kernel;
        Tensor out;
        double ms = 0;
        std::vector<float> ranges;  // output_ranges(), or empty: not asked for since the layer ran
        uint64_t serial = 0;        // when it last ran (run_serial_ then), 0: not since it was planned
    };
    // Plans layers `first`.. of state_; `prev` are the steps of `prev_state` from `first` on
    // (their weights, kernels and buffers are reused where they still apply).
    Status plan_from(int first, const PlanOptions& opt, const State* prev_state = nullptr,
                     const NetInfo* prev_info = nullptr, std::vector<Step> prev = {});
    State state_;
    NetInfo info_;
    Tensor input_;
    std::vector<Step> steps_;
    std::vector<float> scratch_;              // one kernel's scratch per thread
    std::unique_ptr<ThreadPool> own_pool_;    // made for PlanOptions::threads
    ThreadPool* pool_ = nullptr;              // own_pool_ or PlanOptions::pool; null: one thread
    int64_t bytes_ = 0;
    uint64_t run_serial_ = 0;                 // layers run so far (Step::serial)
    bool reference_only_ = false;
    PlanStats stats_;
};

}  // namespace cp
