// The playground's query flags (see embed_flags.hpp and docs/embed.md).
#include "core/embed_flags.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/codec.hpp"

namespace cp {

static_assert(EmbedLimits::max_layer == int(CodecLimits::max_layers));

namespace {

// Keys of the state's input section that lock= / hide= also take (the Input part of the
// Layers panel): size and channels, batch, image, seed.
constexpr const char* kInputKeys[] = {"in", "n", "img", "seed"};

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t b = 0;
    for (;;) {
        const size_t e = s.find(sep, b);
        out.emplace_back(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
        if (e == std::string_view::npos) break;
        b = e + 1;
    }
    return out;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

bool printable(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

// What shows in a warning: the value, cut and with control characters replaced.
std::string shown(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 40)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    return s.size() > 40 ? out + "..." : out;
}

// A parameter name as lock= / hide= take it: a layer argument (short or long PyTorch name) or an
// input key; canonical short form, or empty.
std::string param_name(std::string_view name) {
    for (const char* k : kInputKeys)
        if (name == k) return k;
    if (name == "batch") return "n";
    return canonical_arg(name);
}

bool is_ui_part(std::string_view name) {
    return std::any_of(std::begin(kUiParts), std::end(kUiParts), [&](const char* p) { return name == p; });
}

// scheme://host[:port], nothing after: what a MessageEvent's origin looks like.
bool valid_origin(std::string_view o) {
    const size_t colon = o.find("://");
    if (colon == std::string_view::npos || colon == 0) return false;
    for (char c : o.substr(0, colon))
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
    const std::string_view rest = o.substr(colon + 3);
    if (rest.empty()) return false;
    for (char c : rest)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
            return false;
    return true;
}

void parse_list(const std::string& flag, const std::string& value, EmbedFlags& f) {
    std::vector<std::string> items = split(value, ',');
    if (items.size() > EmbedLimits::max_list) {
        f.warnings.push_back(flag + "=: more than " + std::to_string(EmbedLimits::max_list) + " items; ignored");
        return;
    }
    for (const std::string& raw : items) {
        if (raw.empty()) continue;
        if (flag == "panels") {
            const auto* it = std::find_if(std::begin(kPanelNames), std::end(kPanelNames), [&](const char* n) { return raw == n; });
            if (it == std::end(kPanelNames)) {
                f.warnings.push_back("panels=: unknown panel '" + shown(raw) + "' (takes " +
                                     join(std::vector<std::string>(std::begin(kPanelNames), std::end(kPanelNames)), ", ") +
                                     "); ignored");
                continue;
            }
            const Panel p = Panel(it - std::begin(kPanelNames));
            if (std::find(f.panels.begin(), f.panels.end(), p) == f.panels.end()) f.panels.push_back(p);
        } else if (flag == "lock") {
            if (raw == "all") {
                f.lock_all = true;
                continue;
            }
            const std::string n = param_name(raw);
            if (n.empty()) f.warnings.push_back("lock=: unknown parameter '" + shown(raw) + "'; ignored");
            else f.lock.insert(n);
        } else {  // hide
            if (is_ui_part(raw)) {
                f.hide.insert(raw);
                continue;
            }
            const std::string n = param_name(raw);
            if (n.empty()) f.warnings.push_back("hide=: unknown parameter or part '" + shown(raw) + "'; ignored");
            else f.hide.insert(n);
        }
    }
}

// A layer's arguments as its text form prints them (defaults left out, so a default and a
// non-default value differ), keyed by canonical name.
std::map<std::string, std::string> printed_args(const Layer& L) {
    std::map<std::string, std::string> args;
    const std::string t = print_layer(L);
    const size_t open = t.find('(');
    if (open == std::string::npos || t.back() != ')') return args;
    for (const std::string& item : split(std::string_view(t).substr(open + 1, t.size() - open - 2), ',')) {
        const size_t eq = item.find('=');
        if (eq != std::string::npos) args[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return args;
}

}  // namespace

std::string locked_change(const EmbedFlags& f, const State& a, const State& b) {
    if (f.lock_all) return a == b ? "" : "all";
    if (f.lock.empty()) return "";
    if (f.locked("in") && a.in_shape != b.in_shape) return "in";
    if (f.locked("n") && a.batch != b.batch) return "n";
    if (f.locked("img") && a.image != b.image) return "img";
    if (f.locked("seed") && a.seed != b.seed) return "seed";
    if (a.net.size() != b.net.size()) return "";
    for (size_t i = 0; i < a.net.size(); ++i) {
        if (a.net[i] == b.net[i]) continue;
        auto pa = printed_args(a.net[i]), pb = printed_args(b.net[i]);
        for (const std::string& name : f.lock)
            if (pa[name] != pb[name]) return name;
    }
    return "";
}

const char* panel_name(Panel p) { return kPanelNames[static_cast<int>(p)]; }

std::vector<Panel> EmbedFlags::shown_panels() const {
    if (!panels.empty()) return panels;
    return {Panel::Layers, Panel::Outputs, Panel::Map};
}

EmbedFlags parse_embed_flags(std::string_view query) {
    EmbedFlags f;
    if (!query.empty() && query[0] == '?') query.remove_prefix(1);
    if (query.empty()) return f;
    if (query.size() > EmbedLimits::max_query) {
        f.warnings.push_back("the query is longer than " + std::to_string(EmbedLimits::max_query) +
                             " characters; every flag ignored");
        return f;
    }
    std::set<std::string> seen;
    for (const std::string& pair : split(query, '&')) {
        if (pair.empty()) continue;
        const size_t eq = pair.find('=');
        const std::string key = percent_decode(pair.substr(0, eq));
        const std::string value = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1));
        // The only flags; anything else is someone else's (analytics, a cache buster): warned.
        static const char* kKeys[] = {"embed", "panels", "layer", "lock", "hide", "id", "origin"};
        if (std::none_of(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return key == k; })) {
            f.warnings.push_back("unknown flag '" + shown(key) + "'; ignored");
            continue;
        }
        if (!seen.insert(key).second) {
            f.warnings.push_back(key + "= given twice; the second ignored");
            continue;
        }
        if (key == "embed") {
            if (value == "1" || value == "true") f.embed = true;
            else if (value != "0" && value != "false") f.warnings.push_back("embed=: '" + shown(value) + "' is not 1 or 0; ignored");
        } else if (key == "layer") {
            const bool digits = !value.empty() && value.size() <= 3 &&
                                std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
            const int n = digits ? std::stoi(value) : -1;
            if (n < 0 || n > EmbedLimits::max_layer)
                f.warnings.push_back("layer=: '" + shown(value) + "' is not a layer number (1-based, 0 = the input); ignored");
            else f.layer = n;
        } else if (key == "id") {
            if (value.size() > EmbedLimits::max_id || !printable(value))
                f.warnings.push_back("id=: longer than " + std::to_string(EmbedLimits::max_id) +
                                     " characters or not printable; ignored");
            else f.id = value;
        } else if (key == "origin") {
            std::vector<std::string> items = split(value, ',');
            for (const std::string& o : items) {
                if (o.empty()) continue;
                if (f.origins.size() >= EmbedLimits::max_origins) {
                    f.warnings.push_back("origin=: more than " + std::to_string(EmbedLimits::max_origins) + " origins; the rest ignored");
                    break;
                }
                if (valid_origin(o)) f.origins.push_back(o);
                else f.warnings.push_back("origin=: '" + shown(o) + "' is not an origin (scheme://host[:port]); ignored");
            }
        } else {
            parse_list(key, value, f);
        }
    }
    return f;
}

std::string print_embed_flags(const EmbedFlags& f) {
    std::vector<std::string> parts;
    if (f.embed) parts.push_back("embed=1");
    if (!f.panels.empty()) {
        std::vector<std::string> p;
        for (Panel x : f.panels) p.push_back(panel_name(x));
        parts.push_back("panels=" + join(p, ","));
    }
    if (f.layer) parts.push_back("layer=" + std::to_string(*f.layer));
    std::vector<std::string> lock(f.lock.begin(), f.lock.end());
    if (f.lock_all) lock = {"all"};
    if (!lock.empty()) parts.push_back("lock=" + join(lock, ","));
    if (!f.hide.empty()) parts.push_back("hide=" + join(std::vector<std::string>(f.hide.begin(), f.hide.end()), ","));
    // id and origins may hold any character: percent-encode what a query cannot carry as is.
    auto encode = [](const std::string& s) {
        static const char* hex = "0123456789ABCDEF";
        std::string out;
        for (unsigned char c : s) {
            if (std::isalnum(c) || std::string_view("-._~:/").find(char(c)) != std::string_view::npos) out += char(c);
            else out += '%', out += hex[c >> 4], out += hex[c & 15];
        }
        return out;
    };
    if (!f.id.empty()) parts.push_back("id=" + encode(f.id));
    if (!f.origins.empty()) {
        std::vector<std::string> o;
        for (const std::string& s : f.origins) o.push_back(encode(s));
        parts.push_back("origin=" + join(o, ","));
    }
    return parts.empty() ? "" : "?" + join(parts, "&");
}

namespace {

// Text for an HTML attribute value in double quotes.
std::string attr(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '&') out += "&amp;";
        else if (c == '"') out += "&quot;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

std::string folder_of(const std::string& page_url) {
    const size_t slash = page_url.rfind('/');
    return slash == std::string::npos ? "" : page_url.substr(0, slash + 1);
}

}  // namespace

std::string embed_iframe_snippet(const std::string& page_url, const EmbedFlags& flags, const std::string& state,
                                 int width, int height) {
    EmbedFlags f = flags;
    f.embed = true;
    const std::string src = page_url + print_embed_flags(f) + "#" + state;
    return "<iframe src=\"" + attr(src) + "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
           "\" style=\"border:0;max-width:100%\" loading=\"lazy\" title=\"convplay playground\"></iframe>";
}

std::string embed_div_snippet(const std::string& page_url, const EmbedFlags& f, const std::string& state) {
    std::string div = "<div data-convplay=\"" + attr(state) + "\"";
    if (!f.panels.empty()) {
        std::vector<std::string> p;
        for (Panel x : f.panels) p.push_back(panel_name(x));
        div += " data-panels=\"" + join(p, ",") + "\"";
    }
    if (f.layer) div += " data-layer=\"" + std::to_string(*f.layer) + "\"";
    if (f.lock_all) div += " data-lock=\"all\"";
    else if (!f.lock.empty()) div += " data-lock=\"" + join(std::vector<std::string>(f.lock.begin(), f.lock.end()), ",") + "\"";
    if (!f.hide.empty()) div += " data-hide=\"" + join(std::vector<std::string>(f.hide.begin(), f.hide.end()), ",") + "\"";
    return div + "></div>\n<script src=\"" + attr(folder_of(page_url)) + "embed.js\" defer></script>";
}

}  // namespace cp
