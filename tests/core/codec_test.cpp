// The state text: round trips, canonical printing, links, and garbage named precisely.
#include <gtest/gtest.h>

#include "core/codec.hpp"

namespace {

using cp::parse_state;
using cp::print_state;

std::string canon(const std::string& text) {
    auto s = parse_state(text);
    EXPECT_TRUE(s.ok()) << text << ": " << s.status().message;
    return s ? print_state(*s) : "";
}

std::string error_of(const std::string& text) {
    auto s = parse_state(text);
    EXPECT_FALSE(s.ok()) << text << " parsed, but should not";
    return s ? "" : s.status().message;
}

TEST(Codec, IssueExampleRoundTrips) {
    const std::string t =
        "v=1&in=3x64x64&img=checker&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1,op=1)";
    EXPECT_EQ(canon(t), t);
}

TEST(Codec, CanonicalFormUsesShortNamesAndDropsDefaults) {
    EXPECT_EQ(canon("net=Conv2d(out_channels=8,kernel_size=3,stride=1,padding=0,dilation=1,groups=1,bias=true,"
                    "padding_mode=zeros)&in=1x5x5"),
              "v=1&in=1x5x5&img=photo&net=conv2d(out=8,k=3)");
    EXPECT_EQ(canon("net=ConvTranspose2d(out_channels=2,kernel_size=3x3,output_padding=1x1,stride=2)"),
              "v=1&in=3x256x256&img=photo&net=convT2d(out=2,k=3,s=2,op=1)");
    EXPECT_EQ(canon("net=maxpool2d(k=2,s=2)"), "v=1&in=3x256x256&img=photo&net=maxpool2d(k=2)");
    EXPECT_EQ(canon("net=maxpool2d(k=3,s=1)"), "v=1&in=3x256x256&img=photo&net=maxpool2d(k=3,s=1)");
    EXPECT_EQ(canon("net=leaky_relu(negative_slope=0.2)"), "v=1&in=3x256x256&img=photo&net=leakyrelu(slope=0.2)");
    EXPECT_EQ(canon("net=deconv1d(out=2,k=4)&in=2x10"), "v=1&in=2x10&img=photo&net=convT1d(out=2,k=4)");
}

TEST(Codec, PaddingForms) {
    EXPECT_EQ(canon("net=conv2d(out=1,k=3,p=1:1x1:1)"), "v=1&in=3x256x256&img=photo&net=conv2d(out=1,k=3,p=1)");
    EXPECT_EQ(canon("net=conv2d(out=1,k=3,p=1x2)"), "v=1&in=3x256x256&img=photo&net=conv2d(out=1,k=3,p=1x2)");
    EXPECT_EQ(canon("net=conv2d(out=1,k=3,p=0:1x2:0)"), "v=1&in=3x256x256&img=photo&net=conv2d(out=1,k=3,p=0:1x2:0)");
    EXPECT_EQ(canon("net=conv2d(out=1,k=3,p=same)"), "v=1&in=3x256x256&img=photo&net=conv2d(out=1,k=3,p=same)");
    EXPECT_EQ(canon("net=conv2d(out=1,k=3,p=TFSAME)"), "v=1&in=3x256x256&img=photo&net=conv2d(out=1,k=3,p=tfsame)");
    EXPECT_EQ(canon("in=2x9&net=conv1d(out=1,k=3,p=0:2)"), "v=1&in=2x9&img=photo&net=conv1d(out=1,k=3,p=0:2)");
}

TEST(Codec, EveryFieldRoundTrips) {
    const std::string t =
        "v=1&in=4x9x7&n=2&img=noise&seed=7&net=conv2d(out=8,in=4,k=3x1,s=2x1,p=1:0x2:1,d=2x1,g=2,bias=0,"
        "pm=reflect,w=sobelx,seed=3);convT2d(out=4,k=4,s=2,p=1,op=1x0,d=2,g=4,w=bilinear,wv=0.5_-1_1e-07_3.25,"
        "bv=0.125_2_3_4);maxpool2d(k=3,s=2,p=1,d=2,ceil=1);avgpool2d(k=2,s=1,ceil=1,cip=0);"
        "upsample(scale=1.5x2,mode=bilinear,ac=1);upsample(size=7x5);leakyrelu(slope=0.3);sigmoid;tanh;relu";
    auto s = parse_state(t);
    ASSERT_TRUE(s.ok()) << s.status().message;
    EXPECT_EQ(print_state(*s), t);
    auto again = parse_state(print_state(*s));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *s);
}

TEST(Codec, FloatValuesRoundTripExactly) {
    cp::State s;
    cp::Layer L;
    L.op = cp::Op::Conv;
    L.out_channels = 1;
    L.kernel = {1, 3};
    for (float v : {0.1f, -1e-30f, 3.4e38f, 1.0f / 3.0f, 123456.789f, -0.0f}) L.weight_values.push_back(v);
    s.net.push_back(L);
    auto back = parse_state(print_state(s));
    ASSERT_TRUE(back.ok()) << back.status().message;
    EXPECT_EQ(*back, s);
}

