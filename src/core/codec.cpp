// The state text codec (docs/state-format.md): parsing with messages that name the bad part,
// and canonical printing (fixed key order, defaults left out).
//
// [SECTION] scanning   - numbers, tuples, padding values
// [SECTION] layers     - one layer's arguments
// [SECTION] state      - top-level pairs, links
// [SECTION] printing
#include "core/codec.hpp"

#include "core/choices.hpp"
#include "core/layer_types.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cp {

namespace {

// Which canonical arguments each op takes, in printing order (the registry's row).
std::vector<std::string> op_args(Op op) { return layer_type(op).arg_keys(); }

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += sep;
        out += v[i];
    }
    return out;
}

// [SECTION] scanning -------------------------------------------------------------------------

bool parse_int(std::string_view s, int64_t& out) {
    if (s.empty() || s.size() > 12) return false;
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == s.size()) return false;
    int64_t v = 0;
    for (; i < s.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        v = v * 10 + (s[i] - '0');
    }
    out = neg ? -v : v;
    return true;
}

bool parse_real(std::string_view s, double& out) {
    if (s.empty() || s.size() > 40) return false;
    for (char c : s)
        if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
              c == 'e' || c == 'E'))
            return false;
    std::string tmp(s);
    char* end = nullptr;
    out = std::strtod(tmp.c_str(), &end);
    return end == tmp.c_str() + tmp.size() && std::isfinite(out);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == sep) {
            parts.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return parts;
}

// Whole numbers joined by 'x' or ':' of which some is beyond `limit` in magnitude (or too long
// to read at all): worth "out of range" rather than "expected a whole number".
bool beyond(std::string_view s, int64_t limit) {
    bool over = false;
    for (auto axis : split(s, 'x'))
        for (auto part : split(axis, ':')) {
            const size_t sign = !part.empty() && (part[0] == '-' || part[0] == '+') ? 1 : 0;
            if (part.size() == sign) return false;
            for (size_t i = sign; i < part.size(); ++i)
                if (!std::isdigit(static_cast<unsigned char>(part[i]))) return false;
            int64_t v;
            over |= !parse_int(part, v) || std::llabs(v) > limit;
        }
    return over;
}

// Bounded decimal tokens joined by 'x': "3" or "3x5".
bool parse_int_tuple(std::string_view s, std::vector<int64_t>& out, int64_t lo, int64_t hi) {
    out.clear();
    for (auto part : split(s, 'x')) {
        int64_t v;
        if (!parse_int(part, v) || v < lo || v > hi) return false;
        out.push_back(v);
    }
    return !out.empty() && out.size() <= static_cast<size_t>(kMaxAxes);
}

// Without the white space around it: a pasted link, and the spaces around names and values of
// Python's `ConvTranspose2d(1, 1, k=3, s=2)` style (a state text has none of its own).
std::string_view trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

// [SECTION] layers ---------------------------------------------------------------------------

struct LayerParser {
    Layer& L;
    std::string where;  // "layer 2 (conv2d)"

    Status bad(const std::string& key, std::string_view value, const std::string& expected) const {
        return Status::error(where + ": bad value '" + std::string(value) + "' for " + key +
                             ": expected " + expected);
    }

    int axes() const { return L.dims == 0 ? kMaxAxes : L.dims; }

    // A per-axis size: one number for every axis, or one per axis.
    Status axes_value(const std::string& key, std::string_view v, Axes& dst, int64_t lo) {
        std::vector<int64_t> t;
        const std::string expect = L.dims == 1 ? "a whole number" : "a whole number or HxW";
        if (!parse_int_tuple(v, t, lo, CodecLimits::max_geometry)) {
            if (beyond(v, CodecLimits::max_geometry))
                return Status::error(where + ": " + key + "=" + std::string(v) + " is out of range (at most " +
                                     std::to_string(CodecLimits::max_geometry) + ")");
            return bad(key, v, expect);
        }
        if (static_cast<int>(t.size()) > axes())
            return bad(key, v, "one number (" + std::string(op_name(L.op, L.dims)) + " has one spatial axis)");
        for (int a = 0; a < axes(); ++a) dst[a] = t.size() == 1 ? t[0] : t[a];
        return {};
    }

