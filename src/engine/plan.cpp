// Plan (see plan.hpp).
#include "engine/plan.hpp"

#include <algorithm>
#include <chrono>

#include "core/limits.hpp"
#include "engine/memory.hpp"

namespace cp {

namespace {

// What planning `state` from layer `first` on allocates at most: those layers' outputs and
// weights, the largest scratch, and the input when it is made anew. Asked of the allocator
// before anything changes (engine/memory.hpp), so running out leaves the plan as it was.
Status check_fresh_memory(const State& state, const NetInfo& info, int first, bool new_input) {
    int64_t bytes = new_input ? sat_mul(sat_count(info.input), 4) : 0, scratch = 0;
    for (size_t i = size_t(first); i < info.layers.size() && i < state.net.size(); ++i) {
        if (!info.layers[i].status.ok) break;
        bytes = sat_add(bytes, layer_kept_bytes(info.layers[i]));
        scratch = std::max(scratch, layer_scratch_bytes(state.net[i], info.layers[i]));
    }
    return check_memory(sat_add(bytes, scratch), "this stack");
}

}  // namespace

Result<std::unique_ptr<Plan>> Plan::create(const State& state, const PlanOptions& opt) {
    auto p = std::unique_ptr<Plan>(new Plan());
    p->state_ = state;
    p->info_ = net_info(state);
    // The budget first, from the shape arithmetic alone, before allocating anything.
    if (auto st = check_run_budget(state, p->info_, opt.max_bytes); !st) return st;
    if (auto st = check_fresh_memory(state, p->info_, 0, true); !st) return st;
    p->input_ = Tensor(p->info_.input);
    if (auto st = p->plan_from(0, opt); !st) return st;
    return p;
}

Status Plan::plan_from(int first, const PlanOptions& opt) {
    steps_.resize(size_t(std::min<int>(first, int(steps_.size()))));
    for (size_t i = steps_.size(); i < state_.net.size(); ++i) {
        const LayerInfo& info = info_.layers[i];
        if (!info.status.ok) break;
        Step s;
        const Layer& L = state_.net[i];
        if (L.has_weights()) s.weights = make_weights(L, info, layer_seed(state_, static_cast<int>(i)));
        KernelRequest req;
        req.layer = &L;
        req.info = &info;
        req.weight = s.weights.weight.data.empty() ? nullptr : s.weights.weight.ptr();
        req.bias = s.weights.bias.data.empty() ? nullptr : s.weights.bias.ptr();
        req.reference_only = opt.reference_only;
        s.kernel = select_kernel(req);
        steps_.push_back(std::move(s));
    }
    // Kernels are chosen (weights made and packed, within the checked budget); outputs and
    // scratch are allocated only if their exact sizes stay within it too.
    size_t scratch = 0;
    int64_t bytes = input_.numel() * 4;
    for (size_t i = 0; i < steps_.size(); ++i) {
        const Step& s = steps_[i];
        scratch = std::max(scratch, s.kernel->scratch_floats());
        bytes = sat_add(bytes, sat_add(static_cast<int64_t>(s.kernel->packed_bytes()),
                                       sat_mul(sat_count(info_.layers[i].out), 4) +
                                           (s.weights.weight.numel() + s.weights.bias.numel()) * 4));
    }
    bytes = sat_add(bytes, sat_mul(static_cast<int64_t>(scratch), 4));
    if (bytes > opt.max_bytes) {
        steps_.clear();
        return Status::error("this stack needs " + bytes_text(bytes) + " (at most " + bytes_text(opt.max_bytes) + ")");
    }
    for (size_t i = 0; i < steps_.size(); ++i)
        if (steps_[i].out.shape != info_.layers[i].out) steps_[i].out = Tensor(info_.layers[i].out);
    scratch_.resize(scratch);
    bytes_ = bytes;
    return {};
}

Result<int> Plan::update(const State& next, const PlanOptions& opt) {
    NetInfo info = net_info(next);
    if (auto st = check_run_budget(next, info, opt.max_bytes); !st) return st;
    int first = 0;
    const bool same_input = info.input == info_.input && next.image == state_.image && next.seed == state_.seed;
    if (same_input) {
        // Layer i may be kept when it and everything before it are unchanged; a rand layer's
        // default seed depends on its index and the state's seed, both compared here.
        const int keep = std::min<int>(runnable(), int(next.net.size()));
        while (first < keep && next.net[size_t(first)] == state_.net[size_t(first)]) ++first;
    }
    if (auto st = check_fresh_memory(next, info, first, !same_input); !st) return st;
    if (!same_input) input_ = Tensor(info.input);
    state_ = next;
    info_ = std::move(info);
    if (auto st = plan_from(first, opt); !st) return st;
    return first;
}

int64_t Plan::layer_bytes(int i) const {
    const Step& s = steps_[size_t(i)];
    return s.out.numel() * 4 + (s.weights.weight.numel() + s.weights.bias.numel()) * 4 +
           static_cast<int64_t>(s.kernel->packed_bytes() + s.kernel->scratch_floats() * 4);
}

double Plan::run_one(int i) {
    Step& s = steps_[size_t(i)];
    const Tensor& in = i == 0 ? input_ : steps_[size_t(i - 1)].out;
    const auto t0 = std::chrono::steady_clock::now();
    s.kernel->run(in.ptr(), s.out.ptr(), scratch_.data());
    s.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return s.ms;
}

double Plan::run(int from) {
    double total = 0;
    for (int i = std::max(0, from); i < runnable(); ++i) total += run_one(i);
    return total;
}

}  // namespace cp