TEST(Codec, AcceptsLinksAndPercentEncoding) {
    EXPECT_EQ(canon("http://127.0.0.1:8080/#v=1&in=1x8x8&net=relu"), "v=1&in=1x8x8&img=photo&net=relu");
    EXPECT_EQ(canon("#v=1&in=1x8x8&net=relu"), "v=1&in=1x8x8&img=photo&net=relu");
    EXPECT_EQ(canon("https://example.org/play?v=1&in=1x8x8&net=relu"), "v=1&in=1x8x8&img=photo&net=relu");
    EXPECT_EQ(canon("v=1&in=1x8x8&net=conv2d%28out%3D2%2Ck%3D3%29"), "v=1&in=1x8x8&img=photo&net=conv2d(out=2,k=3)");
    EXPECT_EQ(canon("  v=1&in=1x8x8&net=relu;  \n"), "v=1&in=1x8x8&img=photo&net=relu");
}

TEST(Codec, GarbageIsNamed) {
    EXPECT_EQ(error_of("v=2&net=relu"), "unsupported version 'v=2' (this convplay reads v=1)");
    EXPECT_EQ(error_of("v=1&foo=3"), "unknown key 'foo' (known: v, in, n, img, seed, net)");
    EXPECT_EQ(error_of("v=1&in=3xax4"), "bad input shape 'in=3xax4': expected CxHxW or CxL with positive whole numbers");
    EXPECT_EQ(error_of("v=1&in=3x0x4"), "bad input shape 'in=3x0x4': expected CxHxW or CxL with positive whole numbers");
    EXPECT_EQ(error_of("v=1&net=relu;conv2d(out=3,kk=3)"),
              "layer 2 (conv2d): unknown argument 'kk' (takes out, in, k, s, p, d, g, bias, pm, w, seed, wv, bv)");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3)"), "layer 1 (conv2d): missing k (kernel_size)");
    EXPECT_EQ(error_of("v=1&net=conv2d(k=3)"), "layer 1 (conv2d): missing out (out_channels)");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=3x"), "layer 1 'conv2d(out=3,k=3x': missing ')' at the end");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=3x)"), "layer 1 (conv2d): bad value '3x' for k: expected a whole number or HxW");
    EXPECT_EQ(error_of("v=1&in=2x9&net=conv1d(out=3,k=3x3)"),
              "layer 1 (conv1d): bad value '3x3' for k: expected one number (conv1d has one spatial axis)");
    EXPECT_EQ(error_of("v=1&net=conv3d(out=3,k=3)").substr(0, 33), "layer 1: unknown layer 'conv3d' (");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=3,pm=mirror)"),
              "layer 1 (conv2d): bad value 'mirror' for pm: expected zeros, reflect, replicate or circular");
    EXPECT_EQ(error_of("v=1&net=relu(k=3)"), "layer 1 (relu): unknown argument 'k' (no arguments)");
    EXPECT_EQ(error_of("v=1&net=upsample(mode=nearest)"), "layer 1 (upsample): either size or scale_factor should be defined");
    EXPECT_EQ(error_of("v=1&net=upsample(size=3,scale=2)"), "layer 1 (upsample): only one of size or scale_factor should be defined");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=3,k=5)"), "layer 1 (conv2d): argument 'k' given twice");
    EXPECT_EQ(error_of("v=1&in=3x4x4&in=3x4x4"), "key 'in' given twice");
    EXPECT_EQ(error_of("v=1&net=relu;;relu"), "layer 2 is empty (';;')");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=3,wv=1_x_2)"),
              "layer 1 (conv2d): bad value 'x' for wv: expected a decimal number (values joined by _)");
    EXPECT_EQ(error_of("http://127.0.0.1:8080/"), "the link has no state after '#' (expected #v=1&in=...&net=...)");
    EXPECT_EQ(error_of(""), "empty state (expected v=1&in=...&net=...)");
}

// A text under the limit whose canonical form is over it ('.5' prints as '0.5') is refused, so
// every state that parses prints a text that parses (its share link reads back).
TEST(Codec, TextThatPrintsOverTheLimitIsRefused) {
    auto layer = [](int values) {
        std::string wv;
        for (int i = 0; i < values; ++i) wv += (i ? "_" : "") + std::string(".5");
        return "conv2d(out=64,in=64,k=1,wv=" + wv + ")";
    };
    const std::string four = "v=1&in=64x8x8&net=" + layer(4096) + ";" + layer(4096) + ";" + layer(4096) + ";" + layer(4096);
    ASSERT_LT(four.size(), 65536u);
    const std::string err = error_of(four);
    EXPECT_EQ(err.rfind("state text is too long once written out in full (", 0), 0u) << err;
    const std::string three = "v=1&in=64x8x8&net=" + layer(4096) + ";" + layer(4096) + ";" + layer(4096);
    auto s = cp::parse_state(three);
    ASSERT_TRUE(s.ok()) << s.status().message;
    EXPECT_TRUE(cp::parse_state(cp::print_state(*s)).ok());
}

