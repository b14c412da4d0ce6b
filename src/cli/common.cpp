// Argument parsing and shared helpers of the CLI.
#include <cstdio>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "core/choices.hpp"
#include "core/codec.hpp"
#include "core/layer_types.hpp"

namespace cp::cli {

const char* usage() {
    static const std::string text = [] {
        std::string t =
            "convplay - convolution and transposed-convolution arithmetic, exactly as PyTorch does it\n"
            "\n"
            "usage:\n"
            "  convplay shapes  <state> [--json|--markdown] per-layer shapes, formulas, MACs, gaps, errors\n"
            "  convplay run     <state> --out DIR [--image FILE | --npy FILE] [--dump]\n"
            "                                              run the stack; write each output as .npy and .png\n"
            "  convplay explain <state> [--layer N] [--max-side N]\n"
            "                                              the step-by-step recipe, with ASCII grids when small\n"
            "  convplay explain <state> --rf [--layer N] [--at Y,X] [--channels C0..C1]\n"
            "                                              the receptive field of output cells (spans as 3..7) of\n"
            "                                              layer N (default the last, the centre cell) on every map\n"
            "  convplay explain <state> --reach [--layer N] [--at Y,X]\n"
            "                                              the cells of every later map that cells of map N (0 = the\n"
            "                                              input, the default) influence\n"
            "  convplay solve   <state> [--json]            encoder-decoder size mismatches and their fixes\n"
            "  convplay canon   <state>                     print the state in canonical form\n"
            "  convplay export  <state> --to pytorch|onnx|keras|keras-json [--out FILE]\n"
            "                                              the stack with its weights and input as code or a model\n"
            "  convplay gallery [--json | --states]         the classic cases and odd-size examples, with shapes\n"
            "\n"
            "<state> is the state text, a whole share link (http://.../#v=1&...), or - to read it from stdin:\n"
            "  convplay shapes 'v=1&in=3x64x64&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)'\n"
            "\n"
            "layers:\n";
        // The registry's and the choice tables' own words (core/layer_types.hpp, core/choices.hpp).
        for (const LayerType& lt : layer_types()) {
            std::string names = lt.name[0];
            if (!lt.any_rank()) names += std::string(", ") + lt.name[1];
            char line[64];
            std::snprintf(line, sizeof line, "  %-22s", names.c_str());
            t += line + std::string(lt.description) + "\n";
        }
        auto words = [&](const char* label, const std::string& list) {
            char head[64];
            std::snprintf(head, sizeof head, "%-24s", label);
            t += head + list + "\n";
        };
        words("padding words (p=)", choice_names(choices<PadKind>(), ", ", ", ", size_t(PadKind::Same)));
        words("padding modes (pm=)", choice_names(choices<PadMode>()));
        words("upsample modes (mode=)", choice_names(choices<UpMode>()));
        words("weight presets (w=)", choice_names(choices<Preset>()));
        words("images (img=)", choice_names(choices<InputImage>()));
        t += "The format, with every argument, is described in docs/state-format.md.\n";
        return t;
    }();
    return text.c_str();
}

bool Args::has(const std::string& name) const {
    for (const auto& o : options)
        if (o.first == name) return true;
    return false;
}

std::string Args::get(const std::string& name) const {
    for (const auto& o : options)
        if (o.first == name) return o.second;
    return {};
}

Result<Args> parse_args(const std::vector<std::string>& args, const std::vector<std::string>& with_value,
                        const std::vector<std::string>& flags) {
    Args a;
    bool have_state = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& s = args[i];
        if (s.size() > 2 && s.rfind("--", 0) == 0) {
            const std::string name = s.substr(2);
            bool is_flag = false, takes = false;
            for (const auto& f : flags) is_flag |= f == name;
            for (const auto& f : with_value) takes |= f == name;
            if (is_flag) {
                a.options.emplace_back(name, "");
            } else if (takes) {
                if (i + 1 >= args.size()) return Status::error("option --" + name + " needs a value");
                a.options.emplace_back(name, args[++i]);
            } else {
                return Status::error("unknown option " + s);
            }
        } else {
            if (have_state) return Status::error("unexpected argument '" + s + "' (quote the state: it contains & and ;)");
            a.state_text = s;
            have_state = true;
        }
    }
    if (!have_state) return Status::error("missing <state>");
    return a;
}

Result<State> load_state(const std::string& text) {
    if (text == "-") {
        std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
        return parse_state(all);
    }
    return parse_state(text);
}

int fail(const Status& st) {
    std::fprintf(stderr, "convplay: %s\n", st.message.c_str());
    if (!st.hint.empty()) std::fprintf(stderr, "hint: %s\n", st.hint.c_str());
    return 1;
}

}  // namespace cp::cli
