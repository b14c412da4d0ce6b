// The exporters' small encoders (base64, Python float text, the protobuf writer) and what every
// export shares (refusals, the input). The exported models themselves are run in PyTorch, ONNX
// Runtime and tf.layers by tests/export/check_pytorch.py and tests/web/export_*.test.mjs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/codec.hpp"
#include "engine/export.hpp"
#include "engine/protobuf_writer.hpp"
#include "engine/rng.hpp"

namespace cp {

TEST(Export, Base64KnownVectors) {
    EXPECT_EQ(base64_encode("", 0), "");
    EXPECT_EQ(base64_encode("f", 1), "Zg==");
    EXPECT_EQ(base64_encode("fo", 2), "Zm8=");
    EXPECT_EQ(base64_encode("foo", 3), "Zm9v");
    EXPECT_EQ(base64_encode("foobar", 6), "Zm9vYmFy");
    const unsigned char hi[] = {0xff, 0xfe, 0x00};
    EXPECT_EQ(base64_encode(hi, 3), "//4A");
}

TEST(Export, PythonFloatReadsBackExactly) {
    // Python reads a literal as a double; rounding that to float32 must give the same bits.
    Rng rng(7);
    for (int i = 0; i < 200000; ++i) {
        uint32_t bits = uint32_t(rng.next());
        float v;
        std::memcpy(&v, &bits, 4);
        if (!std::isfinite(v)) continue;
        const std::string s = python_float(v);
        ASSERT_EQ(static_cast<float>(std::strtod(s.c_str(), nullptr)), v) << s;
        ASSERT_NE(s.find_first_of(".e"), std::string::npos) << s << " would be an int in Python";
    }
    EXPECT_EQ(python_float(1.0f), "1.0");
    EXPECT_EQ(python_float(0.5f), "0.5");
    EXPECT_EQ(python_float(-INFINITY), "float('-inf')");
}

TEST(Export, ProtobufWireFormat) {
    pb::Writer w;
    w.varint(1, 150);  // the protobuf documentation's example: 08 96 01
    EXPECT_EQ(w.str(), std::string("\x08\x96\x01", 3));
    pb::Writer n;
    n.int64(3, -1);  // ten-byte two's complement
    EXPECT_EQ(n.str().size(), 11u);
    EXPECT_EQ(static_cast<unsigned char>(n.str().back()), 0x01);
    pb::Writer f, m;
    f.float32(2, 1.0f);
    EXPECT_EQ(f.str(), std::string("\x15\x00\x00\x80\x3f", 5));
    m.message(7, f).bytes(2, "ab");
    EXPECT_EQ(m.str(), std::string("\x3a\x05\x15\x00\x00\x80\x3f\x12\x02" "ab", 11));
}

TEST(Export, RefusesAStackWithAnError) {
    auto s = parse_state("v=1&in=3x8x8&net=relu;conv2d(out=4,k=3,g=2)");
    ASSERT_TRUE(s.ok());
    auto m = prepare_export(*s);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().message, "layer 2 (conv2d(out=4,k=3,g=2)): in_channels must be divisible by groups");
}

TEST(Export, CarriesTheBuiltInImageOrSaysWhyNot) {
    auto s = parse_state("v=1&in=1x4x4&img=impulse&net=relu");
    auto m = prepare_export(*s);
    ASSERT_TRUE(m.ok());
    ASSERT_EQ(m->input.data.size(), 16u);
    EXPECT_EQ(m->input.data[2 * 4 + 2], 1.0f);  // the impulse at the centre
    auto up = prepare_export(*parse_state("v=1&in=1x4x4&img=upload&net=relu"));
    ASSERT_TRUE(up.ok());
    EXPECT_TRUE(up->input.data.empty());
    EXPECT_NE(input_note(*up).find("random stand-in"), std::string::npos);
    EXPECT_NE(export_pytorch(*up).find("x = torch.rand(1, 1, 4, 4)"), std::string::npos);
}

}  // namespace cp
