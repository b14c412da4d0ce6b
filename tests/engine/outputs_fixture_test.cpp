// Values against PyTorch: every small configuration in tests/fixtures/outputs.jsonl is run with
// the reference kernels on PyTorch's own input and weights and must match PyTorch's output to
// 1e-5 relative to the output's largest magnitude.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/shapes.hpp"
#include "engine/net.hpp"
#include "support/fixture_values.hpp"
#include "support/json_lite.hpp"

namespace {

TEST(OutputsFixture, ReferenceKernelsMatchPyTorch) {
    const auto rows = jl::read_jsonl(std::string(CONVPLAY_FIXTURES) + "/outputs.jsonl");
    ASSERT_GT(rows.size(), 100u);
    cp::test::ValueCheck values;
    for (const auto& row : rows) {
        const std::string text = row["state"].str;
        auto state = cp::parse_state(text);
        ASSERT_TRUE(state.ok()) << text << ": " << state.status().message;
        ASSERT_EQ(state->net.size(), 1u) << text;
        const cp::Layer& L = state->net[0];
        const cp::LayerInfo info = cp::layer_info(L, cp::input_dims(*state), 0);
        ASSERT_TRUE(info.status.ok) << text << ": " << info.status.message;
        ASSERT_EQ(info.out, row["shape"].ints()) << text;
        const cp::Tensor in = cp::test::fixture_input(row, info.in);
        ASSERT_EQ(in.numel(), cp::Tensor::count(info.in)) << text;
        cp::LayerWeights w;
        if (L.has_weights()) {
            cp::Layer withv = L;
            withv.weight_values = row["weight"].floats();
            if (row.has("bias")) withv.bias_values = row["bias"].floats();
            w = cp::make_weights(withv, info, 0);
        }
        const cp::Tensor out = cp::run_layer(L, info, w, in);
        const auto want = row["output"].floats();
        ASSERT_EQ(static_cast<size_t>(out.numel()), want.size()) << text;
        if (!values.check(text, out.data.data(), want)) break;
    }
    std::printf("[ outputs ] %zu configurations, worst error %.3g relative to max |output|\n", rows.size(),
                values.worst);
}

}  // namespace
