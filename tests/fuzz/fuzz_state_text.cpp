// Fuzz target: the state text parser and printer, on any bytes.
// Properties: parsing never crashes and a refusal always says something; for text that parses,
// print is canonical and lossless: parse(print(s)) == s and print(parse(print(s))) == print(s).
// The parsed state then goes through the shape table, the solver and explain, as the page does.
#include <cstddef>
#include <cstdint>

#include "core/codec.hpp"
#include "core/explain.hpp"
#include "core/report.hpp"
#include "core/solver.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cp::fuzz;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto s = cp::parse_state(text);
    if (!s) {
        require(!s.status().message.empty(), "a refused state has no message", text);
        return 0;
    }
    const std::string printed = cp::print_state(*s);
    auto back = cp::parse_state(printed);
    require(back.ok(), "the printed state does not parse", printed + "\n" + back.status().message);
    require(*back == *s, "parse(print(s)) != s", printed);
    require(cp::print_state(*back) == printed, "print is not canonical", printed);

    const cp::NetInfo info = cp::net_info(*s);
    require(info.layers.size() == s->net.size(), "net_info lost layers", printed);
    const std::string json = cp::shapes_json(*s, info, cp::solve_net(*s));
    require(json.size() > 2 && json.front() == '{' && json.back() == '}', "shapes_json is not an object", json);
    for (size_t i = 0; i < s->net.size(); ++i) {
        if (!info.layers[i].status.ok) break;
        auto e = cp::explain_layer(s->net[i], info.layers[i], 4096);  // small grids: keeps runs fast
        if (e) cp::explain_text(s->net[i], info.layers[i], *e);
    }
    return 0;
}
