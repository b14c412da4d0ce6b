// convplay explain: the step-by-step recipe of one layer or all of them.
#include <cstdio>
#include <cstdlib>

#include "cli/commands.hpp"
#include "core/explain.hpp"

namespace cp::cli {

int cmd_explain(const std::vector<std::string>& argv) {
    auto args = parse_args(argv, {"layer", "max-side"}, {});
    if (!args) return fail(args.status()), 2;
    auto state = load_state(args->state_text);
    if (!state) return fail(state.status());
    const NetInfo info = net_info(*state);
    int only = -1;
    if (args->has("layer")) {
        only = std::atoi(args->get("layer").c_str()) - 1;
        if (only < 0 || only >= static_cast<int>(state->net.size()))
            return fail(Status::error("--layer " + args->get("layer") + ": the net has " +
                                      std::to_string(state->net.size()) + " layers (1 to " +
                                      std::to_string(state->net.size()) + ")"));
    }
    const int max_side = args->has("max-side") ? std::max(1, std::atoi(args->get("max-side").c_str())) : 32;
    int shown = 0;
    for (size_t i = 0; i < state->net.size(); ++i) {
        if (only >= 0 && static_cast<int>(i) != only) continue;
        const LayerInfo& L = info.layers[i];
        if (!L.status.ok) return fail(Status::error("layer " + std::to_string(i + 1) + ": " + L.status.message, L.status.hint));
        auto e = explain_layer(state->net[i], L);
        if (!e) {
            if (only >= 0) return fail(e.status());
            continue;  // activations etc. have nothing to slide
        }
        if (shown++) std::printf("\n");
        std::fputs(explain_text(state->net[i], L, *e, max_side).c_str(), stdout);
    }
    if (!shown) std::printf("no layer with a sliding window to explain\n");
    return 0;
}

}  // namespace cp::cli
