// Shapes and errors against PyTorch: every configuration in tests/fixtures/shapes.jsonl (made by
// tests/fixtures/gen_fixtures.py with python3-torch) must give PyTorch's output shape, or fail
// with PyTorch's exact message.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/shapes.hpp"
#include "support/json_lite.hpp"

namespace {

TEST(ShapesFixture, AgreesWithPyTorchOnEveryConfiguration) {
    const auto rows = jl::read_jsonl(std::string(CONVPLAY_FIXTURES) + "/shapes.jsonl");
    ASSERT_GT(rows.size(), 1000u);
    int checked = 0, errors = 0, failures = 0;
    for (const auto& row : rows) {
        const std::string text = row["state"].str;
        auto state = cp::parse_state(text);
        if (!state) {
            ADD_FAILURE() << "fixture state does not parse: " << text << "\n  " << state.status().message;
            if (++failures > 25) break;
            continue;
        }
        const cp::NetInfo info = cp::net_info(*state);
        ++checked;
        if (row.has("shape")) {
            const auto want = row["shape"].ints();
            if (!info.ok()) {
                ADD_FAILURE() << text << "\n  PyTorch: " << cp::torch_sizes(want)
                              << "\n  convplay error: " << info.layers[size_t(info.first_error)].status.message;
                ++failures;
            } else if (info.layers.back().out != want) {
                ADD_FAILURE() << text << "\n  PyTorch: " << cp::torch_sizes(want)
                              << "\n  convplay: " << cp::torch_sizes(info.layers.back().out);
                ++failures;
            }
        } else {
            ++errors;
            const std::string want = row["error"].str;
            if (info.ok()) {
                ADD_FAILURE() << text << "\n  PyTorch error: " << want
                              << "\n  convplay: " << cp::torch_sizes(info.layers.back().out);
                ++failures;
            } else if (info.layers[size_t(info.first_error)].status.message != want) {
                ADD_FAILURE() << text << "\n  PyTorch:  " << want
                              << "\n  convplay: " << info.layers[size_t(info.first_error)].status.message;
                ++failures;
            }
        }
        if (failures > 40) break;
    }
    std::printf("[ shapes ] %d configurations checked against PyTorch (%d errors), %d disagree\n", checked, errors,
                failures);
    EXPECT_EQ(failures, 0);
}

}  // namespace
