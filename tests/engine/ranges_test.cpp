// Per-plane ranges (engine/ranges.hpp): each of the N*C planes' min and max, for 2-d and 1-d
// tensors, as a plain loop over the plane finds them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/ranges.hpp"

namespace cp {
namespace {

void expect_plain(const Tensor& t) {
    const int64_t P = plane_count(t.shape), S = plane_size(t.shape);
    ASSERT_EQ(P * S, t.numel());
    const std::vector<float> r = plane_ranges(t);
    ASSERT_EQ(r.size(), size_t(2 * P));
    for (int64_t p = 0; p < P; ++p) {
        float lo = t.data[size_t(p * S)], hi = lo;
        for (int64_t i = 0; i < S; ++i) lo = std::min(lo, t.data[size_t(p * S + i)]), hi = std::max(hi, t.data[size_t(p * S + i)]);
        EXPECT_EQ(r[size_t(p)], lo) << "plane " << p;
        EXPECT_EQ(r[size_t(P + p)], hi) << "plane " << p;
    }
}

TEST(PlaneRanges, EveryPlaneOfImagesAndSignals) {
    for (const Dims& shape : {Dims{1, 3, 5, 7}, Dims{2, 4, 3, 2}, Dims{2, 3, 11}, Dims{1, 1, 1, 1}}) {
        Tensor t(shape);
        for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = float((i * 7919) % 113) - 56.5f;
        expect_plain(t);
    }
}

TEST(PlaneRanges, LongPlanesEveryTailAndNaNSkipped) {
    // Sizes around the 8-wide SIMD loop, the extremes at every position, NaN anywhere.
    for (int64_t size : {1, 3, 7, 8, 9, 15, 16, 17, 64, 1001}) {
        Tensor t(Dims{1, 2, size});
        for (int64_t at = 0; at < size; at += std::max<int64_t>(1, size / 13)) {
            for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = float((i * 7919) % 113) - 56.5f;
            t.data[size_t(at)] = -1000.0f;                  // plane 0's minimum
            t.data[size_t(size + at)] = 1000.0f;            // plane 1's maximum
            expect_plain(t);
            t.data[size_t(size - 1 - at)] = std::numeric_limits<float>::quiet_NaN();
            const std::vector<float> r = plane_ranges(t);
            if (size - 1 - at != at) {
                EXPECT_EQ(r[0], -1000.0f) << size << " " << at;
            }
            if (size > 1) {
                EXPECT_FALSE(std::isnan(r[0]) || std::isnan(r[2])) << "NaN skipped, size " << size << " at " << at;
            }
        }
    }
    Tensor nan(Dims{1, 1, 5});
    nan.data.assign(5, std::numeric_limits<float>::quiet_NaN());
    const std::vector<float> r = plane_ranges(nan);
    EXPECT_TRUE(std::isnan(r[0]) && std::isnan(r[1]));
}

TEST(PlaneRanges, PiecesOnThreadsGiveTheSameRanges) {
    // Planes cut into pieces of 16384 values, scanned on 1, 2 and 3 threads: around a piece's
    // size, several pieces with a ragged end, a piece of NaN only inside a plane that has values.
    const float nan = std::numeric_limits<float>::quiet_NaN();
    ThreadPool two(2), three(3);
    for (int64_t size : {16383, 16384, 16385, 3 * 16384 + 5}) {
        Tensor t(Dims{1, 3, size});
        for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = float((i * 7919) % 113) - 56.5f;
        t.data[size_t(size - 1)] = -1000.0f;                        // plane 0's minimum, in its last piece
        t.data[size_t(2 * size + size / 2)] = 1000.0f;              // plane 2's maximum, mid-plane
        expect_plain(t);
        std::fill(t.data.begin() + size, t.data.begin() + size + std::min<int64_t>(size - 1, 16384), nan);
        const std::vector<float> one = plane_ranges(t);
        EXPECT_EQ(one[0], -1000.0f);
        EXPECT_EQ(one[5], 1000.0f);
        EXPECT_FALSE(std::isnan(one[1]) || std::isnan(one[4])) << "plane 1's NaN piece skipped, size " << size;
        for (ThreadPool* pool : {&two, &three}) EXPECT_EQ(plane_ranges(t, pool), one) << pool->threads() << " threads, size " << size;
    }
}

TEST(PlaneRanges, ExtremesAtPieceEdges) {
    // The extreme in the first or last value of a piece (k * 16384 and the one before it) of a
    // plane in the middle: an off-by-one in a piece's start or length misses it.
    const int64_t size = 3 * 16384 + 5;
    ThreadPool two(2), three(3);
    for (int64_t at : {int64_t(0), int64_t(16383), int64_t(16384), int64_t(2 * 16384 - 1), int64_t(2 * 16384),
                       int64_t(3 * 16384 - 1), int64_t(3 * 16384), size - 1}) {
        Tensor t(Dims{1, 3, size});
        for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = float((i * 7919) % 113) - 56.5f;
        t.data[size_t(size + at)] = -1000.0f;
        t.data[size_t(size + (size - 1 - at))] = 1000.0f;
        expect_plain(t);
        const std::vector<float> one = plane_ranges(t);
        EXPECT_EQ(one[1], -1000.0f) << "at " << at;
        EXPECT_EQ(one[4], 1000.0f) << "at " << size - 1 - at;
        for (ThreadPool* pool : {&two, &three}) EXPECT_EQ(plane_ranges(t, pool), one) << pool->threads() << " threads, at " << at;
    }
}

TEST(PlaneRanges, CountsAndSizes) {
    EXPECT_EQ(plane_count({2, 3, 4, 5}), 6);
    EXPECT_EQ(plane_size({2, 3, 4, 5}), 20);
    EXPECT_EQ(plane_count({1, 4, 9}), 4);
    EXPECT_EQ(plane_size({1, 4, 9}), 9);
}

}  // namespace
}  // namespace cp
