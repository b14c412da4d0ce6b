// Undo / redo of the playground's states: the states shown after each ended edit, newest last,
// bounded in count and in bytes (explicit weights can make a state large). The playground
// commits after every ended edit and every state that arrives (link, host, paste, upload,
// Gallery); undo and redo hand back a state to apply through the same path as any edit.
#pragma once
#include <cstddef>
#include <deque>
#include <optional>

#include "core/layer.hpp"

namespace cp {

class History {
public:
    explicit History(size_t max_steps = 100, size_t max_bytes = size_t(32) << 20);
    // Forgets everything; `now` is the state shown.
    void reset(const State& now);
    // The state shown after an edit ended: a new step unless it is the one already current
    // (undo and redo commit what they return: no step). A new step drops the redo steps.
    void commit(const State& now);
    bool can_undo() const { return !past_.empty(); }
    bool can_redo() const { return !future_.empty(); }
    size_t undo_steps() const { return past_.size(); }
    size_t redo_steps() const { return future_.size(); }
    // The state before (after) the current one, which becomes current; nullopt when none.
    std::optional<State> undo();
    std::optional<State> redo();
    const State& current() const { return now_; }

private:
    void trim();
    std::deque<State> past_, future_;
    State now_;
    size_t max_steps_, max_bytes_;
};

// Roughly how many bytes a state holds (its explicit weights dominate).
size_t state_bytes(const State& s);

}  // namespace cp