    Status padding_value(std::string_view v) {
        if (auto w = find_choice<PadKind>(v); w && *w != PadKind::Explicit) {
            L.pad_kind = *w;
            L.pad = {0, 0, 0, 0};
            return {};
        }
        const std::string words = choice_names(choices<PadKind>(), "/", "/", size_t(PadKind::Same));
        if (auto st = per_side("p", v, L.pad, words); !st) return st;
        L.pad_kind = PadKind::Explicit;
        return {};
    }

    // Amounts per side (padding, cropping): "2" = every side, "1x2" per axis, "1:2" = before:after
    // of an axis, "1:2x0:3" both. `words`: what else the key takes, for the message ("" none).
    Status per_side(const std::string& key, std::string_view v, std::array<int64_t, 2 * kMaxAxes>& dst,
                    const std::string& words) {
        const std::string expect = (L.dims == 1 ? std::string("a whole number, left:right")
                                                : std::string("a whole number, HxW, top:bottom x left:right")) +
                                   (words.empty() ? "" : ", or " + words);
        if (beyond(v, CodecLimits::max_geometry))
            return Status::error(where + ": " + key + "=" + std::string(v) + " is out of range (at most " +
                                 std::to_string(CodecLimits::max_geometry) + ")");
        auto parts = split(v, 'x');
        if (parts.empty() || static_cast<int>(parts.size()) > axes()) return bad(key, v, expect);
        std::array<int64_t, 2 * kMaxAxes> out{0, 0, 0, 0};
        for (size_t a = 0; a < parts.size(); ++a) {
            auto ends = split(parts[a], ':');
            if (ends.size() > 2) return bad(key, v, expect);
            int64_t e[2] = {0, 0};
            for (size_t i = 0; i < ends.size(); ++i) {
                if (!parse_int(ends[i], e[i])) return bad(key, v, expect);
                if (std::llabs(e[i]) > CodecLimits::max_geometry)
                    return Status::error(where + ": " + key + "=" + std::string(v) + " is out of range");
            }
            out[2 * a] = e[0];
            out[2 * a + 1] = ends.size() == 2 ? e[1] : e[0];
        }
        if (parts.size() == 1)
            for (int a = 1; a < axes(); ++a) {
                out[2 * a] = out[0];
                out[2 * a + 1] = out[1];
            }
        dst = out;
        return {};
    }

    Status bool_value(const std::string& key, std::string_view v, bool& dst) {
        const std::string s = fold_word(v);
        if (s == "1" || s == "true") dst = true;
        else if (s == "0" || s == "false") dst = false;
        else return bad(key, v, "1/0 or true/false");
        return {};
    }

    Status values(const std::string& key, std::string_view v, std::vector<float>& dst) {
        dst.clear();
        auto parts = split(v, '_');
        if (parts.size() > CodecLimits::max_values)
            return Status::error(where + ": " + key + " has " + std::to_string(parts.size()) +
                                 " values (at most " + std::to_string(CodecLimits::max_values) + ")");
        for (auto p : parts) {
            double x;
            if (!parse_real(p, x)) return bad(key, p, "a decimal number (values joined by _)");
            // float32's largest, 3.4028235e38 as usually written, is in; beyond would be inf.
            if (std::fabs(x) > 3.40282356e38)
                return Status::error(where + ": " + key + " value " + std::string(p.substr(0, 40)) +
                                     " is out of range (float32: at most 3.4028235e38 in magnitude)");
            dst.push_back(static_cast<float>(x));
        }
        return {};
    }

