// The layer-type registry and the other word lists of the state text: one row per layer type
// (names, PyTorch class, arguments, what "+ add" starts it with, a description), one row per
// layer argument and one per top-level key. The codec parses and names from these rows, the UI
// lists them, the CLI help prints them and docs/state-format.md's tables are checked against them
// (doc_tables.hpp). Adding a layer type: docs/architecture.md, "Checklist: a new layer type".
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/layer.hpp"

namespace cp {

struct LayerType {
    Op op;
    // Text names for a 1-d and a 2-d layer; the same word twice when the layer takes any rank
    // (it then parses with dims = 0).
    const char* name[2];
    const char* torch[2];    // PyTorch's class for 1-d and 2-d
    const char* aliases[2];  // one more accepted name each ("" none); names, torch classes and
                             // aliases are matched ignoring case and underscores
    const char* args;        // the argument keys it takes, in printing order, comma-separated
    const char* new_args;    // what the UI's "+ add" starts a new layer with, e.g. "out=8,k=3,p=1"
    const char* description; // one line

    bool any_rank() const { return std::string_view(name[0]) == name[1]; }
    const char* name_for(int dims) const { return name[dims == 1 ? 0 : 1]; }
    std::vector<std::string> arg_keys() const;
};

// Every layer type, in Op order (row i is Op(i)).
std::span<const LayerType> layer_types();
const LayerType& layer_type(Op op);

// The (op, dims) a layer name stands for (dims 0: any rank), by name, PyTorch class or alias.
struct LayerName {
    Op op;
    int dims;
};
std::optional<LayerName> find_layer_type(std::string_view name);
// "conv1d, conv2d, convT1d, ..., tanh": every name, for messages.
std::string layer_type_names();

// A layer or top-level argument of the state text.
struct ArgSpec {
    const char* key;          // canonical short key, as printed
    const char* torch;        // PyTorch's argument name ("" when it has none); accepted as a key
    const char* aliases;      // other accepted keys, comma-separated ("" none)
    const char* description;  // one line: meaning, values and default
};
std::span<const ArgSpec> layer_args();
std::span<const ArgSpec> state_keys();  // top level, in printing order
// The canonical key of a layer argument or top-level key spelled `key` (lower case), or `key`.
std::string canonical_arg(std::span<const ArgSpec> table, std::string_view key);

}  // namespace cp
