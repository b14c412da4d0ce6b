// Property: every state `shapes` accepts also runs. For thousands of random small states (every
// op, degenerate values included) and every stack in tests/fixtures/stacks.jsonl, planning and
// running either refuses with a message or completes, each layer's output has the shape the
// shape arithmetic gave, and its picture renders (empty outputs too). Meant to run under
// ASan + UBSan as well, where an out-of-bounds read or an overflow stops it.
#include <gtest/gtest.h>

#include <random>

#include "core/codec.hpp"
#include "engine/image.hpp"
#include "engine/plan.hpp"
#include "engine/samples.hpp"
#include "support/json_lite.hpp"

namespace {

// A random small state text: 1-4 layers over every op, with values that are often degenerate.
std::string random_state(std::mt19937& rng) {
    auto pick = [&](std::initializer_list<const char*> v) { return *(v.begin() + rng() % v.size()); };
    auto num = [&](int lo, int hi) { return std::to_string(lo + int(rng() % unsigned(hi - lo + 1))); };
    const bool one_d = rng() % 3 == 0;
    std::string s = "v=1&in=" + num(1, 4) + "x" + num(1, 9) + (one_d ? "" : "x" + num(1, 9));
    if (rng() % 4 == 0) s += "&n=" + num(1, 3);
    s += std::string("&img=") + pick({"photo", "noise", "checker", "impulse"}) + "&net=";
    const std::string d = one_d ? "1d" : "2d";
    const int layers = 1 + int(rng() % 4);
    for (int i = 0; i < layers; ++i) {
        if (i) s += ";";
        switch (rng() % 7) {
            case 0:
            case 1: {
                const bool t = rng() % 3 == 0;
                s += (t ? "convT" : "conv") + d + "(out=" + num(-1, 5) + ",k=" + num(0, 4);
                if (rng() % 2) s += ",s=" + num(0, 3);
                if (rng() % 2) s += ",p=" + std::string(rng() % 3 ? num(-1, 3) : pick({"same", "valid", "full", "tfsame"}));
                if (!t && rng() % 4 == 0) s += ",p=" + num(-1, 2) + ":" + num(-2, 2) + (one_d ? "" : "x" + num(-2, 2) + ":" + num(-1, 2));
                if (rng() % 3 == 0) s += ",d=" + num(0, 3);
                if (rng() % 3 == 0) s += ",g=" + num(0, 3);
                if (t && rng() % 3 == 0) s += ",op=" + num(0, 2);
                if (!t && rng() % 3 == 0) s += std::string(",pm=") + pick({"reflect", "replicate", "circular"});
                if (rng() % 4 == 0) s += std::string(",w=") + pick({"identity", "box", "gauss", "sobelx", "laplace", "bilinear"});
                s += ")";
                break;
            }
            case 2:
                s += std::string(rng() % 2 ? "max" : "avg") + "pool" + d + "(k=" + num(0, 4);
                if (rng() % 2) s += ",s=" + num(0, 3);
                if (rng() % 2) s += ",p=" + num(-1, 2);
                if (rng() % 3 == 0) s += ",ceil=1";
                s += ")";
                break;
            case 3:
                s += "upsample(";
                s += rng() % 3 ? "scale=" + std::string(pick({"0.3", "0.5", "1", "1.09", "1.5", "2", "2.05", "3"}))
                               : "size=" + num(0, 9);
                s += std::string(",mode=") + (rng() % 2 ? "nearest" : (one_d ? "linear" : "bilinear"));
                if (rng() % 3 == 0) s += ",ac=" + num(0, 1);
                s += ")";
                break;
            default: s += pick({"relu", "sigmoid", "tanh", "leakyrelu(slope=0.2)"});
        }
    }
    return s;
}

// Plans and runs `text`; returns a failure description, or "" when the property holds.
std::string check_runs(const std::string& text, int* ran) {
    auto state = cp::parse_state(text);
    if (!state) return "";  // the codec refuses it: nothing to run
    const cp::NetInfo info = cp::net_info(*state);
    for (int reference = 0; reference < 2; ++reference) {
        cp::PlanOptions opt;
        opt.reference_only = reference == 1;
        auto plan = cp::Plan::create(*state, opt);
        if (!plan) {
            if (plan.status().message.empty()) return "refused without a message";
            continue;
        }
        cp::Plan& p = **plan;
        if (state->image != cp::InputImage::Upload)
            if (auto st = cp::draw_sample(*state, p.input()); !st) return "no input: " + st.message;
        p.run();
        const int want = info.ok() ? static_cast<int>(state->net.size()) : info.first_error;
        if (p.runnable() != want) return "ran " + std::to_string(p.runnable()) + " layers, not " + std::to_string(want);
        for (int i = 0; i < p.runnable(); ++i) {
            if (p.output(i).shape != info.layers[size_t(i)].out)
                return "layer " + std::to_string(i + 1) + " output " + cp::shape_text(p.output(i).shape);
            if (cp::feature_map_pixels(p.output(i).shape) <= cp::Limits::max_png_pixels)
                (void)cp::encode_png(cp::render_feature_map(p.output(i)));
        }
        ++*ran;
    }
    return "";
}

TEST(RunProperty, EveryAcceptedRandomStateRuns) {
    std::mt19937 rng(20261201);
    int ran = 0, failures = 0;
#ifdef __EMSCRIPTEN__
    const int n = 600;  // the same property, within the wasm suite's time
#else
    const int n = 3000;
#endif
    for (int i = 0; i < n && failures < 20; ++i) {
        const std::string text = random_state(rng);
        if (const std::string why = check_runs(text, &ran); !why.empty()) {
            ADD_FAILURE() << text << "\n  " << why;
            ++failures;
        }
    }
    std::printf("[ run property ] %d random states, %d plans ran\n", n, ran);
    EXPECT_GT(ran, n / 4);
}

TEST(RunProperty, EveryFixtureStackRuns) {
    const auto rows = jl::read_jsonl(std::string(CONVPLAY_FIXTURES) + "/stacks.jsonl");
    int ran = 0, failures = 0;
    for (const auto& row : rows) {
        if (const std::string why = check_runs(row["state"].str, &ran); !why.empty()) {
            ADD_FAILURE() << row["state"].str << "\n  " << why;
            if (++failures > 20) break;
        }
    }
    std::printf("[ run property ] %zu fixture stacks, %d plans ran\n", rows.size(), ran);
}

}  // namespace
