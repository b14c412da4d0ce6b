// convplay export: the stack as PyTorch code, an ONNX model or Keras code (engine/export.hpp),
// written to --out or to standard output.
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "cli/commands.hpp"
#include "engine/export.hpp"

namespace cp::cli {

namespace {

struct Target {
    const char* name;
    bool binary;
    Result<std::string> (*make)(const ExportModel&);
};

const Target kTargets[] = {
    {"pytorch", false, [](const ExportModel& m) -> Result<std::string> { return export_pytorch(m); }},
    {"onnx", true, export_onnx},
    {"keras", false, [](const ExportModel& m) -> Result<std::string> { return export_keras(m); }},
    {"keras-json", false, [](const ExportModel& m) -> Result<std::string> { return export_keras_json(m); }},
};

std::string target_names() {
    std::string s;
    for (const auto& t : kTargets) s += (s.empty() ? "" : ", ") + std::string(t.name);
    return s;
}

}  // namespace

int cmd_export(const std::vector<std::string>& argv) {
    auto args = parse_args(argv, {"to", "out"}, {});
    if (!args) return fail(args.status()), 2;
    const Target* target = nullptr;
    for (const auto& t : kTargets)
        if (args->get("to") == t.name) target = &t;
    if (!target) {
        const std::string given = args->has("to") ? "unknown target '" + args->get("to") + "'" : "export needs --to";
        return fail(Status::error(given + " (targets: " + target_names() + ")")), 2;
    }
    const bool to_stdout = !args->has("out") || args->get("out") == "-";
    if (target->binary && to_stdout && isatty(STDOUT_FILENO))
        return fail(Status::error("--to " + std::string(target->name) + " writes binary: give --out FILE or redirect")), 2;
    auto state = load_state(args->state_text);
    if (!state) return fail(state.status());
    auto model = prepare_export(*state);
    if (!model) return fail(model.status());
    auto bytes = target->make(*model);
    if (!bytes) return fail(bytes.status());
    if (to_stdout) {
        std::fwrite(bytes->data(), 1, bytes->size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    const std::string path = args->get("out");
    std::ofstream f(path, std::ios::binary);
    f.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    f.close();
    if (!f) return fail(Status::error("cannot write " + path));
    std::fprintf(stderr, "wrote %s (%zu bytes)\n", path.c_str(), bytes->size());
    return 0;
}

}  // namespace cp::cli