    Status arg(const std::string& key, std::string_view v) {
        if (key == "out" || key == "in") {
            int64_t x;
            if (!parse_int(v, x) && !beyond(v, CodecLimits::max_channels)) return bad(key, v, "a whole number");
            if (beyond(v, CodecLimits::max_channels))
                return Status::error(where + ": " + key + "=" + std::string(v) + " is out of range (at most " +
                                     std::to_string(CodecLimits::max_channels) + " channels)");
            (key == "out" ? L.out_channels : L.in_channels.emplace()) = x;
            return {};
        }
        if (key == "k") return axes_value(key, v, L.kernel, -CodecLimits::max_geometry);
        if (key == "s") return axes_value(key, v, L.stride, -CodecLimits::max_geometry);
        if (key == "d") return axes_value(key, v, L.dilation, -CodecLimits::max_geometry);
        if (key == "op") return axes_value(key, v, L.output_padding, -CodecLimits::max_geometry);
        if (key == "p") return padding_value(v);
        if (key == "c") return per_side(key, v, L.crop, "");
        if (key == "g") {
            int64_t x;
            if (!parse_int(v, x) || std::llabs(x) > CodecLimits::max_channels) return bad(key, v, "a whole number");
            L.groups = x;
            return {};
        }
        if (key == "bias") return bool_value(key, v, L.bias);
        if (key == "ceil") return bool_value(key, v, L.ceil_mode);
        if (key == "cip") return bool_value(key, v, L.count_include_pad);
        if (key == "ac") {
            bool b;
            if (auto st = bool_value(key, v, b); !st) return st;
            L.align_corners = b ? 1 : 0;
            return {};
        }
        if (key == "pm") {
            if (auto m = find_choice<PadMode>(v)) {
                L.padding_mode = *m;
                return {};
            }
            return bad(key, v, choice_names(choices<PadMode>(), ", ", " or "));
        }
        if (key == "mode") {
            if (auto m = find_choice<UpMode>(v)) {
                L.mode = *m;
                return {};
            }
            return bad(key, v, choice_names(choices<UpMode>(), ", ", " or "));
        }
        if (key == "scale") {
            auto parts = split(v, 'x');
            if (parts.size() > static_cast<size_t>(kMaxAxes)) return bad(key, v, "a positive decimal or HxW");
            for (size_t a = 0; a < parts.size(); ++a) {
                double x;
                if (!parse_real(parts[a], x)) return bad(key, v, "a positive decimal or HxW");
                if (std::fabs(x) > CodecLimits::max_scale)
                    return Status::error(where + ": scale=" + std::string(v) + " is out of range (at most 64)");
                L.scale[a] = x;
            }
            if (parts.size() == 1) L.scale[1] = L.scale[0];
            L.up_values = static_cast<int>(parts.size());
            L.up_by_size = false;
            return {};
        }
        if (key == "size") {
            std::vector<int64_t> t;
            if (beyond(v, CodecLimits::max_geometry))
                return Status::error(where + ": size=" + std::string(v) + " is out of range (at most " +
                                     std::to_string(CodecLimits::max_geometry) + ")");
            if (!parse_int_tuple(v, t, -CodecLimits::max_geometry, CodecLimits::max_geometry))
                return bad(key, v, "a whole number or HxW");
            L.size = {t[0], t.size() == 1 ? t[0] : t[1]};
            L.up_values = static_cast<int>(t.size());
            L.up_by_size = true;
            return {};
        }
        if (key == "slope") {
            double x;
            if (!parse_real(v, x)) return bad(key, v, "a decimal number");
            if (std::fabs(x) > 1e6)
                return Status::error(where + ": slope=" + std::string(v.substr(0, 40)) + " is out of range (at most 1e6 in magnitude)");
            L.negative_slope = x;
            return {};
        }
        if (key == "w") {
            if (auto p = find_choice<Preset>(v)) {
                L.preset = *p;
                return {};
            }
            return bad(key, v, "one of " + choice_names(choices<Preset>()));
        }
        if (key == "seed") {
            int64_t x;
            if (!parse_int(v, x) || x < 0 || x > 0xFFFFFFFFLL) return bad(key, v, "a whole number from 0 to 4294967295");
            L.seed = static_cast<uint32_t>(x);
            return {};
        }
        if (key == "wv") return values(key, v, L.weight_values);
        if (key == "bv") return values(key, v, L.bias_values);
        return Status::error(where + ": unknown argument '" + key + "'");
    }
};

}  // namespace

