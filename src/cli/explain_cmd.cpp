// convplay explain: the step-by-step recipe of one layer or all of them; with --rf, the
// receptive field of chosen output cells across the stack (--reach: where input cells go).
#include <cstdio>
#include <cstdlib>

#include "cli/commands.hpp"
#include "core/explain.hpp"
#include "core/padding_note.hpp"
#include "core/receptive_field.hpp"

namespace cp::cli {

namespace {

// "7" or "3..9" -> [first, last]; false when it is neither.
bool parse_span(const std::string& t, int64_t& first, int64_t& last) {
    const size_t dots = t.find("..");
    auto num = [](const std::string& s, int64_t& v) {
        if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
        v = std::atoll(s.c_str());
        return true;
    };
    if (dots == std::string::npos) return num(t, first) && num(t, last);
    return num(t.substr(0, dots), first) && num(t.substr(dots + 2), last);
}

// --rf / --reach: --layer N (1-based, 0 = the input; default: the last layer for --rf, the input
// for --reach), --at Y,X (spans allowed; 1-d: one span; default the map's centre cell),
// --channels C or C0..C1 (default every channel).
int receptive_field_cmd(const Args& args, const State& state, const NetInfo& info, bool forward) {
    const int layers = static_cast<int>(state.net.size());
    int map = forward ? -1 : layers - 1;
    if (args.has("layer")) {
        const std::string t = args.get("layer");
        int64_t v = -1, v2 = -1;
        if (!parse_span(t, v, v2) || v != v2 || v > layers)
            return fail(Status::error("--layer " + t + ": the maps are 0 (the input) to " + std::to_string(layers)));
        map = static_cast<int>(v) - 1;
    }
    if (!forward && layers == 0) return fail(Status::error("--rf: the state has no layers to trace back through"));
    if (!forward && map < 0) return fail(Status::error("--rf traces back from a layer's output: --layer 1 to " + std::to_string(layers)));
    const Dims& d = map < 0 ? info.input : info.layers[size_t(map)].out;
    if (map >= 0 && (!info.ok() && map >= info.first_error))
        return fail(Status::error("layer " + std::to_string(map + 1) + " is not computed: " +
                                  info.layers[size_t(info.first_error)].status.message));
    const int axes = static_cast<int>(d.size()) - 2;
    RfQuery q;
    q.map = map;
    for (int a = 0; a < axes; ++a) q.first[size_t(a)] = q.last[size_t(a)] = d[size_t(2 + a)] / 2;
    if (args.has("at")) {
        const std::string t = args.get("at");
        const size_t comma = t.find(',');
        const int given = comma == std::string::npos ? 1 : 2;
        bool ok = given == axes;
        for (int a = 0; ok && a < axes; ++a) {
            const std::string part = axes == 1 ? t : a == 0 ? t.substr(0, comma) : t.substr(comma + 1);
            ok = parse_span(part, q.first[size_t(a)], q.last[size_t(a)]);
        }
        if (!ok)
            return fail(Status::error("--at " + t + ": give " + (axes == 1 ? std::string("a cell or a span, as 5 or 3..7") :
                                                                            std::string("row,column (spans allowed), as 4,7 or 2..5,7"))));
    }
    if (args.has("channels")) {
        const std::string t = args.get("channels");
        if (!parse_span(t, q.c_first, q.c_last)) return fail(Status::error("--channels " + t + ": give a channel or a span, as 2 or 0..3"));
    }
    auto rf = forward ? reach(state, info, q) : receptive_field(state, info, q);
    if (!rf) return fail(rf.status());
    for (const std::string& line : rf_text(state, info, *rf)) std::printf("%s\n", line.c_str());
    return 0;
}

}  // namespace

int cmd_explain(const std::vector<std::string>& argv) {
    auto args = parse_args(argv, {"layer", "max-side", "at", "channels"}, {"rf", "reach"});
    if (!args) return fail(args.status()), 2;
    auto state = load_state(args->state_text);
    if (!state) return fail(state.status());
    const NetInfo info = net_info(*state);
    if (args->has("rf") || args->has("reach")) return receptive_field_cmd(*args, *state, info, args->has("reach"));
    if (args->has("at") || args->has("channels")) return fail(Status::error("--at and --channels go with --rf or --reach")), 2;
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
        for (const std::string& line : same_padding_note(state->net[i], L)) std::printf("  %s\n", line.c_str());
    }
    if (!shown) std::printf("no layer with a sliding window to explain\n");
    return 0;
}

}  // namespace cp::cli
