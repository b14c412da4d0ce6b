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
// Why a worker spins a little before it sleeps, and the caller before it waits: waking a thread
// blocked in the kernel (a futex natively, Atomics.wait in a browser's Worker) takes tens of
// microseconds where the woken thread gets an idle core, and milliseconds on a virtual machine
// whose scheduler queues it behind its waker (bench/README.md, "Waking a thread"), and a layer
// pays it twice, once for the worker to start and once for the caller to hear the last chunk is
// done. A worker that finished a call watches for the next one for kSpin before it blocks, so
// back-to-back calls (a layer and its range scan, a benchmark's batch) find it awake; the caller
// watches for its workers' last chunks the same way (measured: bench/README.md, "Threads without
// a browser"). A spinning thread only reads one atomic, and stops after kSpin (short: on a
// shared machine a spinning thread takes a core from someone else): an idle pool holds no core.
//
// Builds without threads (wasm without -pthread: no SharedArrayBuffer, no Worker per thread)
// get a pool of one: thread_support() says how many threads this build can start.
#pragma once
#include <atomic>
#include <chrono>
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

    // How long a thread spins for the next call (a worker) or its workers' last chunks (the
    // caller) before it blocks.
    static constexpr std::chrono::microseconds kSpin{200};

private:
    void work(int t);

    std::vector<std::thread> workers_;
    std::mutex m_;
    std::condition_variable start_, done_;
    const std::function<void(int)>* job_ = nullptr;  // guarded by m_, like open_ and stop_
    std::atomic<long> generation_{0};  // calls so far: spinning workers watch it without the lock
    std::atomic<int> active_{0};       // workers inside job_: the caller watches it
    bool open_ = false;   // workers may still join job_
    int sleeping_ = 0;    // workers blocked on start_ (run notifies only when there are some)
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

// How the threads shared run_kernel's calls while a trace is set (the benchmark's
// bench/threads.cpp; nothing is recorded otherwise): per thread, when it took its first chunk and
// finished its last one (ms from the call's start) and how many chunks it computed, of the last
// threaded call.
struct ThreadTrace {
    double join_ms = 0, end_ms = 0;
    int64_t chunks = 0;
};
struct RunTrace {
    std::vector<ThreadTrace> threads;
    int64_t total_chunks = 0;
};
// Not thread-safe: set it from the thread that runs the plans, between calls.
void set_run_trace(RunTrace* trace);

}  // namespace cp