Result<Layer> parse_layer(std::string_view text, int index) {
    text = trim(text);
    const std::string pos = "layer " + std::to_string(index + 1);
    size_t open = text.find('(');
    std::string_view name = trim(text.substr(0, open));
    std::string_view body;
    if (open != std::string_view::npos) {
        if (text.back() != ')')
            return Status::error(pos + " '" + std::string(text) + "': missing ')' at the end");
        body = text.substr(open + 1, text.size() - open - 2);
        if (body.find_first_of("()") != std::string_view::npos)
            return Status::error(pos + " '" + std::string(text) + "': unexpected parenthesis");
    }
    Layer L;
    const auto found = find_layer_type(name);
    if (!found) {
        std::string shown(name.substr(0, 40));
        return Status::error(pos + ": unknown layer '" + shown + "' (known: " + layer_type_names() + ")");
    }
    L.op = found->op;
    L.dims = found->dims;
    bool stride_given = false, kernel_given = false, out_given = false;

    LayerParser p{L, pos + " (" + op_name(L.op, L.dims) + ")"};
    const auto allowed = op_args(L.op);
    std::vector<std::string> seen;
    if (open != std::string_view::npos && !body.empty()) {
        for (auto item : split(body, ',')) {
            item = trim(item);
            size_t eq = item.find('=');
            if (eq == std::string_view::npos || eq == 0)
                return Status::error(p.where + ": expected name=value, got '" + std::string(item.substr(0, 40)) + "'");
            std::string k(trim(item.substr(0, eq)));
            std::string lk = k;
            std::transform(lk.begin(), lk.end(), lk.begin(), [](unsigned char c) { return std::tolower(c); });
            lk = canonical_arg(layer_args(), lk);
            if (std::find(allowed.begin(), allowed.end(), lk) == allowed.end()) {
                std::string list = allowed.empty() ? "no arguments" : "takes " + join(allowed, ", ");
                return Status::error(p.where + ": unknown argument '" + k.substr(0, 40) + "' (" + list + ")");
            }
            if (std::find(seen.begin(), seen.end(), lk) != seen.end())
                return Status::error(p.where + ": argument '" + lk + "' given twice");
            seen.push_back(lk);
            if (auto st = p.arg(lk, trim(item.substr(eq + 1))); !st) return st;
            stride_given |= lk == "s";
            kernel_given |= lk == "k";
            out_given |= lk == "out";
        }
    }
    if (L.op == Op::Conv || L.op == Op::ConvT) {
        if (!out_given) return Status::error(p.where + ": missing out (out_channels)");
        if (!kernel_given) return Status::error(p.where + ": missing k (kernel_size)");
    }
    if (L.is_pool()) {
        if (!kernel_given) return Status::error(p.where + ": missing k (kernel_size)");
        if (!stride_given) L.stride = L.kernel;  // PyTorch: stride=None means stride = kernel_size
    }
    if (L.op == Op::Upsample) {
        bool has_scale = std::find(seen.begin(), seen.end(), "scale") != seen.end();
        bool has_size = std::find(seen.begin(), seen.end(), "size") != seen.end();
        if (has_scale && has_size) return Status::error(p.where + ": only one of size or scale_factor should be defined");
        if (!has_scale && !has_size) return Status::error(p.where + ": either size or scale_factor should be defined");
    }
    if (!L.bias && !L.bias_values.empty()) return Status::error(p.where + ": bv given but bias=0");
    return L;
}

// [SECTION] state ----------------------------------------------------------------------------

std::string state_from_link(std::string_view text) {
    std::string t(trim(text));
    size_t hash = t.find('#');
    if (hash != std::string::npos) return t.substr(hash + 1);
    if (t.find("://") != std::string::npos) {
        size_t q = t.find('?');
        return q == std::string::npos ? std::string() : t.substr(q + 1);
    }
    return t;
}

