// Signal files (engine/signal_file.hpp): CSV columns and .npy columns become the channels of a
// [1, C, L] input; headers are skipped; ragged lines, words, empty files, wrong .npy ranks and
// files beyond the budget are refused with the line or the shape that is wrong.
#include <gtest/gtest.h>

#include "engine/npy.hpp"
#include "engine/signal_file.hpp"

namespace {

cp::Tensor ok(const std::string& bytes, const std::string& name = "s.csv") {
    auto d = cp::decode_signal(bytes, name, 1000);
    EXPECT_TRUE(d.ok()) << d.status().message;
    return d ? d->tensor : cp::Tensor();
}

std::string refused(const std::string& bytes, const std::string& name = "s.csv", int64_t budget = 1000) {
    auto d = cp::decode_signal(bytes, name, budget);
    EXPECT_FALSE(d.ok());
    return d ? "" : d.status().message;
}

TEST(SignalFile, CsvColumnsAreChannels) {
    const cp::Tensor t = ok("time,left,right\n1, 0.5, -2\n2,1.5,3e-1\r\n\n3;2;+4\n");
    ASSERT_EQ(t.shape, (cp::Dims{1, 3, 3}));
    EXPECT_EQ(t.data, (cp::Tensor::Data{1, 2, 3, 0.5f, 1.5f, 2, -2, 0.3f, 4}));
    EXPECT_EQ(ok("1\t2\n3\t4").shape, (cp::Dims{1, 2, 2}));
    EXPECT_EQ(ok("7 8 9\n").shape, (cp::Dims{1, 3, 1}));
}

TEST(SignalFile, BadCsvSaysWhere) {
    EXPECT_EQ(refused("1,2\n3\n"), "s.csv line 2 has 1 values; the lines before have 2");
    EXPECT_EQ(refused("a,b\n1,x\n"), "s.csv line 2: 'x' is not a number");
    EXPECT_EQ(refused(",a\n1,,2\n"), "s.csv line 2: an empty field is not a number");  // (a header may have one)
    EXPECT_EQ(refused("\n \n"), "s.csv has no numbers: a signal file has one column per channel, one line per sample");
    EXPECT_EQ(refused("1,2\n3,4\n", "s.csv", 3), "s.csv has 4 values: too many for a signal (at most 3)");
    EXPECT_EQ(refused("1\nnan\n"), "s.csv line 2: 'nan' is not a number");
    // A first line with a number in it is data with a typo, not a header: refused, not dropped.
    EXPECT_EQ(refused("1,2x\n2,3\n4,5\n"), "s.csv line 1: '2x' is not a number");
    EXPECT_EQ(refused("1,nan\n2,3\n"), "s.csv line 1: 'nan' is not a number");
    EXPECT_EQ(ok("a,b\n1,2\n").shape, (cp::Dims{1, 2, 1}));
    // Beyond float32 it would become inf.
    EXPECT_EQ(refused("1\n1e39\n"), "s.csv line 2: '1e39' is beyond float32's range (about 3.4e38)");
    EXPECT_EQ(ok("1\n-3.4e38\n").shape, (cp::Dims{1, 1, 2}));
    cp::Tensor scalar(cp::Dims{});
    scalar.data = {1};
    EXPECT_EQ(refused(cp::encode_npy(scalar), "z.npy"),
              "z.npy: a .npy signal is (L) or (L, C), one column per channel; this one is 0-d (one value)");
}

TEST(SignalFile, NpyOfOneOrTwoAxes) {
    cp::Tensor a(cp::Dims{4});
    a.data = {1, 2, 3, 4};
    EXPECT_EQ(ok(cp::encode_npy(a), "a.npy").shape, (cp::Dims{1, 1, 4}));
    cp::Tensor b(cp::Dims{3, 2});  // 3 samples of 2 channels
    b.data = {1, 10, 2, 20, 3, 30};
    const cp::Tensor t = ok(cp::encode_npy(b), "b.npy");
    ASSERT_EQ(t.shape, (cp::Dims{1, 2, 3}));
    EXPECT_EQ(t.data, (cp::Tensor::Data{1, 2, 3, 10, 20, 30}));
    EXPECT_EQ(refused(cp::encode_npy(cp::Tensor(cp::Dims{2, 2, 2})), "c.npy"),
              "c.npy: a .npy signal is (L) or (L, C), one column per channel; this one is 2x2x2");
}

TEST(SignalFile, UploadsPickSignalOrImage) {
    EXPECT_TRUE(cp::is_signal_file("1,2", "x.CSV"));
    EXPECT_TRUE(cp::is_signal_file(cp::encode_npy(cp::Tensor(cp::Dims{2})), "blob"));
    EXPECT_FALSE(cp::is_signal_file("\x89PNG", "x.png"));
    EXPECT_FALSE(cp::is_signal_file("0\n1\n", "notes.txt"));
    auto d = cp::decode_upload("0\n1\n0\n", 3, cp::upload_limits(), "x.tsv");
    ASSERT_TRUE(d.ok()) << d.status().message;
    EXPECT_EQ(d->tensor.shape, (cp::Dims{1, 1, 3}));
}

}  // namespace
