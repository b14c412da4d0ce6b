// Text and JSON reports of a planned stack (see report.hpp).
#include "core/report.hpp"

#include <algorithm>
#include <sstream>

#include "core/codec.hpp"
#include "core/json.hpp"

namespace cp {

namespace {

std::string human(int64_t n) {  // 1234567 -> "1.23M"
    char buf[32];
    if (n >= 1000000000) std::snprintf(buf, sizeof buf, "%.2fG", n / 1e9);
    else if (n >= 1000000) std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
    else if (n >= 10000) std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
    else std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    return buf;
}

}  // namespace

std::string shapes_table(const State& state, const NetInfo& info, const SolveReport& solve) {
    std::ostringstream o;
    o << "input  " << shape_text(info.input) << "  (img=" << image_name(state.image) << ")\n";
    for (size_t i = 0; i < info.layers.size(); ++i) {
        const LayerInfo& L = info.layers[i];
        o << "\n" << i + 1 << ". " << print_layer(state.net[i]) << "\n";
        if (!L.status.ok) {
            o << "   error: " << L.status.message << "\n";
            if (!L.status.hint.empty()) o << "   hint:  " << L.status.hint << "\n";
            continue;
        }
        o << "   " << shape_text(L.in) << " -> " << shape_text(L.out) << "   params " << human(L.params) << "   MACs "
          << human(L.macs) << "\n";
        o << "   " << L.formula_general << "\n";
        for (int a = 0; a < L.axes; ++a) o << "   " << L.axis[a].formula << "\n";
        for (const auto& w : L.warnings) o << "   note: " << w << "\n";
    }
    if (!solve.mismatches.empty()) {
        o << "\nencoder-decoder sizes:\n";
        for (const auto& m : solve.mismatches) o << "   " << m.message << "\n";
        if (solve.all_fixed) o << "   fixed state: " << print_state(solve.fixed) << "\n";
    }
    if (info.ok()) o << "\noutput " << shape_text(info.layers.empty() ? info.input : info.layers.back().out) << "\n";
    return o.str();
}

std::string shapes_json(const State& state, const NetInfo& info, const SolveReport& solve) {
    JsonWriter j;
    j.begin_object();
    j.key("ok").value(info.ok());
    j.key("state").value(print_state(state));
    j.key("input").value(info.input);
    if (info.ok()) j.key("output").value(info.layers.empty() ? info.input : info.layers.back().out);
    // Layer numbers in this JSON count from 1, as people read them (and as messages say them).
    if (info.ok()) j.key("error_layer").null();
    else j.key("error_layer").value(info.first_error + 1);
    j.key("layers").begin_array();
    for (size_t i = 0; i < info.layers.size(); ++i) {
        const LayerInfo& L = info.layers[i];
        j.begin_object();
        j.key("layer").value(static_cast<int64_t>(i + 1));
        j.key("name").value(L.name);
        j.key("text").value(print_layer(state.net[i]));
        if (L.status.ok) {
            j.key("in").value(L.in);
            j.key("out").value(L.out);
            j.key("params").value(L.params);
            j.key("macs").value(L.macs);
            j.key("formula").value(L.formula_general);
            j.key("axes").begin_array();
            for (int a = 0; a < L.axes; ++a) {
                const AxisInfo& x = L.axis[a];
                j.begin_object();
                j.key("in").value(x.in).key("out").value(x.out).key("kernel").value(x.kernel);
                j.key("stride").value(x.stride).key("dilation").value(x.dilation);
                j.key("pad_before").value(x.pad_before).key("pad_after").value(x.pad_after);
                j.key("output_padding").value(x.output_padding).key("gap").value(x.gap);
                j.key("gap_input").value(x.gap_input).key("formula").value(x.formula);
                j.end_object();
            }
            j.end_array();
            j.key("warnings").begin_array();
            for (const auto& w : L.warnings) j.value(w);
            j.end_array();
            j.key("error").null();
        } else {
            if (!L.in.empty()) j.key("in").value(L.in);
            j.key("error").value(L.status.message);
            j.key("hint").value(L.status.hint);
        }
        j.end_object();
    }
    j.end_array();
    j.key("mismatches").begin_array();
    for (const auto& m : solve.mismatches) {
        j.begin_object();
        j.key("up_layer").value(m.up_layer + 1).key("down_layer").value(m.down_layer + 1);
        j.key("got").value(m.got).key("want").value(m.want);
        j.key("fixable").value(m.fixable).key("fix").value(m.fix).key("message").value(m.message);
        // every fix, each with the whole state it leaves (after the first fix of the
        // `after_fixes` mismatches before it)
        j.key("after_fixes").value(m.after_fixes).key("fixes").begin_array();
        for (const PairFix& f : m.fixes) {
            j.begin_object().key("kind").value(fix_kind_name(f.kind)).key("change").value(f.change);
            j.key("label").value(f.label).key("state").value(print_state(f.result)).end_object();
        }
        j.end_array();
        j.end_object();
    }
    j.end_array();
    if (!solve.mismatches.empty() && solve.all_fixed) j.key("fixed_state").value(print_state(solve.fixed));
    j.end_object();
    return j.str();
}

std::string shapes_markdown(const State& state, const NetInfo& info, const SolveReport& solve) {
    auto cell = [](std::string t) {  // a table cell: no pipes or line breaks
        for (char& c : t)
            if (c == '|' || c == '\n') c = c == '|' ? '/' : ' ';
        return t;
    };
    std::ostringstream o;
    o << "`" << print_state(state) << "`\n\n";
    o << "| # | layer | input | output | params | MACs | notes |\n|--:|---|---|---|--:|--:|---|\n";
    o << "| 0 | input (img=" << image_name(state.image) << ") | | " << shape_text(info.input) << " | | | |\n";
    for (size_t i = 0; i < info.layers.size(); ++i) {
        const LayerInfo& L = info.layers[i];
        o << "| " << i + 1 << " | `" << print_layer(state.net[i]) << "` | ";
        if (!L.status.ok) {
            o << (L.in.empty() ? "" : shape_text(L.in)) << " | | | | **error:** " << cell(L.status.message) << " |\n";
            continue;
        }
        std::string notes;
        for (const auto& w : L.warnings) notes += (notes.empty() ? "" : "; ") + w;
        o << shape_text(L.in) << " | " << shape_text(L.out) << " | " << human(L.params) << " | " << human(L.macs) << " | "
          << cell(notes) << " |\n";
    }
    if (!solve.mismatches.empty()) {
        o << "\nEncoder-decoder sizes:\n\n";
        for (const auto& m : solve.mismatches) o << "- " << m.message << "\n";
        if (solve.all_fixed) o << "\nFixed state: `" << print_state(solve.fixed) << "`\n";
    }
    return o.str();
}

std::string error_json(const Status& st) {
    JsonWriter j;
    j.begin_object().key("ok").value(false).key("error").value(st.message);
    if (!st.hint.empty()) j.key("hint").value(st.hint);
    j.end_object();
    return j.str();
}

Status first_error_status(const State& state, const NetInfo& info) {
    if (info.ok()) return {};
    const size_t e = size_t(info.first_error);
    const Status& st = info.layers[e].status;
    return Status::error("layer " + std::to_string(e + 1) + " (" + print_layer(state.net[e]) + "): " + st.message,
                         st.hint);
}

}  // namespace cp