std::string state_text_of(std::string_view text) {
    std::string t = state_from_link(text);
    return t.find('%') == std::string::npos ? t : percent_decode(t);
}

Result<State> parse_state(std::string_view text) {
    if (text.size() > CodecLimits::max_text)
        return Status::error("state text is too long (" + std::to_string(text.size()) + " characters; at most " +
                             std::to_string(CodecLimits::max_text) + ")");
    const bool is_link = text.find("://") != std::string_view::npos;
    std::string t = state_text_of(text);
    // Copied out of an HTML attribute (an embed's data-convplay, an iframe's src), '&' is '&amp;'.
    for (size_t at; (at = t.find("&amp;")) != std::string::npos;) t.erase(at + 1, 4);
    // The state text is plain ASCII: refuse anything else (a NUL, a control character, bytes a
    // percent-escape made) before any of it can reach a message.
    for (size_t i = 0; i < t.size(); ++i) {
        const auto c = static_cast<unsigned char>(t[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0x7f) {
            char buf[96];  // the longest position (20 digits) fits
            std::snprintf(buf, sizeof buf, "the state has byte 0x%02X at position %zu: it is plain ASCII text", c, i + 1);
            return Status::error(buf);
        }
    }
    if (t.empty())
        return Status::error(is_link ? "the link has no state after '#' (expected #v=1&in=...&net=...)"
                                     : "empty state (expected v=1&in=...&net=...)");
    State s;
    std::vector<std::string> seen;
    for (auto pair : split(t, '&')) {
        pair = trim(pair);
        if (pair.empty()) continue;  // tolerate "&&" and a trailing '&'
        size_t eq = pair.find('=');
        if (eq == std::string_view::npos)
            return Status::error("expected key=value, got '" + std::string(pair.substr(0, 40)) + "'");
        const std::string key = canonical_arg(state_keys(), fold_word(trim(pair.substr(0, eq))));
        std::string_view v = trim(pair.substr(eq + 1));
        if (std::find(seen.begin(), seen.end(), key) != seen.end())
            return Status::error("key '" + key + "' given twice");
        seen.push_back(key);
        if (key == "v") {
            int64_t x;
            if (!parse_int(v, x) || x != 1)
                return Status::error("unsupported version 'v=" + std::string(v.substr(0, 20)) + "' (this convplay reads v=1)");
        } else if (key == "in") {
            std::vector<int64_t> dims;
            for (auto part : split(v, 'x')) {
                int64_t x;
                if (!parse_int(part, x) && beyond(part, CodecLimits::max_geometry))
                    return Status::error("input size " + std::string(part.substr(0, 40)) + " is out of range (at most " +
                                         std::to_string(CodecLimits::max_geometry) + ")");
                if (!parse_int(part, x) || x < 1)
                    return Status::error("bad input shape 'in=" + std::string(v.substr(0, 40)) +
                                         "': expected CxHxW or CxL with positive whole numbers");
                dims.push_back(x);
            }
            if (dims.size() < 2 || dims.size() > 3)
                return Status::error("bad input shape 'in=" + std::string(v.substr(0, 40)) +
                                     "': expected CxHxW (2-d) or CxL (1-d)");
            if (dims[0] > CodecLimits::max_channels)
                return Status::error("input has " + std::to_string(dims[0]) + " channels (at most " +
                                     std::to_string(CodecLimits::max_channels) + ")");
            for (size_t i = 1; i < dims.size(); ++i)
                if (dims[i] > CodecLimits::max_geometry)
                    return Status::error("input size " + std::to_string(dims[i]) + " is out of range (at most " +
                                         std::to_string(CodecLimits::max_geometry) + ")");
            s.in_shape = dims;
        } else if (key == "n") {
            int64_t x;
            if (!parse_int(v, x) || x < 1 || x > CodecLimits::max_batch)
                return Status::error("bad batch 'n=" + std::string(v.substr(0, 20)) + "': expected 1 to " +
                                     std::to_string(CodecLimits::max_batch));
            s.batch = x;
        } else if (key == "img") {
            const auto image = find_choice<InputImage>(v);
            if (!image)
                return Status::error("unknown image 'img=" + std::string(v.substr(0, 40)) + "' (known: " +
                                     choice_names(choices<InputImage>()) + ")");
            s.image = *image;
        } else if (key == "seed") {
            int64_t x;
            if (!parse_int(v, x) || x < 0 || x > 0xFFFFFFFFLL)
                return Status::error("bad seed 'seed=" + std::string(v.substr(0, 20)) + "': expected 0 to 4294967295");
            s.seed = static_cast<uint32_t>(x);
        } else if (key == "net") {
            if (v.empty()) continue;
            auto layers = split(v, ';');
            if (!layers.empty() && layers.back().empty()) layers.pop_back();  // trailing ';'
            if (layers.size() > CodecLimits::max_layers)
                return Status::error("the net has " + std::to_string(layers.size()) + " layers (at most " +
                                     std::to_string(CodecLimits::max_layers) + ")");
            for (size_t i = 0; i < layers.size(); ++i) {
                if (layers[i].empty()) return Status::error("layer " + std::to_string(i + 1) + " is empty (';;')");
                auto L = parse_layer(layers[i], static_cast<int>(i));
                if (!L) return L.status();
                s.net.push_back(std::move(*L));
            }
        } else {
            std::string known;
            for (const ArgSpec& k : state_keys()) {
                if (!known.empty()) known += ", ";
                known += k.key;
            }
            return Status::error("unknown key '" + std::string(pair.substr(0, std::min<size_t>(eq, 40))) +
                                 "' (known: " + known + ")");
        }
    }
    // The canonical text writes every number in full ('.5' as '0.5', '1e38' as '1e+38'), so a
    // text under the limit may print over it; its share link would then not read back. Refused
    // here, so that every state that parses prints a text that parses.
    if (const size_t printed = print_state(s).size(); printed > CodecLimits::max_text)
        return Status::error("state text is too long once written out in full (" + std::to_string(printed) +
                             " characters; at most " + std::to_string(CodecLimits::max_text) + ")");
    return s;
}

// [SECTION] printing -------------------------------------------------------------------------

std::string format_float(float v) {
    char buf[48];
    for (int prec = 1; prec <= 9; ++prec) {
        std::snprintf(buf, sizeof buf, "%.*g", prec, static_cast<double>(v));
        if (std::strtof(buf, nullptr) == v) break;
    }
    return buf;
}

std::string format_double(double v) {
    char buf[48];
    for (int prec = 1; prec <= 17; ++prec) {
        std::snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

namespace {

int print_axes_count(const Layer& L) { return L.dims == 0 ? kMaxAxes : L.dims; }

std::string axes_text(const Layer& L, const Axes& a) {
    const int n = print_axes_count(L);
    bool same = true;
    for (int i = 1; i < n; ++i) same &= a[i] == a[0];
    if (same) return std::to_string(a[0]);
    std::string s;
    for (int i = 0; i < n; ++i) s += (i ? "x" : "") + std::to_string(a[i]);
    return s;
}

bool axes_equal(const Layer& L, const Axes& a, int64_t v) {
    for (int i = 0; i < print_axes_count(L); ++i)
        if (a[i] != v) return false;
    return true;
}

// "1", "1x2" or "0:1x2:3": amounts per side (padding, cropping), as short as they read back.
std::string per_side_text(const Layer& L, const std::array<int64_t, 2 * kMaxAxes>& v) {
    const int n = print_axes_count(L);
    bool symmetric = true;
    for (int a = 0; a < kMaxAxes; ++a) symmetric &= v[2 * a] == v[2 * a + 1];
    if (symmetric) return axes_text(L, Axes{v[0], v[2]});
    const bool same_axes = n == 1 || (v[0] == v[2] && v[1] == v[3]);  // "0:1" stands for every axis
    std::string s;
    for (int a = 0; a < (same_axes ? 1 : n); ++a)
        s += (a ? "x" : "") + std::to_string(v[2 * a]) + ":" + std::to_string(v[2 * a + 1]);
    return s;
}

std::string padding_text(const Layer& L) {
    if (L.pad_kind != PadKind::Explicit) return choice_name(L.pad_kind);
    return per_side_text(L, L.pad);
}

std::string values_text(const std::vector<float>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "_" : "") + format_float(v[i]);
    return s;
}

}  // namespace

std::string print_layer(const Layer& L) {
    std::vector<std::string> args;
    auto add = [&](const char* k, const std::string& v) { args.push_back(std::string(k) + "=" + v); };
    const bool conv = L.has_weights();
    if (conv) {
        add("out", std::to_string(L.out_channels));
        if (L.in_channels) add("in", std::to_string(*L.in_channels));
    }
    if (conv || L.is_pool()) {
        add("k", axes_text(L, L.kernel));
        bool default_stride = L.is_pool() ? L.stride == L.kernel : axes_equal(L, L.stride, 1);
        if (!default_stride) add("s", axes_text(L, L.stride));
        if (L.pad_kind != PadKind::Explicit || L.pad != std::array<int64_t, 4>{0, 0, 0, 0})
            add("p", padding_text(L));
        if (L.op == Op::ConvT && !axes_equal(L, L.output_padding, 0)) add("op", axes_text(L, L.output_padding));
        if (L.op != Op::AvgPool && !axes_equal(L, L.dilation, 1)) add("d", axes_text(L, L.dilation));
    }
    if (conv) {
        if (L.groups != 1) add("g", std::to_string(L.groups));
        if (!L.bias) add("bias", "0");
        if (L.padding_mode != PadMode::Zeros) add("pm", pad_mode_name(L.padding_mode));
        if (L.preset != Preset::Rand) add("w", preset_name(L.preset));
        if (L.seed) add("seed", std::to_string(*L.seed));
        if (!L.weight_values.empty()) add("wv", values_text(L.weight_values));
        if (!L.bias_values.empty()) add("bv", values_text(L.bias_values));
    }
    if (L.is_pool()) {
        if (L.ceil_mode) add("ceil", "1");
        if (L.op == Op::AvgPool && !L.count_include_pad) add("cip", "0");
    }
    if (L.op == Op::Upsample) {
        if (!L.up_by_size) {
            std::string s = format_double(L.scale[0]);
            if (L.up_values == 2) s += "x" + format_double(L.scale[1]);
            add("scale", s);
        } else {
            std::string s = std::to_string(L.size[0]);
            if (L.up_values == 2) s += "x" + std::to_string(L.size[1]);
            add("size", s);
        }
        if (L.mode != UpMode::Nearest) add("mode", up_mode_name(L.mode));
        if (L.align_corners >= 0) add("ac", std::to_string(L.align_corners));
    }
    if (L.op == Op::Crop) add("c", per_side_text(L, L.crop));
    if (L.op == Op::LeakyReLU && L.negative_slope != 0.01) add("slope", format_double(L.negative_slope));

    std::string s = op_name(L.op, L.dims);
    if (!args.empty()) s += "(" + join(args, ",") + ")";
    return s;
}

std::string print_state(const State& s) {
    std::string out = "v=1&in=";
    for (size_t i = 0; i < s.in_shape.size(); ++i) out += (i ? "x" : "") + std::to_string(s.in_shape[i]);
    if (s.batch != 1) out += "&n=" + std::to_string(s.batch);
    out += "&img=" + std::string(image_name(s.image));
    if (s.seed != 0) out += "&seed=" + std::to_string(s.seed);
    std::vector<std::string> layers;
    for (const auto& L : s.net) layers.push_back(print_layer(L));
    out += "&net=" + join(layers, ";");
    return out;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() &&
            std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string canonical_arg(std::string_view name) {
    const std::string key = canonical_arg(layer_args(), name);
    for (const LayerType& t : layer_types())
        for (std::string_view a : comma_list(t.args))
            if (a == key) return key;
    return "";
}

}  // namespace cp
