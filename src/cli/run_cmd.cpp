// convplay run: runs the stack and writes every layer's output (.npy and .png), with --dump also
// the input and every weight and bias, plus manifest.json. The run budget (core/limits.hpp) is
// checked before anything is allocated; files are written one at a time into a staging folder
// that is moved into place only when everything succeeded, so a failure never leaves half a
// result and memory holds the plan plus one file at a time.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>

#include "cli/commands.hpp"
#include "core/codec.hpp"
#include "core/json.hpp"
#include "core/report.hpp"
#include "engine/image.hpp"
#include "engine/plan.hpp"
#include "engine/npy.hpp"
#include "engine/samples.hpp"

namespace fs = std::filesystem;

namespace cp::cli {

namespace {

// A file given with --image or --npy, read (within the file budget) before the plan exists. The
// state's input shape follows the data, and stderr says so when that changes `in=` or `n=`.
Result<std::optional<Tensor>> load_given_input(const Args& args, State& state) {
    const int spatial = state.input_dims();
    Tensor t;
    if (args.has("image")) {
        const int64_t C = state.in_shape[0];
        if (spatial != 2) return Status::error("--image needs a 2-d input (in=CxHxW), but the state has in=CxL");
        if (C != 1 && C != 3 && C != 4)
            return Status::error("--image gives 1, 3 or 4 channels, but the state asks for in=" + std::to_string(C) + "x...");
        auto d = read_image(args.get("image"), static_cast<int>(C));
        if (!d) return d.status();
        if (!d->notice.empty()) std::fprintf(stderr, "note: %s\n", d->notice.c_str());
        t = std::move(d->tensor);
        state.in_shape = {t.shape[1], t.shape[2], t.shape[3]};
    } else if (args.has("npy")) {
        const std::string& name = args.get("npy");
        auto r = read_npy(name);
        if (!r) return r.status();
        t = std::move(*r);
        if (t.shape.size() == static_cast<size_t>(spatial) + 1) t.shape.insert(t.shape.begin(), 1);  // no batch axis
        if (t.shape.size() != static_cast<size_t>(spatial) + 2)
            return Status::error(name + ": shape " + torch_sizes(t.shape) + " does not fit the state's " +
                                 (spatial == 2 ? "(N, C, H, W)" : "(N, C, L)") + " input");
        for (int64_t v : t.shape)
            if (v < 1) return Status::error(name + ": empty shape " + torch_sizes(t.shape));
        if (t.shape[0] > Limits::max_batch || t.shape[1] > Limits::max_channels)
            return Status::error(name + ": shape " + torch_sizes(t.shape) + " has more than " +
                                 std::to_string(Limits::max_batch) + " items or " +
                                 std::to_string(Limits::max_channels) + " channels");
        for (size_t a = 2; a < t.shape.size(); ++a)
            if (t.shape[a] > Limits::max_geometry)
                return Status::error(name + ": shape " + torch_sizes(t.shape) + ": sizes are at most " +
                                     std::to_string(Limits::max_geometry));
        state.batch = t.shape[0];
        state.in_shape.assign(t.shape.begin() + 1, t.shape.end());
    } else {
        return std::optional<Tensor>();
    }
    state.image = InputImage::Upload;
    return std::optional<Tensor>(std::move(t));
}

// Files count layers from 1, as the manifest's "layer" does (the input is input.npy).
std::string layer_stem(size_t layer, const std::string& name) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02zu_", layer);
    return buf + name;
}

// Files written one by one into a staging folder beside DIR, moved into place by commit(); the
// destructor removes whatever was not committed.
class Stage {
public:
    Status open(const fs::path& dir) {
        dir_ = dir;
        std::error_code ec;
        if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
            return Status::error(dir.string() + " exists and is not a folder");
        const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
        fs::create_directories(parent, ec);
        stage_ = parent / (".convplay-stage-" + std::to_string(::getpid()));
        fs::remove_all(stage_, ec);
        if (!fs::create_directory(stage_, ec)) {
            stage_.clear();
            return Status::error("cannot create " + (parent / ".convplay-stage-*").string() + ": " + ec.message());
        }
        return {};
    }
    // Writes `head` then `size` bytes at `data` as file `name`.
    Status write(const std::string& name, const std::string& head, const void* data = nullptr, size_t size = 0) {
        std::ofstream f(stage_ / name, std::ios::binary);
        f.write(head.data(), static_cast<std::streamsize>(head.size()));
        if (size) f.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
        if (!f) return Status::error("cannot write " + (dir_ / name).string());
        names_.push_back(name);
        return {};
    }
    Status write_npy(const std::string& name, const Tensor& t) {
        return write(name, npy_header(t.shape), t.ptr(), t.data.size() * 4);
    }
    // Move into place: a fresh folder in one rename, else file by file (each rename is atomic).
    Status commit() {
        std::error_code ec;
        if (!fs::exists(dir_, ec)) {
            fs::rename(stage_, dir_, ec);
            if (!ec) return stage_.clear(), Status{};
            fs::create_directories(dir_, ec);
        }
        for (const std::string& n : names_) {
            fs::rename(stage_ / n, dir_ / n, ec);
            if (ec) return Status::error("cannot move results into " + dir_.string() + ": " + ec.message());
        }
        return {};
    }
    size_t files() const { return names_.size(); }
    ~Stage() {
        std::error_code ec;
        if (!stage_.empty()) fs::remove_all(stage_, ec);
    }

private:
    fs::path dir_, stage_;
    std::vector<std::string> names_;
};

}  // namespace

