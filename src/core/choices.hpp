// The small enumerations of a state and of the views, each as one table: the word the state text
// and the UI use, PyTorch's word, other accepted spellings and a one-line description. The codec,
// the UI's lists, the CLI help and docs/state-format.md (doc_tables.hpp) all read these tables;
// a row's position is its enum value. Layer types have their own registry (layer_types.hpp).
#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/layer.hpp"

namespace cp {

struct Choice {
    const char* name;         // as printed in the state text and shown in the UI
    const char* torch;        // PyTorch's spelling ("" when PyTorch has no such choice)
    const char* aliases;      // other spellings accepted, comma-separated ("" none)
    const char* description;  // one line, for the UI, the CLI help and the docs
};

// The table of enumeration E (PadKind, PadMode, UpMode, Preset, InputImage, Colormap), in enum order.
template <class E>
std::span<const Choice> choices();

template <class E>
const Choice& choice(E e) {
    return choices<E>()[static_cast<size_t>(e)];
}

template <class E>
const char* choice_name(E e) {
    return choice(e).name;
}

// The items of a comma-separated list of the tables ("a,b" -> {"a", "b"}; "" -> {}).
std::vector<std::string_view> comma_list(std::string_view list);

// Spelling rule of every word in the state text: case-insensitive, underscores ignored.
std::string fold_word(std::string_view s);

// The row whose name or alias is `word` (spelled as fold_word allows).
std::optional<size_t> find_choice(std::span<const Choice> table, std::string_view word);

template <class E>
std::optional<E> find_choice(std::string_view word) {
    auto i = find_choice(choices<E>(), word);
    if (!i) return std::nullopt;
    return static_cast<E>(*i);
}

// "a, b, c" (last_sep = ", "), "a, b or c" (last_sep = " or "), "a/b/c" (sep = last_sep = "/"):
// the names of rows [first, end) of a table.
std::string choice_names(std::span<const Choice> table, const char* sep = ", ", const char* last_sep = ", ",
                         size_t first = 0);

}  // namespace cp
