// Undo / redo of the playground's states: the states shown after each ended edit, newest last,
// bounded in count and in bytes (explicit weights can make a state large). The playground
// commits after every ended edit and every state that arrives (link, host, paste, upload,
// Gallery); undo and redo hand back a state to apply through the same path as any edit. Each step
// also keeps a number naming what the state alone does not say: the playground's uploaded image
// it was made with (two uploads of one size print the same state).
#pragma once
#include <cstddef>
#include <cstdint>
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
    // `upload`: the upload the state shows (0: none).
    void commit(const State& now, uint64_t upload = 0);
    bool can_undo() const { return !past_.empty(); }
    bool can_redo() const { return !future_.empty(); }
    size_t undo_steps() const { return past_.size(); }
    size_t redo_steps() const { return future_.size(); }
    // The state before (after) the current one, which becomes current; nullopt when none.
    std::optional<State> undo();
    std::optional<State> redo();
    const State& current() const { return now_.state; }
    uint64_t current_upload() const { return now_.upload; }  // commit's `upload` of current()

private:
    struct Step {
        State state;
        uint64_t upload = 0;
    };
    void trim();
    std::deque<Step> past_, future_;
    Step now_;
    size_t max_steps_, max_bytes_;
};

// Roughly how many bytes a state holds (its explicit weights dominate).
size_t state_bytes(const State& s);

}  // namespace cp
