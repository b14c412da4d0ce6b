// The state text codec: State <-> one line of text (docs/state-format.md). Used unchanged by the
// URL fragment, the CLI, the JS API and the tests. parse(print(s)) == s for every valid State.
#pragma once
#include <string>
#include <string_view>

#include "core/layer.hpp"
#include "core/limits.hpp"
#include "core/status.hpp"

namespace cp {

// The text limits (checked while parsing) are part of the one budget table, core/limits.hpp.
using CodecLimits = Limits;

// Accepts a bare state, a fragment ("#v=1&..."), or a whole share link ("http://h/#v=1&...");
// percent-encoded text is decoded first.
Result<State> parse_state(std::string_view text);
std::string print_state(const State& state);

// One layer in its text form, e.g. "conv2d(out=16,k=3,s=2,p=1)".
std::string print_layer(const Layer& layer);
Result<Layer> parse_layer(std::string_view text, int index = 0);

// Takes the state part out of a share link; returns the text unchanged when it is not a link.
std::string state_from_link(std::string_view text);

// The canonical (short) name of a layer argument, given its short or long PyTorch name
// ("stride" -> "s", "s" -> "s"); empty when no layer takes an argument of that name.
std::string canonical_arg(std::string_view name);

// %XX sequences decoded (anything else kept as it is).
std::string percent_decode(std::string_view s);

// Shortest text that reads back to the same value.
std::string format_float(float v);
std::string format_double(double v);

}  // namespace cp
