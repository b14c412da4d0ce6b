// The playground's query flags (`index.html?embed=1&panels=explain&layer=2&lock=s,p&hide=upload
// &id=fig1&origin=https://a.example`; the fragment stays the state text). Parsed here, in core,
// so the native tests and the fuzzer reach it; the page hands location.search to the app.
// Bad or unknown flags are dropped, each with one warning for the console: never an error.
// The full contract (and the host messages) is docs/embed.md.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/layer.hpp"

namespace cp {

// The panels an embed can show, in the order of Panel's values.
enum class Panel { Layers, Shapes, Outputs, Map, Explain };
inline constexpr const char* kPanelNames[] = {"layers", "shapes", "outputs", "map", "explain"};
inline constexpr int kPanelCount = 5;
const char* panel_name(Panel p);

// UI parts `hide=` can remove besides parameters.
inline constexpr const char* kUiParts[] = {"upload", "share", "weights", "add"};

struct EmbedLimits {
    static constexpr size_t max_query = 8192;  // longer queries are ignored as a whole
    static constexpr size_t max_id = 64;
    static constexpr size_t max_origins = 16;
    static constexpr size_t max_list = 64;     // items in one comma list
    static constexpr int max_layer = 64;       // CodecLimits::max_layers (static_assert in .cpp)
};

struct EmbedFlags {
    bool embed = false;
    std::vector<Panel> panels;       // tab order; empty: the default for the mode
    std::optional<int> layer;        // 1-based; 0 = the input
    bool lock_all = false;
    std::set<std::string> lock;      // canonical argument names (`s`, `p`, ...) or input keys
    std::set<std::string> hide;      // canonical argument names, input keys, UI parts
    std::string id;                  // echoed in every message to the host
    std::vector<std::string> origins;  // hosts allowed to send messages (empty: any)
    std::vector<std::string> warnings; // one per ignored flag, for console.warn

    // The panels to show: the given ones, else embed mode's default (layers, outputs, map).
    std::vector<Panel> shown_panels() const;
    bool locked(std::string_view name) const { return lock_all || lock.count(std::string(name)) > 0; }
    bool hidden(std::string_view name) const { return hide.count(std::string(name)) > 0; }
    bool any_lock() const { return lock_all || !lock.empty(); }
};

// The first name locked by `flags` whose value differs between two states, "" when none ("all"
// under lock=all). Every edit goes through this, whatever widget or typed text it came from.
// Adding, removing or moving layers is refused only under lock=all.
std::string locked_change(const EmbedFlags& flags, const State& before, const State& after);

// `query` is location.search, with or without the leading '?'.
EmbedFlags parse_embed_flags(std::string_view query);

// The query (with '?', empty when there is nothing to say) that reads back to these flags
// (warnings aside). Used for "Copy embed code" and the "Open in convplay" link.
std::string print_embed_flags(const EmbedFlags& flags);

// The two snippets "Copy embed code" writes for `page_url` (the page without query and fragment):
// an <iframe> of the playground, and the <div data-convplay> form read by embed.js.
std::string embed_iframe_snippet(const std::string& page_url, const EmbedFlags& flags, const std::string& state,
                                 int width, int height);
std::string embed_div_snippet(const std::string& page_url, const EmbedFlags& flags, const std::string& state);

}  // namespace cp
