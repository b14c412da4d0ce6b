// Regression tests for what the fuzzers and the sanitizer build found: sizes at the state text's
// caps must not overflow (MACs saturate), and empty tensors are handled. (Explain's: in
// explain_test.cpp.)
#include <gtest/gtest.h>

#include <climits>

#include "core/codec.hpp"
#include "engine/npy.hpp"

namespace {

cp::NetInfo info_of(const std::string& text) {
    auto s = cp::parse_state(text);
    EXPECT_TRUE(s.ok()) << s.status().message;
    return cp::net_info(*s);
}

TEST(Caps, MacsOfAStackAtTheCapsSaturate) {
    const auto info = info_of("v=1&in=4096x65536x65536&net=conv2d(out=4096,k=32768);convT2d(out=4096,k=4096)");
    ASSERT_TRUE(info.ok()) << info.layers[size_t(std::max(0, info.first_error))].status.message;
    EXPECT_EQ(info.layers[0].macs, INT64_MAX);
    EXPECT_EQ(info.layers[1].macs, INT64_MAX);
    EXPECT_GT(info.layers[0].params, 0);
}

TEST(Caps, EmptyNpyReadsAsAnEmptyTensor) {
    cp::Tensor t(cp::Dims{2, 0, 3});
    auto back = cp::parse_npy(cp::encode_npy(t));
    ASSERT_TRUE(back.ok()) << back.status().message;
    EXPECT_EQ(back->shape, (cp::Dims{2, 0, 3}));
    EXPECT_TRUE(back->data.empty());
}

}  // namespace
