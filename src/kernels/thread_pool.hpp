// Threads for one kernel call: a small fixed pool, and run_kernel, which splits a kernel's
// independent parts (output rows, channels: LayerKernel::parts) into one contiguous range per
// thread. Every part is computed by the same code whatever the split, so the outputs are
// bit-identical to a single-threaded run (tests/kernels/threads_test.cpp checks it).
//
// Builds without threads (wasm without -pthread: no SharedArrayBuffer, no Worker per thread)
// get a pool of one: thread_support() says how many threads this build can start.
#pragma once
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "kernels/registry.hpp"

namespace cp {

// Threads this build can run kernels on at once: 1 without thread support, otherwise the
// hardware's count (at least 1).
int thread_support();
// The thread count a pool asked for `threads` gets: 1 without thread support, else threads
// clamped to [1, 64] (more threads than cores is allowed: slower, never wrong).
int usable_threads(int threads);

class ThreadPool {
public:
    // usable_threads(threads) - 1 workers start (the caller is thread 0).
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int threads() const { return int(workers_.size()) + 1; }
    // Calls fn(t) once for every t in [0, threads()), t = 0 on the calling thread; returns when
    // every call has returned.
    void run(const std::function<void(int)>& fn);

private:
    void work(int t);

    std::vector<std::thread> workers_;
    std::mutex m_;
    std::condition_variable start_, done_;
    const std::function<void(int)>* job_ = nullptr;
    long generation_ = 0;
    int pending_ = 0;
    bool stop_ = false;
};

// Runs k on in -> out. Without a pool (or a kernel of one part) it is k.run(in, out, scratch).
// With one, thread t computes parts [t*P/T, (t+1)*P/T) with the scratch at
// scratch + t * k.scratch_floats(): scratch must hold pool->threads() * k.scratch_floats() floats.
void run_kernel(const LayerKernel& k, const float* in, float* out, float* scratch, ThreadPool* pool);

}  // namespace cp
