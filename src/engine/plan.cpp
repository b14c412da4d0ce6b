// Plan (see plan.hpp).
#include "engine/plan.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <utility>

#include "core/limits.hpp"
#include "engine/memory.hpp"
#include "engine/ranges.hpp"

namespace cp {

namespace {

// What planning `state` from layer `first` on allocates at most: those layers' outputs and
// weights, the largest scratch for every thread, and the input when it is made anew. Asked of the
// allocator before anything changes (engine/memory.hpp), so running out leaves the plan as it was.
Status check_fresh_memory(const State& state, const NetInfo& info, int first, bool new_input, int threads) {
    int64_t bytes = new_input ? sat_mul(sat_count(info.input), 4) : 0;
    for (size_t i = size_t(first); i < info.layers.size() && i < state.net.size(); ++i) {
        if (!info.layers[i].status.ok) break;
        bytes = sat_add(bytes, layer_kept_bytes(state.net[i], info.layers[i]));
    }
    return check_memory(sat_add(bytes, run_scratch_bytes(state, info, first, threads)), "this stack");
}

// The threads a plan with these options runs on.
int plan_threads(const PlanOptions& opt) { return opt.pool ? opt.pool->threads() : usable_threads(opt.threads); }

}  // namespace

Result<std::unique_ptr<Plan>> Plan::create(const State& state, const PlanOptions& opt) {
    auto p = std::unique_ptr<Plan>(new Plan());
    p->state_ = state;
    p->info_ = net_info(state);
    // The budget first, from the shape arithmetic alone, before allocating anything.
    if (auto st = check_run_budget(state, p->info_, opt.max_bytes, plan_threads(opt)); !st) return st;
    if (auto st = check_fresh_memory(state, p->info_, 0, true, plan_threads(opt)); !st) return st;
    p->input_ = Tensor(p->info_.input);
    p->reference_only_ = opt.reference_only;
    if (auto st = p->plan_from(0, opt); !st) return st;
    return p;
}

Status Plan::plan_from(int first, const PlanOptions& opt, const State* prev_state, const NetInfo* prev_info,
                       std::vector<Step> prev) {
    steps_.resize(size_t(std::min<int>(first, int(steps_.size()))));
    for (size_t i = steps_.size(); i < state_.net.size(); ++i) {
        const LayerInfo& info = info_.layers[i];
        if (!info.status.ok) break;
        const Layer& L = state_.net[i];
        const uint32_t seed = layer_seed(state_, static_cast<int>(i));
        // The step this layer had before the edit (same position), if any.
        Step* old = prev_state && i >= size_t(first) && i - size_t(first) < prev.size() ? &prev[i - size_t(first)] : nullptr;
        const Layer* old_L = old ? &prev_state->net[i] : nullptr;
        const LayerInfo* old_info = old ? &prev_info->layers[i] : nullptr;
        const uint32_t old_seed = old ? layer_seed(*prev_state, static_cast<int>(i)) : 0;
        if (old && *old_L == L && old_info->in == info.in && old_seed == seed && opt.reference_only == reference_only_) {
            // Downstream of the change but unchanged itself: the same kernel, weights and buffer
            // (its values are computed again from its new input).
            ++stats_.layers_kept;
            steps_.push_back(std::move(*old));
            continue;
        }
        Step s;
        if (L.has_weights()) {
            if (old && old_L->has_weights() && same_weights(*old_L, *old_info, old_seed, L, info, seed)) {
                s.weights = std::move(old->weights);
                ++stats_.weights_kept;
            } else {
                s.weights = make_weights(L, info, seed);
                ++stats_.weights_made;
            }
        }
        KernelRequest req;
        req.layer = &L;
        req.info = &info;
        req.weight = s.weights.weight.data.empty() ? nullptr : s.weights.weight.ptr();
        req.bias = s.weights.bias.data.empty() ? nullptr : s.weights.bias.ptr();
        req.reference_only = opt.reference_only;
        s.kernel = select_kernel(req);
        ++stats_.kernels_made;
        if (old) s.out = std::move(old->out);  // reused below when it still fits
        steps_.push_back(std::move(s));
    }
    reference_only_ = opt.reference_only;
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
    const int threads = plan_threads(opt);
    scratch *= size_t(threads);
    bytes = sat_add(bytes, sat_mul(static_cast<int64_t>(scratch), 4));
    if (bytes > opt.max_bytes) {
        steps_.clear();
        return Status::error("this stack needs " + bytes_text(bytes) + threads_text(threads) + " (at most " + bytes_text(opt.max_bytes) + ")");
    }
    for (size_t i = size_t(first); i < steps_.size(); ++i) {
        Tensor& out = steps_[i].out;
        const Dims& shape = info_.layers[i].out;
        if (out.shape == shape) continue;
        const size_t n = static_cast<size_t>(Tensor::count(shape));
        // A buffer from before the edit that still fits is kept (not one more than twice the
        // size: memory never goes back to the system, and a big layer made small should not
        // hold on to it).
        if (n <= out.data.capacity() && out.data.capacity() <= 2 * n) {
            out.shape = shape;
            out.data.resize(n);
            ++stats_.outputs_kept;
        } else {
            out = Tensor(shape);
            ++stats_.outputs_made;
        }
    }
    scratch_.resize(scratch, opt.scratch_fill);
    if (opt.pool || threads == 1) own_pool_.reset();
    else if (!own_pool_ || own_pool_->threads() != threads) own_pool_ = std::make_unique<ThreadPool>(threads);
    pool_ = opt.pool ? opt.pool : own_pool_.get();
    bytes_ = bytes;
    return {};
}

Result<int> Plan::update(const State& next, const PlanOptions& opt) {
    NetInfo info = net_info(next);
    if (auto st = check_run_budget(next, info, opt.max_bytes, plan_threads(opt)); !st) return st;
    const int first = first_change(state_, info_, next, info, runnable());
    if (auto st = check_fresh_memory(next, info, first, info.input != info_.input, plan_threads(opt)); !st) return st;
    if (info.input != info_.input) input_ = Tensor(info.input);
    // The steps from `first` on are offered to the new plan for reuse.
    std::vector<Step> prev(std::make_move_iterator(steps_.begin() + std::min<int>(first, runnable())),
                           std::make_move_iterator(steps_.end()));
    steps_.resize(size_t(std::min<int>(first, runnable())));
    State prev_state = std::exchange(state_, next);
    NetInfo prev_info = std::exchange(info_, std::move(info));
    if (auto st = plan_from(first, opt, &prev_state, &prev_info, std::move(prev)); !st) return st;
    return first;
}

int Plan::first_change(const State& prev, const NetInfo& prev_info, const State& next, const NetInfo& next_info,
                       int runnable) {
    if (next_info.input != prev_info.input || next.image != prev.image || next.seed != prev.seed) return 0;
    // Layer i may be kept when it and everything before it are unchanged; a rand layer's
    // default seed depends on its index and the state's seed, both compared here.
    const int keep = std::min<int>(runnable, int(next.net.size()));
    int first = 0;
    while (first < keep && next.net[size_t(first)] == prev.net[size_t(first)]) ++first;
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
    s.ranges.clear();
    s.serial = ++run_serial_;
    run_kernel(*s.kernel, in.ptr(), s.out.ptr(), scratch_.data(), pool_);
    s.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return s.ms;
}

const std::vector<float>& Plan::output_ranges(int i) {
    Step& s = steps_[size_t(i)];
    if (!s.ranges.empty()) return s.ranges;
    const Step* in = i > 0 ? &steps_[size_t(i - 1)] : nullptr;
    if (state_.net[size_t(i)].op == Op::ReLU && in && !in->ranges.empty() && in->serial != 0 && in->serial < s.serial) {
        // relu of the input's range ends: plane_ranges skips NaN, which relu keeps as NaN (as
        // torch.relu), so the non-NaN values of the output are the relu of the input's.
        s.ranges.resize(in->ranges.size());
        std::transform(in->ranges.begin(), in->ranges.end(), s.ranges.begin(), [](float v) { return 0.0f < v || v != v ? v : 0.0f; });
    } else {
        s.ranges = plane_ranges(s.out, pool_);
    }
    return s.ranges;
}

double Plan::run(int from) {
    double total = 0;
    for (int i = std::max(0, from); i < runnable(); ++i) total += run_one(i);
    return total;
}

}  // namespace cp
