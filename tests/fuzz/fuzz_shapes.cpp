// Fuzz target: validation, shape arithmetic and the solver on generated stacks whose numbers sit
// at the state text's caps (and just inside them). Under UBSan any signed overflow in a size,
// parameter or MAC count aborts. Also holds the printer to account on values no text seed has.
#include <cstddef>
#include <cstdint>

#include "core/codec.hpp"
#include "core/report.hpp"
#include "core/solver.hpp"
#include "fuzz/gen_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cp::fuzz;
    ByteReader r(data, size);
    const cp::State s = gen_state(r, 8);
    const std::string printed = cp::print_state(s);
    auto back = cp::parse_state(printed);
    if (!back) return 0;  // outside what the text accepts (e.g. a rule the generator does not know)
    require(*back == s, "parse(print(s)) != s for a generated state", printed);

    const cp::NetInfo info = cp::net_info(s);
    require(info.layers.size() == s.net.size(), "net_info lost layers", printed);
    for (const auto& L : info.layers) {
        if (!L.status.ok) {
            require(!L.status.message.empty(), "a failing layer has no message", printed);
            continue;
        }
        for (int64_t v : L.out) require(v >= 0, "negative output size on a valid layer", printed);
        require(L.params >= 0 && L.macs >= 0, "negative params or MACs", printed);
    }
    const cp::SolveReport solve = cp::solve_net(s);
    // A fix the solver offers must be a state that parses.
    if (!solve.mismatches.empty()) {
        auto fixed = cp::parse_state(cp::print_state(solve.fixed));
        require(fixed.ok(), "the solver's fixed state does not parse", cp::print_state(solve.fixed));
    }
    cp::shapes_table(s, info, solve);
    cp::shapes_json(s, info, solve);
    return 0;
}
