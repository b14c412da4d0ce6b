// Plan (see plan.hpp).
#include "engine/plan.hpp"

#include <algorithm>
#include <chrono>

namespace cp {

namespace {

// Outputs, input and weights (made, then packed) of the valid layers of `info`.
int64_t estimate_bytes(const NetInfo& info) {
    int64_t bytes = Tensor::count(info.input) * 4;
    for (const LayerInfo& L : info.layers) {
        if (!L.status.ok) break;
        bytes += Tensor::count(L.out) * 4 + 2 * L.params * 4;
    }
    return bytes;
}

Status too_big(int64_t bytes, int64_t max) {
    return Status::error("this stack needs " + std::to_string(bytes >> 20) + " MiB (at most " +
                             std::to_string(max >> 20) + " MiB here)",
                         "use a smaller input, fewer channels or fewer layers");
}

}  // namespace

Result<std::unique_ptr<Plan>> Plan::create(const State& state, const PlanOptions& opt) {
    auto p = std::unique_ptr<Plan>(new Plan());
    p->state_ = state;
    p->info_ = net_info(state);
    // Memory first, before allocating anything.
    const int64_t bytes = estimate_bytes(p->info_);
    if (bytes > opt.max_bytes) return too_big(bytes, opt.max_bytes);
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
        s.out = Tensor(info.out);
        steps_.push_back(std::move(s));
    }
    size_t scratch = 0;
    bytes_ = input_.numel() * 4;
    for (const Step& s : steps_) {
        scratch = std::max(scratch, s.kernel->scratch_floats());
        bytes_ += static_cast<int64_t>(s.kernel->packed_bytes()) + s.out.numel() * 4 +
                  (s.weights.weight.numel() + s.weights.bias.numel()) * 4;
    }
    scratch_.resize(scratch);
    bytes_ += static_cast<int64_t>(scratch) * 4;
    return {};
}

Result<int> Plan::update(const State& next, const PlanOptions& opt) {
    NetInfo info = net_info(next);
    const int64_t bytes = estimate_bytes(info);
    if (bytes > opt.max_bytes) return too_big(bytes, opt.max_bytes);
    int first = 0;
    if (info.input == info_.input && next.image == state_.image && next.seed == state_.seed) {
        // Layer i may be kept when it and everything before it are unchanged; a rand layer's
        // default seed depends on its index and the state's seed, both compared here.
        const int keep = std::min<int>(runnable(), int(next.net.size()));
        while (first < keep && next.net[size_t(first)] == state_.net[size_t(first)]) ++first;
    } else {
        input_ = Tensor(info.input);
    }
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
