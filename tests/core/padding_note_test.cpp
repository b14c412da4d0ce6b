// The same / tfsame note (core/padding_note.hpp): PyTorch against TensorFlow/Keras with the layer's numbers.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/padding_note.hpp"

namespace {

std::vector<std::string> note(const char* text, int layer = 0) {
    auto s = cp::parse_state(text);
    EXPECT_TRUE(s.ok()) << text;
    const cp::NetInfo info = cp::net_info(*s);
    return cp::same_padding_note(s->net[size_t(layer)], info.layers[size_t(layer)]);
}

bool has(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines)
        if (l.find(part) != std::string::npos) return true;
    return false;
}

TEST(PaddingNote, TfSameWithAStrideShiftsTheWindows) {
    const auto n = note("v=1&in=3x256x256&net=conv2d(out=8,k=3,s=2,p=tfsame)");
    ASSERT_EQ(n.size(), 3u);
    EXPECT_TRUE(has(n, "H: TensorFlow/Keras 'same': out = ceil(256/2) = 128, total = max(0, (128 - 1)*2 + 3 - 256) = 1: 0 before, 1 after"))
        << n[0];
    EXPECT_TRUE(has(n, "padding='same' refuses stride 2"));
    EXPECT_TRUE(has(n, "padding=1 pads 1 on both sides: out = floor((256 + 2*1 - 3)/2) + 1 = 128, the same size, but its windows start 1 cell earlier."))
        << n[0];
    EXPECT_TRUE(has(n, "shifted by a cell"));
}

TEST(PaddingNote, TfSameSymmetricAndOddSizes) {
    // 255 with k3 s2: total = (128 - 1)*2 + 3 - 255 = 2, 1 on each side: PyTorch p=1 is the same.
    auto n = note("v=1&in=1x255&net=conv1d(out=1,k=3,s=2,p=tfsame)");
    ASSERT_EQ(n.size(), 2u);
    EXPECT_TRUE(has(n, "L: TensorFlow/Keras 'same': out = ceil(255/2) = 128, total = max(0, (128 - 1)*2 + 3 - 255) = 2: 1 before, 1 after"));
    EXPECT_TRUE(has(n, ", the same padding."));
    EXPECT_TRUE(has(n, "Here TensorFlow pads symmetrically"));
    // k4 s2 on 10: total = (5 - 1)*2 + 4 - 10 = 2; p=1 gives floor((10 + 2 - 4)/2) + 1 = 5.
    n = note("v=1&in=1x10&net=conv1d(out=1,k=4,s=2,p=tfsame)");
    EXPECT_TRUE(has(n, "= 2: 1 before, 1 after"));
}

TEST(PaddingNote, TorchSameAgainstKeras) {
    // Stride 1: both pad d*(k-1) with the odd cell after, the same on every axis.
    auto n = note("v=1&in=1x10x10&net=conv2d(out=1,k=4x3,p=same)");
    ASSERT_EQ(n.size(), 3u);
    EXPECT_TRUE(has(n, "H: PyTorch 'same': total = 1*(4 - 1) = 3: 1 before, 2 after, out = 10."));
    EXPECT_TRUE(has(n, "total = max(0, (10 - 1)*1 + 4 - 10) = 3: 1 before, 2 after (the same)."));
    EXPECT_TRUE(has(n, "At stride 1 both put the odd cell after"));
    // Dilation counts: d*(k-1).
    n = note("v=1&in=1x10&net=conv1d(out=1,k=3,d=2,p=same)");
    EXPECT_TRUE(has(n, "total = 2*(3 - 1) = 4: 2 before, 2 after"));
}

TEST(PaddingNote, NothingForOtherPaddingOrLayers) {
    EXPECT_TRUE(note("v=1&in=1x10x10&net=conv2d(out=1,k=3,p=1)").empty());
    EXPECT_TRUE(note("v=1&in=1x10x10&net=maxpool2d(k=2)").empty());
    EXPECT_TRUE(note("v=1&in=1x10x10&net=conv2d(out=1,k=3,s=2,p=same)").empty());  // PyTorch's error instead
}

}  // namespace
