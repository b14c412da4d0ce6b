// The Winograd conv and transposed conv on +inf, -inf, NaN and near-limit inputs against PyTorch
// (tests/fixtures/special_outputs.jsonl, from gen_fixtures.py), on 1 and 2 threads: the kernel
// must be a Winograd one (so its fallback to direct sums is what is tested), and every
// output must be PyTorch's: NaN where it is NaN, the same infinity where it is infinite, and
// otherwise within 1e-5 of that output's sum of |weight * input| (the fixture's `bound`).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/codec.hpp"
#include "core/shapes.hpp"
#include "engine/weights.hpp"
#include "kernels/registry.hpp"
#include "kernels/simd.hpp"  // CP_SIMD_SUFFIX
#include "kernels/simd_kernels.hpp"  // make_convt_winograd
#include "kernels/thread_pool.hpp"
#include "support/json_lite.hpp"

namespace {

constexpr const char* kWinograd = "f32_conv2d_winograd_f2x3_4x8" CP_SIMD_SUFFIX;

// Runs the fixture's rows on the kernel make(layer, info, request) gives (none: the row is
// skipped), on 1 and 2 threads, against PyTorch's outputs; counts in *nonfinite the outputs
// PyTorch gives as inf or NaN (once).
template <class Make>
void match_pytorch(Make make, int* nonfinite) {
    const auto rows = jl::read_jsonl(std::string(CONVPLAY_FIXTURES) + "/special_outputs.jsonl");
    ASSERT_GE(rows.size(), 4u);
    for (const auto& row : rows) {
        const std::string text = row["state"].str;
        auto state = cp::parse_state(text);
        ASSERT_TRUE(state.ok()) << text;
        cp::Layer L = state->net[0];
        const cp::LayerInfo info = cp::layer_info(L, cp::input_dims(*state), 0);
        ASSERT_TRUE(info.status.ok) << text;
        ASSERT_EQ(info.out, row["shape"].ints()) << text;
        L.weight_values = row["weight"].floats();
        if (row.has("bias")) L.bias_values = row["bias"].floats();
        const cp::LayerWeights w = cp::make_weights(L, info, 0);
        cp::KernelRequest req;
        req.layer = &L;
        req.info = &info;
        req.weight = w.weight.ptr();
        req.bias = w.bias.data.empty() ? nullptr : w.bias.ptr();
        const auto k = make(L, info, req);
        if (!k) continue;
        const std::vector<float> in = row["input"].floats(), want = row["output"].floats();
        std::vector<double> bound;
        for (const auto& v : row["bound"].arr) bound.push_back(v.num);
        ASSERT_EQ(want.size(), bound.size());
        for (int threads : {1, 2}) {
            if (cp::usable_threads(threads) < threads) continue;  // a build without threads
            cp::ThreadPool pool(threads);
            std::vector<float> out(want.size(), 0.0f), scratch(size_t(threads) * k->scratch_floats());
            cp::run_kernel(*k, in.data(), out.data(), scratch.data(), &pool);
            for (size_t i = 0; i < want.size(); ++i) {
                const std::string at = text + " at " + std::to_string(i) + ", " + std::to_string(threads) + " thread(s)";
                if (std::isnan(want[i])) {
                    EXPECT_TRUE(std::isnan(out[i])) << at << ": " << out[i] << ", PyTorch NaN";
                } else if (std::isinf(want[i])) {
                    EXPECT_EQ(out[i], want[i]) << at;
                } else {
                    ASSERT_TRUE(std::isfinite(bound[i])) << at;
                    EXPECT_NEAR(out[i], want[i], 1e-5 * std::max(1.0, bound[i])) << at;
                }
                if (threads == 1 && !std::isfinite(want[i])) ++*nonfinite;
            }
        }
    }
}

TEST(WinogradSpecialValues, MatchPyTorch) {
    int nonfinite = 0;
    match_pytorch([](const cp::Layer& L, const cp::LayerInfo& info, const cp::KernelRequest& req) {
        // The transposed conv's fixture layers (5 and 6 -> 12 channels) are too narrow for the registry
        // to pick the Winograd kernel (convt_winograd_pays): made directly, its fallback is what is tested.
        auto k = L.op == cp::Op::ConvT ? cp::make_convt_winograd(cp::make_geom(L, info), req.weight, req.bias)
                                       : cp::select_kernel(req);
        EXPECT_TRUE(k);
        if (k) EXPECT_NE(std::string(k->name()).find("winograd"), std::string::npos) << " ran on " << k->name();
        return k;
    }, &nonfinite);
    EXPECT_GT(nonfinite, 500);  // the fixture's inf and NaN reach many outputs
}

// The sub-pixel transposed conv's row pairs (conv_simd.cpp: differences of input rows, so inf - inf
// would make NaN) on the fixture's k3 s2 layer (5 -> 12 channels: made with row pairs directly),
// where inf, NaN and near-limit values sit in some rows: the pairs that read them run the plain
// tiles, and every output is PyTorch's.
TEST(WinogradSpecialValues, RowPairsMatchPyTorch) {
    int layers = 0, nonfinite = 0;
    match_pytorch([&](const cp::Layer& L, const cp::LayerInfo& info, const cp::KernelRequest& req) {
        const cp::Geom g = cp::make_geom(L, info);
        std::unique_ptr<cp::LayerKernel> k;
        if (L.op != cp::Op::ConvT || g.kh != 3 || g.sh != 2) return k;
        k = cp::make_convt_simd(g, req.weight, req.bias, true);
        EXPECT_NE(std::string(k->name()).find("rowpairs"), std::string::npos) << " ran on " << k->name();
        ++layers;
        return k;
    }, &nonfinite);
    EXPECT_EQ(layers, 1);
    EXPECT_GT(nonfinite, 100);
}

// Weights that are not finite never go to the Winograd kernel (its weight transform would mix
// them); the direct kernel serves the layer. A bias that is not finite is no reason.
TEST(WinogradSpecialValues, NonFiniteWeightsStayDirect) {
    auto state = cp::parse_state("v=1&in=16x8x8&net=conv2d(out=16,k=3,p=1)");
    ASSERT_TRUE(state.ok());
    cp::Layer L = state->net[0];
    const cp::LayerInfo info = cp::layer_info(L, cp::input_dims(*state), 0);
    cp::LayerWeights w = cp::make_weights(L, info, 1);
    cp::KernelRequest req;
    req.layer = &L;
    req.info = &info;
    req.weight = w.weight.ptr();
    req.bias = w.bias.ptr();
    EXPECT_EQ(std::string(cp::select_kernel(req)->name()), kWinograd);
    for (float bad : {INFINITY, -INFINITY, NAN}) {
        w.weight.data[37] = bad;
        EXPECT_NE(std::string(cp::select_kernel(req)->name()), kWinograd) << bad;
    }
    // a bias is added after the output transform, as the direct kernel adds it: inf stays inf
    w.weight.data[37] = 0.5f;
    w.bias.data[3] = INFINITY;
    EXPECT_EQ(std::string(cp::select_kernel(req)->name()), kWinograd);
}

// The fixture's k3 s2 layer has its infinity in no pair's middle row x1, the one whose differences
// with x0 and x2 would make inf - inf: here +inf and -inf sit in middle rows (odd rows for p=1)
// and in x0 / x2 rows, with a NaN, on a layer the registry gives the row pairs (1 and 2 threads:
// the pairs split alike). Every output is the reference kernel's (direct sums, as PyTorch makes).
TEST(WinogradSpecialValues, RowPairsInfInAMiddleRow) {
    const char* text = "v=1&in=8x6x9&n=2&net=convT2d(out=5,k=3,s=2,p=1,op=1)";
    auto state = cp::parse_state(text);
    ASSERT_TRUE(state.ok());
    const cp::Layer& L = state->net[0];
    const cp::LayerInfo info = cp::layer_info(L, cp::input_dims(*state), 0);
    const cp::LayerWeights w = cp::make_weights(L, info, 1);
    cp::KernelRequest req;
    req.layer = &L;
    req.info = &info;
    req.weight = w.weight.ptr();
    req.bias = w.bias.ptr();
    const auto k = cp::select_kernel(req);
    ASSERT_NE(std::string(k->name()).find("rowpairs"), std::string::npos) << k->name();
    req.reference_only = true;
    const auto ref = cp::select_kernel(req);
    std::vector<float> in(2 * 8 * 6 * 9);
    for (size_t i = 0; i < in.size(); ++i) in[i] = float(int(i * 7919 % 201) - 100) / 100.0f;
    const auto at = [&](int n, int c, int y, int x) -> float& { return in[size_t(((n * 8 + c) * 6 + y) * 9 + x)]; };
    at(0, 3, 1, 4) = INFINITY, at(0, 5, 3, 0) = -INFINITY, at(1, 0, 3, 8) = INFINITY, at(1, 6, 3, 8) = -INFINITY;
    at(1, 2, 2, 5) = INFINITY, at(0, 1, 4, 8) = NAN;
    std::vector<float> want(size_t(2 * 5 * 12 * 18)), rs(ref->scratch_floats());
    ref->run(in.data(), want.data(), rs.data());
    int nonfinite = 0;
    for (int threads : {1, 2}) {
        if (cp::usable_threads(threads) < threads) continue;  // a build without threads
        cp::ThreadPool pool(threads);
        std::vector<float> out(want.size()), scratch(size_t(threads) * k->scratch_floats(), NAN);
        cp::run_kernel(*k, in.data(), out.data(), scratch.data(), &pool);
        for (size_t i = 0; i < want.size(); ++i) {
            const std::string at = std::to_string(i) + ", " + std::to_string(threads) + " thread(s)";
            if (std::isnan(want[i])) EXPECT_TRUE(std::isnan(out[i])) << at << ": " << out[i];
            else if (std::isinf(want[i])) EXPECT_EQ(out[i], want[i]) << at;
            else EXPECT_NEAR(out[i], want[i], 1e-5) << at;
            nonfinite += threads == 1 && !std::isfinite(want[i]);
        }
    }
    EXPECT_GT(nonfinite, 20);
}

// The limit itself (winograd_input_limit), beyond the fixture's values: a checkerboard of +-m
// makes both kernels' input transforms grow it 4x (2x on each axis: x0 - x1 with neighbours of
// opposite signs), so at m = FLT_MAX / 2 a Winograd pass would compute inf, while the direct sums
// with small weights stay finite. With the limit as it is (FLT_MAX / 8 for these weights) such
// inputs go to the direct sums and every output is the reference kernel's; a limit 4x or more too
// generous lets them into the transforms and gives inf or NaN.
// The sub-pixel transposed conv's row pairs (the third layer) only take differences of rows (2x):
// there m = 0.75 * FLT_MAX makes x0 - x1 overflow, and their limit is FLT_MAX / 4 for these weights.
TEST(WinogradSpecialValues, LimitKeepsTransformsFinite) {
    for (const char* text : {"v=1&in=16x10x10&net=conv2d(out=16,k=3,p=1)",
                             "v=1&in=16x8x8&net=convT2d(out=16,k=4,s=2,p=1)",
                             "v=1&in=16x8x8&net=convT2d(out=8,k=3,s=2,p=1,op=1)"}) {
        auto state = cp::parse_state(text);
        ASSERT_TRUE(state.ok()) << text;
        const cp::Layer& L = state->net[0];
        const cp::LayerInfo info = cp::layer_info(L, cp::input_dims(*state), 0);
        ASSERT_TRUE(info.status.ok) << text;
        cp::LayerWeights w = cp::make_weights(L, info, 1);
        for (float& v : w.weight.data) v *= 1e-3f;  // the direct sums stay far below the float limit
        cp::KernelRequest req;
        req.layer = &L;
        req.info = &info;
        req.weight = w.weight.ptr();
        req.bias = w.bias.ptr();
        // The transposed conv's fixture layer (6 -> 12 channels) is too narrow for the registry to
        // pick the Winograd kernel (convt_winograd_pays): made directly, its fallback is what is tested.
        const bool pairs = L.op == cp::Op::ConvT && info.axis[0].kernel == 3;
        const auto k = pairs                   ? cp::make_convt_simd(cp::make_geom(L, info), req.weight, req.bias, true)
                       : L.op == cp::Op::ConvT ? cp::make_convt_winograd(cp::make_geom(L, info), req.weight, req.bias)
                                               : cp::select_kernel(req);
        ASSERT_TRUE(k) << text;
        ASSERT_NE(std::string(k->name()).find(pairs ? "rowpairs" : "winograd"), std::string::npos)
            << text << " ran on " << k->name();
        req.reference_only = true;
        const auto ref = cp::select_kernel(req);
        const cp::Dims in_dims = cp::input_dims(*state);
        int64_t n_in = 1, n_out = 1;
        for (int64_t d : in_dims) n_in *= d;
        for (int64_t d : info.out) n_out *= d;
        const int64_t W = in_dims.back(), H = in_dims[in_dims.size() - 2];
        std::vector<float> in(static_cast<size_t>(n_in));
        const float m = pairs ? 0.75f * FLT_MAX : FLT_MAX / 2;
        for (int64_t i = 0; i < n_in; ++i) in[size_t(i)] = ((i % W + i / W % H) % 2 ? -1.0f : 1.0f) * m;
        std::vector<float> want(static_cast<size_t>(n_out)), out(static_cast<size_t>(n_out));
        std::vector<float> rs(ref->scratch_floats()), ks(k->scratch_floats());
        ref->run(in.data(), want.data(), rs.data());
        k->run(in.data(), out.data(), ks.data());
        double top = 0;
        for (float v : want) {
            ASSERT_TRUE(std::isfinite(v)) << text << ": the reference overflowed; the test's weights are too large";
            top = std::max(top, double(std::fabs(v)));
        }
        int64_t bad = -1;  // the first output off the reference (NaN counts as off)
        for (int64_t i = 0; i < n_out && bad < 0; ++i)
            if (!(std::fabs(double(out[size_t(i)]) - want[size_t(i)]) <= 1e-5 * top)) bad = i;
        EXPECT_EQ(bad, -1) << text << ": output " << bad << " is " << out[size_t(bad)] << ", the reference's " << want[size_t(bad)];
    }
}

}  // namespace
