// Whole stacks against PyTorch: every random multi-layer stack in tests/fixtures/stacks.jsonl
// (made by tests/fixtures/gen_fixtures.py with python3-torch, layer by layer) must give
// PyTorch's shape after every layer, fail at the same layer, and with PyTorch's exact message.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/shapes.hpp"
#include "support/json_lite.hpp"

namespace {

TEST(StacksFixture, EveryLayerAgreesWithPyTorch) {
    const auto rows = jl::read_jsonl(std::string(CONVPLAY_FIXTURES) + "/stacks.jsonl");
    ASSERT_GT(rows.size(), 1000u);
    int checked = 0, errors = 0, failures = 0;
    for (const auto& row : rows) {
        const std::string text = row["state"].str;
        auto state = cp::parse_state(text);
        ++checked;
        if (!state) {
            ADD_FAILURE() << "fixture state does not parse: " << text << "\n  " << state.status().message;
            if (++failures > 40) break;
            continue;
        }
        const cp::NetInfo info = cp::net_info(*state);
        const auto& shapes = row["shapes"].arr;
        std::string why;
        for (size_t i = 0; i < shapes.size() && why.empty(); ++i) {
            const cp::LayerInfo& L = info.layers[i];
            if (!L.status.ok) why = "layer " + std::to_string(i + 1) + ": PyTorch gives " + cp::torch_sizes(shapes[i].ints()) +
                                    ", convplay says: " + L.status.message;
            else if (L.out != shapes[i].ints())
                why = "layer " + std::to_string(i + 1) + ": PyTorch gives " + cp::torch_sizes(shapes[i].ints()) +
                      ", convplay " + cp::torch_sizes(L.out);
        }
        if (why.empty() && row.has("error")) {
            ++errors;
            const int want_layer = static_cast<int>(row["layer"].num);
            const std::string want = row["error"].str;
            if (info.first_error + 1 != want_layer)
                why = "PyTorch fails at layer " + std::to_string(want_layer) + " (" + want + "), convplay at " +
                      std::to_string(info.first_error + 1) +
                      (info.ok() ? "" : " (" + info.layers[size_t(info.first_error)].status.message + ")");
            else if (info.layers[size_t(info.first_error)].status.message != want)
                why = "layer " + std::to_string(want_layer) + "\n  PyTorch:  " + want +
                      "\n  convplay: " + info.layers[size_t(info.first_error)].status.message;
        } else if (why.empty() && !info.ok()) {
            why = "PyTorch runs every layer, convplay fails at layer " + std::to_string(info.first_error + 1) + ": " +
                  info.layers[size_t(info.first_error)].status.message;
        }
        if (!why.empty()) {
            ADD_FAILURE() << text << "\n  " << why;
            if (++failures > 40) break;
        }
    }
    std::printf("[ stacks ] %d stacks checked against PyTorch (%d fail in PyTorch), %d disagree\n", checked, errors,
                failures);
    EXPECT_EQ(failures, 0);
}

}  // namespace
