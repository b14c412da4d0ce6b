// Values of whole stacks against PyTorch: every small stack in tests/fixtures/stack_outputs.jsonl
// (weights in the state text, PyTorch's input and last output in the row) runs with the
// reference kernels and with the kernels the engine picks, and must match PyTorch's output to
// 1e-5 relative to the output's largest magnitude.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "engine/net.hpp"
#include "support/fixture_values.hpp"
#include "support/json_lite.hpp"

namespace {

void check_stacks(bool reference_only) {
    const auto rows = jl::read_jsonl(std::string(CONVPLAY_FIXTURES) + "/stack_outputs.jsonl");
    ASSERT_GT(rows.size(), 100u);
    cp::test::ValueCheck values;
    for (const auto& row : rows) {
        const std::string text = row["state"].str;
        auto state = cp::parse_state(text);
        ASSERT_TRUE(state.ok()) << text << ": " << state.status().message;
        const cp::Tensor in = cp::test::fixture_input(row, cp::input_dims(*state));
        ASSERT_EQ(in.numel(), cp::Tensor::count(in.shape)) << text;
        cp::RunOptions opt;
        opt.reference_only = reference_only;
        auto run = cp::run_net(*state, in, opt);
        ASSERT_TRUE(run.ok()) << text << ": " << run.status().message;
        if (!run->info.ok()) {
            ADD_FAILURE() << text << "\n  convplay fails at layer " << run->info.first_error + 1 << ": "
                          << run->info.layers[size_t(run->info.first_error)].status.message;
            if (++values.failures > 20) break;
            continue;
        }
        const cp::Tensor& out = run->layers.back().output;
        ASSERT_EQ(out.shape, row["shape"].ints()) << text;
        if (!values.check(text, out.data.data(), row["output"].floats())) break;
    }
    std::printf("[ stack outputs, %s ] %zu stacks, worst error %.3g relative to max |output|\n",
                reference_only ? "reference kernels" : "engine kernels", rows.size(), values.worst);
}

TEST(StackOutputsFixture, ReferenceKernelsMatchPyTorch) { check_stacks(true); }
TEST(StackOutputsFixture, EngineKernelsMatchPyTorch) { check_stacks(false); }

}  // namespace
