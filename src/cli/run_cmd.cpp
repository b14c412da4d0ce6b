// convplay run: runs the stack and writes every layer's output (.npy and .png), with --dump also
// the input and every weight and bias, plus manifest.json. Everything is computed in memory
// first and written through a staging folder, so a failure never leaves half a result.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cli/commands.hpp"
#include "core/codec.hpp"
#include "core/json.hpp"
#include "core/report.hpp"
#include "engine/image.hpp"
#include "engine/net.hpp"
#include "engine/npy.hpp"
#include "engine/samples.hpp"

namespace fs = std::filesystem;

namespace cp::cli {

namespace {

// The input tensor: from an image, an .npy, or the state's built-in sample. May adjust the
// state's input shape to the data, saying so on stderr.
Result<Tensor> load_input(const Args& args, State& state) {
    const int spatial = state.input_dims();
    if (args.has("image")) {
        const int64_t C = state.in_shape[0];
        if (spatial != 2) return Status::error("--image needs a 2-d input (in=CxHxW), but the state has in=CxL");
        if (C != 1 && C != 3 && C != 4)
            return Status::error("--image gives 1, 3 or 4 channels, but the state asks for in=" + std::to_string(C) + "x...");
        auto d = read_image(args.get("image"), static_cast<int>(C));
        if (!d) return d.status();
        if (!d->notice.empty()) std::fprintf(stderr, "note: %s\n", d->notice.c_str());
        Tensor t = std::move(d->tensor);
        if (state.batch != 1) {  // repeat the image over the batch
            Tensor b(Dims{state.batch, t.shape[1], t.shape[2], t.shape[3]});
            for (int64_t n = 0; n < state.batch; ++n) std::copy(t.data.begin(), t.data.end(), b.data.begin() + n * t.numel());
            t = std::move(b);
        }
        state.in_shape = {t.shape[1], t.shape[2], t.shape[3]};
        state.image = "upload";
        return t;
    }
    if (args.has("npy")) {
        auto t = read_npy(args.get("npy"));
        if (!t) return t.status();
        const size_t rank = t->shape.size();
        if (rank == static_cast<size_t>(spatial) + 1) t->shape.insert(t->shape.begin(), 1);  // no batch axis
        if (t->shape.size() != static_cast<size_t>(spatial) + 2)
            return Status::error(args.get("npy") + ": shape " + torch_sizes(t->shape) + " does not fit the state's " +
                                 (spatial == 2 ? "(N, C, H, W)" : "(N, C, L)") + " input");
        for (int64_t v : t->shape)
            if (v < 1) return Status::error(args.get("npy") + ": empty shape " + torch_sizes(t->shape));
        state.batch = t->shape[0];
        state.in_shape.assign(t->shape.begin() + 1, t->shape.end());
        state.image = "upload";
        return t;
    }
    return make_sample(state);
}

std::string layer_stem(size_t i, const std::string& name) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02zu_", i);
    return buf + name;
}

Status write_all(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        return Status::error(dir.string() + " exists and is not a folder");
    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    fs::create_directories(parent, ec);
    const fs::path stage = parent / (".convplay-stage-" + std::to_string(::getpid()));
    fs::remove_all(stage, ec);
    if (!fs::create_directory(stage, ec)) return Status::error("cannot create " + stage.string() + ": " + ec.message());
    for (const auto& [name, bytes] : files) {
        std::ofstream f(stage / name, std::ios::binary);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!f) {
            fs::remove_all(stage, ec);
            return Status::error("cannot write " + (dir / name).string());
        }
    }
    // Move into place: a fresh folder in one rename, else file by file (each rename is atomic).
    if (!fs::exists(dir, ec)) {
        fs::rename(stage, dir, ec);
        if (!ec) return {};
        fs::create_directories(dir, ec);
    }
    for (const auto& f : files) {
        fs::rename(stage / f.first, dir / f.first, ec);
        if (ec) {
            fs::remove_all(stage, ec);
            return Status::error("cannot move results into " + dir.string() + ": " + ec.message());
        }
    }
    fs::remove_all(stage, ec);
    return {};
}

}  // namespace

int cmd_run(const std::vector<std::string>& argv) {
    auto args = parse_args(argv, {"out", "image", "npy"}, {"dump"});
    if (!args) return fail(args.status()), 2;
    if (!args->has("out")) return fail(Status::error("run needs --out DIR")), 2;
    if (args->has("image") && args->has("npy")) return fail(Status::error("give --image or --npy, not both")), 2;
    auto state = load_state(args->state_text);
    if (!state) return fail(state.status());
    auto input = load_input(*args, *state);
    if (!input) return fail(input.status());
    auto run = run_net(*state, *input);
    if (!run) return fail(run.status());
    if (!run->info.ok()) return fail(first_error_status(*state, run->info));
    const bool dump = args->has("dump");
    std::vector<std::pair<std::string, std::string>> files;
    JsonWriter m;
    m.begin_object().key("state").value(print_state(*state));
    if (dump) {
        files.emplace_back("input.npy", encode_npy(*input));
        m.key("input").value("input.npy");
    }
    files.emplace_back("input.png", encode_png(render_feature_map(*input)));
    m.key("layers").begin_array();
    for (size_t i = 0; i < run->layers.size(); ++i) {
        const LayerRun& L = run->layers[i];
        const std::string stem = layer_stem(i, L.info.name);
        files.emplace_back(stem + ".npy", encode_npy(L.output));
        files.emplace_back(stem + ".png", encode_png(render_feature_map(L.output)));
        m.begin_object();
        m.key("index").value(static_cast<int64_t>(i)).key("name").value(L.info.name);
        m.key("layer").value(print_layer(state->net[i]));
        m.key("shape").value(L.output.shape);
        m.key("output").value(stem + ".npy").key("png").value(stem + ".png");
        m.key("kernel").value(L.kernel).key("ms").value(L.ms).key("bytes").value(L.bytes);
        if (!L.kernel_note.empty()) m.key("kernel_note").value(L.kernel_note);
        if (dump && state->net[i].has_weights()) {
            files.emplace_back(stem + "_weight.npy", encode_npy(L.weights.weight));
            m.key("weight").value(stem + "_weight.npy");
            if (state->net[i].bias) {
                files.emplace_back(stem + "_bias.npy", encode_npy(L.weights.bias));
                m.key("bias").value(stem + "_bias.npy");
            }
        }
        m.end_object();
    }
    m.end_array().end_object();
    files.emplace_back("manifest.json", m.str() + "\n");
    if (auto st = write_all(args->get("out"), files); !st) return fail(st);
    for (size_t i = 0; i < run->layers.size(); ++i) {
        const LayerRun& L = run->layers[i];
        std::printf("%2zu %-10s %-16s -> %-16s %8.2f ms %8.2f MiB  %s%s%s\n", i + 1, L.info.name.c_str(),
                    shape_text(L.info.in).c_str(), shape_text(L.info.out).c_str(), L.ms, L.bytes / 1048576.0,
                    L.kernel.c_str(), L.kernel_note.empty() ? "" : " -- ", L.kernel_note.c_str());
    }
    std::printf("wrote %zu files to %s\n", files.size(), args->get("out").c_str());
    return 0;
}

}  // namespace cp::cli
