// Plan (see plan.hpp).
#include "engine/plan.hpp"

#include <algorithm>
#include <chrono>

namespace cp {

Result<std::unique_ptr<Plan>> Plan::create(const State& state, const PlanOptions& opt) {
    auto p = std::unique_ptr<Plan>(new Plan());
    p->state_ = state;
    p->info_ = net_info(state);
    // Memory first, before allocating anything: outputs, input, weights (twice: made + packed).
    int64_t bytes = Tensor::count(p->info_.input) * 4;
    for (const LayerInfo& L : p->info_.layers) {
        if (!L.status.ok) break;
        bytes += Tensor::count(L.out) * 4 + 2 * L.params * 4;
    }
    if (bytes > opt.max_bytes)
        return Status::error("this stack needs " + std::to_string(bytes >> 20) + " MiB (at most " +
                                 std::to_string(opt.max_bytes >> 20) + " MiB here)",
                             "use a smaller input, fewer channels or fewer layers");
    p->input_ = Tensor(p->info_.input);
    size_t scratch = 0;
    for (size_t i = 0; i < state.net.size(); ++i) {
        const LayerInfo& info = p->info_.layers[i];
        if (!info.status.ok) break;
        Step s;
        const Layer& L = state.net[i];
        if (L.has_weights()) s.weights = make_weights(L, info, layer_seed(state, static_cast<int>(i)));
        KernelRequest req;
        req.layer = &L;
        req.info = &info;
        req.weight = s.weights.weight.data.empty() ? nullptr : s.weights.weight.ptr();
        req.bias = s.weights.bias.data.empty() ? nullptr : s.weights.bias.ptr();
        req.reference_only = opt.reference_only;
        s.kernel = select_kernel(req);
        s.out = Tensor(info.out);
        scratch = std::max(scratch, s.kernel->scratch_floats());
        p->bytes_ += static_cast<int64_t>(s.kernel->packed_bytes()) + s.out.numel() * 4 +
                     (s.weights.weight.numel() + s.weights.bias.numel()) * 4;
        p->steps_.push_back(std::move(s));
    }
    p->scratch_.resize(scratch);
    p->bytes_ += p->input_.numel() * 4 + static_cast<int64_t>(scratch) * 4;
    return p;
}

double Plan::run(int from) {
    double total = 0;
    for (int i = std::max(0, from); i < runnable(); ++i) {
        Step& s = steps_[size_t(i)];
        const Tensor& in = i == 0 ? input_ : steps_[size_t(i - 1)].out;
        const auto t0 = std::chrono::steady_clock::now();
        s.kernel->run(in.ptr(), s.out.ptr(), scratch_.data());
        s.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        total += s.ms;
    }
    return total;
}

}  // namespace cp