int cmd_run(const std::vector<std::string>& argv) {
    auto args = parse_args(argv, {"out", "image", "npy"}, {"dump"});
    if (!args) return fail(args.status()), 2;
    if (!args->has("out")) return fail(Status::error("run needs --out DIR")), 2;
    if (args->has("image") && args->has("npy")) return fail(Status::error("give --image or --npy, not both")), 2;
    auto state = load_state(args->state_text);
    if (!state) return fail(state.status());
    const State as_given = *state;
    auto given = load_given_input(*args, *state);
    if (!given) return fail(given.status());
    if (state->in_shape != as_given.in_shape || state->batch != as_given.batch)
        std::fprintf(stderr, "note: %s has shape %s: it replaces the state's input %s\n",
                     args->get(args->has("npy") ? "npy" : "image").c_str(), shape_text(input_dims(*state)).c_str(),
                     shape_text(input_dims(as_given)).c_str());
    // The budget is checked inside Plan::create, before the built-in input or anything else is made.
    auto plan = Plan::create(*state);
    if (!plan) return fail(plan.status());
    Plan& p = **plan;
    if (*given && (*given)->shape == p.input().shape) {
        p.input() = std::move(**given);
    } else if (*given) {  // an image, repeated over the batch
        const Tensor& img = **given;
        for (int64_t n = 0; n < state->batch; ++n)
            std::copy(img.data.begin(), img.data.end(), p.input().data.begin() + n * img.numel());
    } else if (auto st = draw_sample(*state, p.input()); !st) {
        return fail(st);
    }
    const NetInfo& info = p.info();
    if (!info.ok()) return fail(first_error_status(*state, info));
    p.run();
    const bool dump = args->has("dump");
    Stage stage;
    if (auto st = stage.open(args->get("out")); !st) return fail(st);
    std::vector<std::string> notes;
    auto write_png = [&](const std::string& name, const Tensor& t, JsonWriter& m) -> Status {
        auto png = feature_map_png(t);
        if (!png) {
            notes.push_back(name + ": " + png.status().message);
            return {};
        }
        m.key("png").value(name);
        return stage.write(name, *png);
    };
    JsonWriter m;
    m.begin_object().key("state").value(print_state(*state));
    if (dump) {
        if (auto st = stage.write_npy("input.npy", p.input()); !st) return fail(st);
        m.key("input").value("input.npy");
    }
    if (auto st = write_png("input.png", p.input(), m); !st) return fail(st);
    m.key("layers").begin_array();
    for (int i = 0; i < p.runnable(); ++i) {
        const LayerInfo& L = info.layers[size_t(i)];
        const Tensor& out = p.output(i);
        const std::string stem = layer_stem(size_t(i) + 1, L.name);
        m.begin_object();
        m.key("layer").value(static_cast<int64_t>(i + 1)).key("name").value(L.name);
        m.key("text").value(print_layer(state->net[size_t(i)]));
        m.key("shape").value(out.shape);
        if (auto st = stage.write_npy(stem + ".npy", out); !st) return fail(st);
        m.key("output").value(stem + ".npy");
        if (auto st = write_png(stem + ".png", out, m); !st) return fail(st);
        m.key("kernel").value(p.kernel(i)).key("ms").value(p.ms(i)).key("bytes").value(p.layer_bytes(i));
        if (!p.kernel_note(i).empty()) m.key("kernel_note").value(p.kernel_note(i));
        if (dump && state->net[size_t(i)].has_weights()) {
            if (auto st = stage.write_npy(stem + "_weight.npy", p.weights(i).weight); !st) return fail(st);
            m.key("weight").value(stem + "_weight.npy");
            if (state->net[size_t(i)].bias) {
                if (auto st = stage.write_npy(stem + "_bias.npy", p.weights(i).bias); !st) return fail(st);
                m.key("bias").value(stem + "_bias.npy");
            }
        }
        m.end_object();
    }
    m.end_array().end_object();
    if (auto st = stage.write("manifest.json", m.str() + "\n"); !st) return fail(st);
    if (auto st = stage.commit(); !st) return fail(st);
    for (const std::string& n : notes) std::fprintf(stderr, "note: %s\n", n.c_str());
    for (int i = 0; i < p.runnable(); ++i) {
        const LayerInfo& L = info.layers[size_t(i)];
        std::printf("%2d %-10s %-16s -> %-16s %8.2f ms %8.2f MiB  %s%s%s\n", i + 1, L.name.c_str(),
                    shape_text(L.in).c_str(), shape_text(L.out).c_str(), p.ms(i), p.layer_bytes(i) / 1048576.0,
                    p.kernel(i), p.kernel_note(i).empty() ? "" : " -- ", p.kernel_note(i).c_str());
    }
    std::printf("wrote %zu files to %s\n", stage.files(), args->get("out").c_str());
    return 0;
}

}  // namespace cp::cli
