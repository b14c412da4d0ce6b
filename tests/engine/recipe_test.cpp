// The transposed conv computed directly (scatter) and by the teaching recipe (insert zeros, pad
// d*(k-1)-p, add output_padding, slide the flipped kernel with stride 1) agree on a sweep of sizes,
// strides, paddings, dilations, groups and output paddings.
#include <gtest/gtest.h>

#include <cmath>

#include "core/codec.hpp"
#include "engine/net.hpp"
#include "engine/rng.hpp"

namespace {

TEST(Recipe, EqualsDirectTransposedConv) {
    int checked = 0;
    cp::Rng rng(42);
    for (int64_t i : {1, 2, 3, 5, 8})
        for (int64_t k : {1, 2, 3, 4})
            for (int64_t s : {1, 2, 3})
                for (int64_t p : {0, 1, 2})
                    for (int64_t d : {1, 2})
                        for (int64_t op : {0, 1, 2})
                            for (int64_t g : {1, 2}) {
                                const std::string text = "v=1&in=" + std::to_string(2 * g) + "x" + std::to_string(i) + "x" +
                                                         std::to_string(i + 1) + "&net=convT2d(out=" + std::to_string(2 * g) +
                                                         ",k=" + std::to_string(k) + "x" + std::to_string(k == 1 ? 2 : k - 1) +
                                                         ",s=" + std::to_string(s) + ",p=" + std::to_string(p) +
                                                         ",op=" + std::to_string(op) + ",d=" + std::to_string(d) +
                                                         ",g=" + std::to_string(g) + ")";
                                auto st = cp::parse_state(text);
                                ASSERT_TRUE(st.ok()) << text;
                                const cp::LayerInfo info = cp::net_info(*st).layers[0];
                                if (!info.status.ok) continue;  // op too big, output too small...
                                cp::Tensor in(info.in);
                                for (auto& v : in.data) v = rng.uniform(-1, 1);
                                const cp::LayerWeights w = cp::make_weights(st->net[0], info, 7);
                                const cp::Tensor direct = cp::run_layer(st->net[0], info, w, in);
                                const cp::Tensor recipe = cp::conv_transpose_by_recipe(st->net[0], info, w, in);
                                ASSERT_EQ(direct.shape, recipe.shape) << text;
                                for (size_t j = 0; j < direct.data.size(); ++j)
                                    ASSERT_NEAR(direct.data[j], recipe.data[j], 1e-5) << text << " at " << j;
                                ++checked;
                            }
    EXPECT_GT(checked, 500);
}

}  // namespace
