// Threads for one kernel call: a small fixed pool, and run_kernel, which hands a kernel's
// independent parts (output rows, channels: LayerKernel::parts) to the threads in small chunks
// as they ask for more. Every part is computed by the same code whatever the split, so the
// outputs are bit-identical to a single-threaded run (the threaded sweeps of
// tests/kernels/simd_vs_reference_test.cpp check it).
//
// Why chunks handed out on demand, not one fixed range per thread: the browser's other threads
// (its main thread, the GPU process, other tabs) share the cores. With fixed ranges a layer takes
// as long as its slowest thread, so a thread that waits for a core makes 2 threads slower than 1
// (seen: a depthwise layer 0.41x of one thread at load 6-9). With chunks the threads that run do
// the work, and a thread that starts after the last chunk is taken is not waited for at all.
//
// Builds without threads (wasm without -pthread: no SharedArrayBuffer, no Worker per thread)
// get a pool of one: thread_support() says how many threads this build can start.
#pragma once
#include <condition_variable>
#include <cstdint>
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
    // Calls fn(0) on the calling thread, and fn(t) on each worker t in [1, threads()) that wakes
    // while that call is still running: fn must share its work out itself (run_kernel takes
    // chunks from a counter) and be correct whichever workers join. Returns when fn(0) and every
    // call that started have returned; a worker that wakes later does not call fn at all.
    void run(const std::function<void(int)>& fn);

private:
    void work(int t);

    std::vector<std::thread> workers_;
    std::mutex m_;
    std::condition_variable start_, done_;
    const std::function<void(int)>* job_ = nullptr;
    long generation_ = 0;
    bool open_ = false;  // workers may still join job_
    int active_ = 0;     // workers inside job_
    bool stop_ = false;
};

// The parts one chunk of run_kernel holds: about 8 chunks per thread, so a thread that starts
// late or is interrupted leaves at most an eighth of its share to the others.
int64_t chunk_parts(int64_t parts, int threads);

// Runs k on in -> out. Without a pool (or a kernel of one part) it is k.run(in, out, scratch).
// With one, each thread t takes chunks of chunk_parts() parts in order from a shared counter and
// computes them with the scratch at scratch + t * k.scratch_floats(): scratch must hold
// pool->threads() * k.scratch_floats() floats.
void run_kernel(const LayerKernel& k, const float* in, float* out, float* scratch, ThreadPool* pool);

}  // namespace cp
