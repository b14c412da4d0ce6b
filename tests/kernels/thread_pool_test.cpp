// The pool's sharing protocol (kernels/thread_pool.hpp): run_kernel computes every part exactly
// once whatever the part and thread counts, with each thread's own scratch; workers that wake
// while the work lasts join it; and many short runs in a row, or spaced to find the workers
// spinning or asleep, neither hang nor lose a part. The kernels' outputs under threads are
// checked by the threaded sweeps (simd_vs_reference_test).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "kernels/thread_pool.hpp"

namespace {

// A kernel that records which parts it computed, and which thread's scratch computed them.
class CountingKernel final : public cp::LayerKernel {
public:
    explicit CountingKernel(int64_t parts) : counts_(size_t(parts)), scratch_seen_(size_t(parts)) {}
    const char* name() const override { return "counting"; }
    size_t scratch_floats() const override { return 4; }
    int64_t parts() const override { return int64_t(counts_.size()); }
    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    void run_parts(const float*, float*, float* scratch, int64_t first, int64_t last) const override {
        ASSERT_LE(0, first);
        ASSERT_LE(first, last);
        ASSERT_LE(last, parts());
        for (int64_t p = first; p < last; ++p) {
            counts_[size_t(p)].fetch_add(1);
            scratch_seen_[size_t(p)] = scratch;
            if (slow_) std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
    int count(int64_t p) const { return counts_[size_t(p)].load(); }
    const float* scratch_of(int64_t p) const { return scratch_seen_[size_t(p)]; }
    void set_slow(bool slow) { slow_ = slow; }

private:
    mutable std::vector<std::atomic<int>> counts_;
    mutable std::vector<const float*> scratch_seen_;
    bool slow_ = false;
};

TEST(ThreadPool, EveryPartOnceWithItsThreadsScratch) {
    // At most 3: the wasm-threads test build has two pthread Workers (more would wait forever).
    for (int threads : {2, 3}) {
        cp::ThreadPool pool(threads);
        const int T = pool.threads();
        for (int64_t parts : {1, 2, 3, 7, 16, 17, 63, 64, 65, 1000}) {
            CountingKernel k(parts);
            std::vector<float> scratch(size_t(T) * k.scratch_floats());
            cp::run_kernel(k, nullptr, nullptr, scratch.data(), &pool);
            for (int64_t p = 0; p < parts; ++p) {
                EXPECT_EQ(k.count(p), 1) << threads << " threads, part " << p << " of " << parts;
                const ptrdiff_t off = k.scratch_of(p) - scratch.data();
                EXPECT_TRUE(off >= 0 && off % 4 == 0 && off / 4 < T) << "part " << p << ": scratch offset " << off;
            }
        }
    }
}

TEST(ThreadPool, ChunksAreSmallEnoughToBalanceAndNeverEmpty) {
    EXPECT_EQ(cp::chunk_parts(1, 2), 1);
    EXPECT_EQ(cp::chunk_parts(15, 2), 1);
    EXPECT_EQ(cp::chunk_parts(64, 2), 4);    // 16 chunks: 8 per thread
    EXPECT_EQ(cp::chunk_parts(256, 2), 16);
    EXPECT_EQ(cp::chunk_parts(256, 4), 8);
}

TEST(ThreadPool, AWorkerJoinsWhileTheWorkLasts) {
    cp::ThreadPool pool(2);
    if (pool.threads() < 2) GTEST_SKIP() << "this build runs one thread";
    // 400 parts of 200 us each: 80 ms on one thread, ample time for the worker to wake and join.
    CountingKernel k(400);
    k.set_slow(true);
    std::vector<float> scratch(2 * k.scratch_floats());
    cp::run_kernel(k, nullptr, nullptr, scratch.data(), &pool);
    int by_worker = 0;
    for (int64_t p = 0; p < 400; ++p) {
        EXPECT_EQ(k.count(p), 1);
        by_worker += k.scratch_of(p) == scratch.data() + 4;
    }
    EXPECT_GT(by_worker, 0) << "the worker computed nothing in 80 ms";
}

TEST(ThreadPool, ManyShortRunsInARow) {
    cp::ThreadPool pool(3);
    std::atomic<int> calls{0};
    for (int i = 0; i < 20000; ++i) pool.run([&](int t) { if (t == 0) calls.fetch_add(1); });
    EXPECT_EQ(calls.load(), 20000);
    for (int i = 0; i < 2000; ++i) {
        CountingKernel k(5);
        std::vector<float> scratch(size_t(pool.threads()) * k.scratch_floats());
        cp::run_kernel(k, nullptr, nullptr, scratch.data(), &pool);
        for (int64_t p = 0; p < 5; ++p) ASSERT_EQ(k.count(p), 1) << "run " << i << " part " << p;
    }
}

TEST(ThreadPool, RunsFindTheWorkersSpinningOrAsleep) {
    // Gaps around ThreadPool::kSpin catch the workers still spinning after the previous call,
    // just going to sleep, and asleep; each pool is destroyed right after its last call, while
    // its workers still spin.
    const auto spin = cp::ThreadPool::kSpin;
    for (const auto gap : {spin * 0, spin / 2, spin, spin * 3 / 2, spin * 3}) {
        cp::ThreadPool pool(3);
        for (int i = 0; i < 100; ++i) {
            CountingKernel k(64);
            std::vector<float> scratch(size_t(pool.threads()) * k.scratch_floats());
            cp::run_kernel(k, nullptr, nullptr, scratch.data(), &pool);
            for (int64_t p = 0; p < 64; ++p) ASSERT_EQ(k.count(p), 1) << "gap " << gap.count() << " us, run " << i;
            std::this_thread::sleep_for(gap);
        }
    }
}

}  // namespace
