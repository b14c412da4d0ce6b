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

// The state a first visit shows (the playground, the shape page, `Default` buttons): an
// encoder-decoder whose size mismatch (256 -> 128 -> 255) is visible at once. JavaScript reads
// it through cp_default_state() (src/wasm/engine_api.cpp).
inline constexpr const char* kDefaultState =
    "v=1&in=3x256x256&img=photo&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1)";

// Accepts a bare state, a fragment ("#v=1&..."), or a whole share link ("http://h/#v=1&...");
// percent-encoded text is decoded first (state_text_of).
Result<State> parse_state(std::string_view text);
std::string print_state(const State& state);

// One layer in its text form, e.g. "conv2d(out=16,k=3,s=2,p=1)".
std::string print_layer(const Layer& layer);
Result<Layer> parse_layer(std::string_view text, int index = 0);

// Takes the state part out of a share link; returns the text unchanged when it is not a link.
std::string state_from_link(std::string_view text);
// The state text a link, fragment or bare state holds: state_from_link, then percent-decoding
// (a "%XY" that is not two hex digits stays as it is). The only text decoding of the project:
// the pages pass the raw fragment.
std::string state_text_of(std::string_view text);

// The canonical (short) name of a layer argument, given its short or long PyTorch name
// ("stride" -> "s", "s" -> "s"); empty when no layer takes an argument of that name.
std::string canonical_arg(std::string_view name);

// %XX sequences decoded (anything else kept as it is).
std::string percent_decode(std::string_view s);

// Shortest text that reads back to the same value.
std::string format_float(float v);
std::string format_double(double v);

}  // namespace cp
