// Reports of a planned stack: the per-layer table as text (CLI) and as JSON (CLI --json, JS API).
#pragma once
#include <string>

#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "core/solver.hpp"

namespace cp {

std::string shapes_table(const State& state, const NetInfo& info, const SolveReport& solve);
std::string shapes_json(const State& state, const NetInfo& info, const SolveReport& solve);
// The table as Markdown: one row per layer (shapes, parameters, MACs, notes or the error), then
// the encoder-decoder mismatches.
std::string shapes_markdown(const State& state, const NetInfo& info, const SolveReport& solve);
// {"ok":false,"error":...} for a state that does not parse.
std::string error_json(const Status& st);
// The first failing layer's error, named as a person reads it: "layer 2 (conv2d(out=4,k=9)): ...".
// Success when the stack has no error.
Status first_error_status(const State& state, const NetInfo& info);

}  // namespace cp
