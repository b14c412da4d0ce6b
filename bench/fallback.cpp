// convplay_fallback: what the Winograd kernels' fallback to direct sums costs. Each state's single
// layer runs (a plan on one thread) on a finite input, then on inputs that send every pass (or
// tile row) to the fallback: all NaN, all +inf, and 1% NaN. Prints the best time of N runs of each
// and its ratio to the finite one, with the count of NaN outputs and the sum of the finite ones
// (the same before and after a change of the fallback that keeps its results).
//   convplay_fallback [--reps N] [state ...]   (default: three transposed convs, 5 runs)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/codec.hpp"
#include "engine/plan.hpp"

namespace {

enum class Fill { Finite, AllNan, AllInf, SomeNan };
constexpr Fill kFills[] = {Fill::Finite, Fill::AllNan, Fill::AllInf, Fill::SomeNan};
const char* fill_name(Fill f) {
    return f == Fill::Finite ? "finite" : f == Fill::AllNan ? "all NaN" : f == Fill::AllInf ? "all +inf" : "1% NaN";
}

bool time_layer(const std::string& text, int reps) {
    auto state = cp::parse_state(text);
    if (!state.ok()) {
        std::fprintf(stderr, "%s: %s\n", text.c_str(), state.status().message.c_str());
        return false;
    }
    cp::PlanOptions opt;
    opt.threads = 1;
    auto plan = cp::Plan::create(*state, opt);
    if (!plan.ok() || (*plan)->runnable() != 1) {
        std::fprintf(stderr, "%s: not one runnable layer\n", text.c_str());
        return false;
    }
    cp::Plan& p = **plan;
    std::printf("%s: %s\n", text.c_str(), p.kernel(0));
    double finite_ms = 0;
    for (Fill f : kFills) {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(-1, 1);
        for (float& v : p.input().data)
            v = f == Fill::AllNan ? NAN : f == Fill::AllInf ? INFINITY : f == Fill::SomeNan && u(rng) > 0.98f ? NAN : u(rng);
        double best = 1e300;
        for (int r = 0; r < reps; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            p.run();
            best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        if (f == Fill::Finite) finite_ms = best;
        double sum = 0;
        int64_t nans = 0;
        for (float v : p.output(0).data) sum += std::isfinite(v) ? v : 0, nans += std::isnan(v);
        std::printf("  %-9s %9.2f ms %7.2fx   NaN outputs %lld, sum of the finite %.6g\n", fill_name(f), best,
                    best / finite_ms, static_cast<long long>(nans), sum);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    int reps = 5;
    std::vector<std::string> states;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
        else states.push_back(argv[i]);
    }
    if (states.empty())
        states = {"v=1&in=64x128x128&net=convT2d(out=32,k=4,s=2,p=1)",
                  "v=1&in=16x256x256&net=convT2d(out=16,k=3,s=2,p=1,op=1)",
                  "v=1&in=32x64x64&net=convT2d(out=24,k=5,s=3,p=2,op=2)"};
    bool ok = true;
    for (const std::string& s : states) ok = time_layer(s, reps) && ok;
    return ok ? 0 : 1;
}
