// Markdown for docs/state-format.md from the registry and the choice tables (see doc_tables.hpp).
#include "core/doc_tables.hpp"

#include "core/choices.hpp"
#include "core/layer_types.hpp"

namespace cp {

namespace {

std::string code(std::string_view s) { return s.empty() ? std::string() : "`" + std::string(s) + "`"; }

// "a,b" -> "`a`, `b`"
std::string code_list(std::string_view list) {
    std::string out;
    for (std::string_view item : comma_list(list)) {
        if (!out.empty()) out += ", ";
        out += code(item);
    }
    return out;
}

// A table cell: '|' would end the cell.
std::string cell(std::string_view s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

std::string row(const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const auto& c : cells) out += " " + cell(c) + " |";
    return out + "\n";
}

std::string header(const std::vector<std::string>& titles) {
    std::string out = row(titles) + "|";
    for (size_t i = 0; i < titles.size(); ++i) out += "---|";
    return out + "\n";
}

// The PyTorch column only when some row has a PyTorch name.
std::string args_table(std::span<const ArgSpec> args, const char* first) {
    bool torch = false;
    for (const ArgSpec& a : args) torch |= *a.torch != 0;
    std::string out = torch ? header({first, "PyTorch", "also", "meaning"}) : header({first, "also", "meaning"});
    for (const ArgSpec& a : args)
        out += torch ? row({code(a.key), code(a.torch), code_list(a.aliases), a.description})
                     : row({code(a.key), code_list(a.aliases), a.description});
    return out;
}

// A choice table from row `from` on; the PyTorch column only when some row has a PyTorch word.
std::string choice_table(std::span<const Choice> table, const char* key, size_t from = 0) {
    bool torch = false;
    for (size_t i = from; i < table.size(); ++i) torch |= *table[i].torch != 0;
    std::string out = torch ? header({key, "PyTorch", "meaning"}) : header({key, "meaning"});
    for (size_t i = from; i < table.size(); ++i) {
        const Choice& c = table[i];
        out += torch ? row({code(c.name), code(c.torch), c.description}) : row({code(c.name), c.description});
    }
    return out;
}

std::string layers_table() {
    std::string out = header({"layer", "PyTorch", "also", "arguments", "what it computes"});
    for (const LayerType& t : layer_types()) {
        const int n = t.any_rank() ? 1 : 2;
        std::string names, torch, aliases;
        for (int d = 0; d < n; ++d) {
            names += (d ? ", " : "") + code(t.name[d]);
            torch += (d ? ", " : "") + code(t.torch[d]);
            if (*t.aliases[d]) aliases += (aliases.empty() ? "" : ", ") + code(t.aliases[d]);
        }
        out += row({names, torch, aliases, *t.args ? code_list(t.args) : "none", t.description});
    }
    return out;
}

}  // namespace

std::vector<DocTable> doc_tables() {
    return {
        {"keys", args_table(state_keys(), "key")},
        {"layers", layers_table()},
        {"args", args_table(layer_args(), "arg")},
        {"padding", choice_table(choices<PadKind>(), "`p`", size_t(PadKind::Same))},
        {"padding-modes", choice_table(choices<PadMode>(), "`pm`")},
        {"upsample-modes", choice_table(choices<UpMode>(), "`mode`")},
        {"presets", choice_table(choices<Preset>(), "`w`")},
        {"images", choice_table(choices<InputImage>(), "`img`")},
    };
}

}  // namespace cp
