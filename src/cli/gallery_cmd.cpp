// convplay gallery: the classic cases and the odd-size examples (core/gallery), each with its
// shapes; --states prints only the states (one a line), --json the list as JSON.
#include <cstdio>

#include "cli/commands.hpp"
#include "core/codec.hpp"
#include "core/gallery.hpp"
#include "core/shapes.hpp"

namespace cp::cli {

int cmd_gallery(const std::vector<std::string>& args) {
    bool json = false, states = false;
    for (const std::string& a : args) {
        if (a == "--json") json = true;
        else if (a == "--states") states = true;
        else return fail(Status::error("gallery: unknown argument '" + a + "' (it takes --json or --states)")), 2;
    }
    if (json) {
        std::printf("%s\n", gallery_json().c_str());
        return 0;
    }
    std::string group;
    for (const GalleryEntry& g : gallery()) {
        if (states) {
            std::printf("%s\n", g.state.c_str());
            continue;
        }
        if (g.group != group) std::printf("%s%s\n", group.empty() ? "" : "\n", (group = g.group).c_str());
        // The sizes along the stack, as the engine computes them.
        std::string sizes;
        auto st = parse_state(g.state);
        if (st) {
            const NetInfo info = net_info(*st);
            sizes = shape_text(Dims(info.input.begin() + 1, info.input.end()));
            for (const LayerInfo& L : info.layers)
                sizes += " -> " + (L.status.ok ? shape_text(Dims(L.out.begin() + 1, L.out.end())) : "error: " + L.status.message);
        }
        std::printf("  %-26s %s\n  %-26s %s\n  %-26s %s\n  %-26s %s\n", g.id.c_str(), g.title.c_str(), "", sizes.c_str(), "",
                    g.note.c_str(), "", g.state.c_str());
    }
    return 0;
}

}  // namespace cp::cli
