// convplay shapes / solve / canon: everything that needs no tensors.
#include <cstdio>

#include "cli/commands.hpp"
#include "core/codec.hpp"
#include "core/report.hpp"
#include "core/solver.hpp"

namespace cp::cli {

int cmd_shapes(const std::vector<std::string>& argv) {
    auto args = parse_args(argv, {}, {"json", "markdown"});
    if (!args) return fail(args.status()), 2;
    auto state = load_state(args->state_text);
    if (!state) {
        if (args->has("json")) std::printf("%s\n", error_json(state.status()).c_str());
        return fail(state.status());
    }
    const NetInfo info = net_info(*state);
    const SolveReport solve = solve_net(*state);
    if (args->has("json")) std::printf("%s\n", shapes_json(*state, info, solve).c_str());
    else if (args->has("markdown")) std::fputs(shapes_markdown(*state, info, solve).c_str(), stdout);
    else std::fputs(shapes_table(*state, info, solve).c_str(), stdout);
    return info.ok() ? 0 : 1;
}

int cmd_solve(const std::vector<std::string>& argv) {
    auto args = parse_args(argv, {}, {"json"});
    if (!args) return fail(args.status()), 2;
    auto state = load_state(args->state_text);
    if (!state) return fail(state.status());
    const NetInfo info = net_info(*state);
    if (!info.ok()) return fail(info.layers[size_t(info.first_error)].status);
    const SolveReport r = solve_net(*state);
    if (args->has("json")) {
        std::printf("%s\n", shapes_json(*state, info, r).c_str());
        return 0;
    }
    if (r.mismatches.empty()) {
        std::printf("every decoder layer restores the size its encoder layer took (or there is none to pair)\n");
        return 0;
    }
    for (const auto& m : r.mismatches) std::printf("%s\n", m.message.c_str());
    if (r.all_fixed) std::printf("\nfixed: %s\n", print_state(r.fixed).c_str());
    return 0;
}

int cmd_canon(const std::vector<std::string>& argv) {
    auto args = parse_args(argv, {}, {});
    if (!args) return fail(args.status()), 2;
    auto state = load_state(args->state_text);
    if (!state) return fail(state.status());
    std::printf("%s\n", print_state(*state).c_str());
    return 0;
}

}  // namespace cp::cli
