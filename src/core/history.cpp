// Undo / redo of states (see history.hpp).
#include "core/history.hpp"

namespace cp {

History::History(size_t max_steps, size_t max_bytes) : max_steps_(max_steps), max_bytes_(max_bytes) {}

size_t state_bytes(const State& s) {
    size_t n = sizeof(State) + s.net.size() * sizeof(Layer);
    for (const Layer& L : s.net) n += (L.weight_values.size() + L.bias_values.size()) * sizeof(float);
    return n;
}

void History::reset(const State& now) {
    past_.clear();
    future_.clear();
    now_ = {now, 0};
}

void History::commit(const State& now, uint64_t upload) {
    if (now == now_.state && upload == now_.upload) return;
    past_.push_back(std::move(now_));
    now_ = {now, upload};
    future_.clear();
    trim();
}

std::optional<State> History::undo() {
    if (past_.empty()) return std::nullopt;
    future_.push_front(std::move(now_));
    now_ = std::move(past_.back());
    past_.pop_back();
    return now_.state;
}

std::optional<State> History::redo() {
    if (future_.empty()) return std::nullopt;
    past_.push_back(std::move(now_));
    now_ = std::move(future_.front());
    future_.pop_front();
    return now_.state;
}

// The oldest steps go first: by count, then by bytes (the current state always stays).
void History::trim() {
    while (past_.size() > max_steps_) past_.pop_front();
    size_t bytes = state_bytes(now_.state);
    for (const Step& s : past_) bytes += state_bytes(s.state);
    for (const Step& s : future_) bytes += state_bytes(s.state);
    while (bytes > max_bytes_ && !past_.empty()) {
        bytes -= state_bytes(past_.front().state);
        past_.pop_front();
    }
}

}  // namespace cp