// What a tutorial author pastes: a state copied out of an HTML attribute ('&amp;'), and Python's
// spacing after commas and around '='; both read as the state they mean.
TEST(Codec, PastedHtmlAndPythonSpacingRead) {
    const auto canon = [](const std::string& text) {
        auto s = cp::parse_state(text);
        EXPECT_TRUE(s.ok()) << text << ": " << s.status().message;
        return s.ok() ? cp::print_state(*s) : std::string();
    };
    EXPECT_EQ(canon("v=1&amp;in=1x3x3&amp;net=convT2d(out=1, k=3, s=2, p=1)"),
              "v=1&in=1x3x3&img=photo&net=convT2d(out=1,k=3,s=2,p=1)");
    EXPECT_EQ(canon("v=1 & in=1x3x3 & net=relu; conv2d(out=1, k = 3)"), "v=1&in=1x3x3&img=photo&net=relu;conv2d(out=1,k=3)");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=1,k=3 3)"), "layer 1 (conv2d): bad value '3 3' for k: expected a whole number or HxW");
}

TEST(Codec, NumbersBeyondTheirRangeSaySo) {
    EXPECT_EQ(error_of("v=1&net=leakyrelu(slope=1e7)"), "layer 1 (leakyrelu): slope=1e7 is out of range (at most 1e6 in magnitude)");
    EXPECT_EQ(error_of("v=1&in=1x2x2&net=conv2d(out=1,k=1,wv=1e39)"),
              "layer 1 (conv2d): wv value 1e39 is out of range (float32: at most 3.4028235e38 in magnitude)");
    auto s = cp::parse_state("v=1&in=1x2x2&net=conv2d(out=1,k=1,wv=3.4028235e38)");  // FLT_MAX as written
    ASSERT_TRUE(s.ok()) << s.status().message;
    EXPECT_EQ(s->net[0].weight_values.at(0), 3.4028235e38f);
}

TEST(Codec, HostileTextIsCapped) {
    EXPECT_EQ(error_of(std::string(70000, 'a')), "state text is too long (70000 characters; at most 65536)");
    std::string many = "v=1&net=relu";
    for (int i = 0; i < 70; ++i) many += ";relu";
    EXPECT_EQ(error_of(many), "the net has 71 layers (at most 64)");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=99999,k=3)"),
              "layer 1 (conv2d): out=99999 is out of range (at most 4096 channels)");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=99999999999999999999)"),
              "layer 1 (conv2d): k=99999999999999999999 is out of range (at most 65536)");
    // Numbers too large or too long to read are out of range, not "not a number".
    EXPECT_EQ(error_of("v=1&net=upsample(size=16777217)"), "layer 1 (upsample): size=16777217 is out of range (at most 65536)");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=3,p=1:99999999999999999999999)"),
              "layer 1 (conv2d): p=1:99999999999999999999999 is out of range (at most 65536)");
    EXPECT_EQ(error_of("v=1&in=3x99999999999999999999x5"), "input size 99999999999999999999 is out of range (at most 65536)");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=3x)"), "layer 1 (conv2d): bad value '3x' for k: expected a whole number or HxW");
    // The text is plain ASCII: a NUL or the bytes of a percent-escape never reach a message.
    EXPECT_EQ(error_of(std::string("v=1&net=re\0lu", 14)), "the state has byte 0x00 at position 11: it is plain ASCII text");
    EXPECT_EQ(error_of("v=1&net=relu%E0%A4"), "the state has byte 0xE0 at position 13: it is plain ASCII text");
    EXPECT_EQ(error_of("v=1&net=relu%01"), "the state has byte 0x01 at position 13: it is plain ASCII text");
    EXPECT_EQ(error_of("v=1&net=conv2d(out=3,k=70000)"), "layer 1 (conv2d): k=70000 is out of range (at most 65536)");
    EXPECT_EQ(error_of("v=1&in=3x100000x5"), "input size 100000 is out of range (at most 65536)");
    EXPECT_EQ(error_of("v=1&n=65"), "bad batch 'n=65': expected 1 to 64");
    EXPECT_EQ(error_of("v=1&net=upsample(scale=1e300)"), "layer 1 (upsample): scale=1e300 is out of range (at most 64)");
    std::string values = "v=1&net=conv2d(out=1,k=1,wv=1";
    for (int i = 0; i < 5000; ++i) values += "_1";
    EXPECT_EQ(error_of(values + ")"), "layer 1 (conv2d): wv has 5001 values (at most 4096)");
}

}  // namespace
