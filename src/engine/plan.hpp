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

namespace cp {

struct PlanOptions {
    bool reference_only = false;            // run the oracle kernels everywhere
    int64_t max_bytes = Limits::max_plan_bytes;  // refuse a stack that needs more memory
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

    const Tensor& output(int i) const { return steps_[size_t(i)].out; }
    // Layer i's output and time when the same plan ran elsewhere (the playground's Web Worker):
    // the caller writes the values into output_for(i) and records the time with set_ms.
    Tensor& output_for(int i) { return steps_[size_t(i)].out; }
    void set_ms(int i, double ms) { steps_[size_t(i)].ms = ms; }
    const LayerWeights& weights(int i) const { return steps_[size_t(i)].weights; }
    const char* kernel(int i) const { return steps_[size_t(i)].kernel->name(); }
    const std::string& kernel_note(int i) const { return steps_[size_t(i)].kernel->note(); }
    // Memory of layer i: its output, its weights (as made and as packed) and its scratch need.
    int64_t layer_bytes(int i) const;
    double ms(int i) const { return steps_[size_t(i)].ms; }
    int64_t bytes() const { return bytes_; }  // outputs, input, weights, packed weights, scratch

private:
    Status plan_from(int first, const PlanOptions& opt);
    struct Step {
        LayerWeights weights;
        std::unique_ptr<LayerKernel> kernel;
        Tensor out;
        double ms = 0;
    };
    State state_;
    NetInfo info_;
    Tensor input_;
    std::vector<Step> steps_;
    std::vector<float> scratch_;
    int64_t bytes_ = 0;
};

}  // namespace cp
