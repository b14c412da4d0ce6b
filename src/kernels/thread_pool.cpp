// ThreadPool and run_kernel (see thread_pool.hpp).
#include "kernels/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>  // EM_JS: the trace clock
#endif

namespace cp {

int thread_support() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    return 1;  // std::thread cannot start here (and wasm has no exceptions to report it with)
#else
    return std::max(1, int(std::thread::hardware_concurrency()));
#endif
}

int usable_threads(int threads) {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    (void)threads;
    return 1;
#else
    return std::clamp(threads, 1, 64);
#endif
}

ThreadPool::ThreadPool(int threads) {
    const int n = usable_threads(threads);
    for (int t = 1; t < n; ++t) workers_.emplace_back([this, t] { work(t); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(m_);
        stop_ = true;
    }
    start_.notify_all();
    for (std::thread& w : workers_) w.join();
}

namespace {

// Spins until done() or for ThreadPool::kSpin; true when done() came true. The clock is read
// every 64 checks (in wasm it is a call out to JavaScript).
template <class Done>
bool spin_until(Done done) {
    const auto end = std::chrono::steady_clock::now() + ThreadPool::kSpin;
    for (int n = 1;; ++n) {
        if (done()) return true;
        if (n % 64 == 0 && std::chrono::steady_clock::now() >= end) return done();
    }
}

}  // namespace

void ThreadPool::work(int t) {
    long seen = 0;
    for (;;) {
        spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
        const std::function<void(int)>* job;
        {
            std::unique_lock<std::mutex> lock(m_);
            ++sleeping_;
            start_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
            --sleeping_;
            if (stop_) return;
            seen = generation_.load(std::memory_order_relaxed);
            if (!open_) continue;  // woke after the caller finished: nothing left to share
            active_.fetch_add(1, std::memory_order_relaxed);
            job = job_;
        }
        (*job)(t);
        std::lock_guard<std::mutex> lock(m_);
        if (active_.fetch_sub(1, std::memory_order_release) == 1 && !open_) done_.notify_one();
    }
}

void ThreadPool::run(const std::function<void(int)>& fn) {
    if (workers_.empty()) return fn(0);
    bool notify;
    {
        std::lock_guard<std::mutex> lock(m_);
        job_ = &fn;
        open_ = true;
        generation_.fetch_add(1, std::memory_order_release);
        notify = sleeping_ > 0;
    }
    if (notify) start_.notify_all();
    fn(0);
    // fn(0) returned: every chunk is taken. Wait only for the workers computing one.
    {
        std::lock_guard<std::mutex> lock(m_);
        open_ = false;  // from here no worker joins, so active_ only falls
    }
    spin_until([&] { return active_.load(std::memory_order_acquire) == 0; });
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [&] { return active_.load(std::memory_order_acquire) == 0; });
    job_ = nullptr;
}

int64_t chunk_parts(int64_t parts, int threads) {
    return std::max<int64_t>(1, parts / (int64_t(threads) * 8));
}

namespace {
RunTrace* g_trace = nullptr;

// The trace compares threads' times, so it needs one clock for all of them. A wasm thread's
// steady_clock is the browser's performance.now() shifted by an offset Emscripten sets as the
// thread starts, from the send time of the message that starts it: off by that message's delay
// (seen: a pool thread's calls "ended 14 ms apart" from the caller's, on 3 ms calls). Every
// Worker's timeOrigin + now() reads one shared high-resolution clock instead.
#ifdef __EMSCRIPTEN__
EM_JS(double, trace_now_ms, (), { return performance.timeOrigin + performance.now(); });
#else
double trace_now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
#endif
}  // namespace

void set_run_trace(RunTrace* trace) { g_trace = trace; }

void run_kernel(const LayerKernel& k, const float* in, float* out, float* scratch, ThreadPool* pool) {
    const int64_t parts = k.parts();
    if (!pool || pool->threads() == 1 || parts < 2) return k.run(in, out, scratch);
    const int64_t chunk = chunk_parts(parts, pool->threads());
    const size_t per = k.scratch_floats();
    std::atomic<int64_t> next{0};
    RunTrace* trace = g_trace;
    // The clock only for a trace: in wasm each read is a call out to JavaScript.
    const double t0 = trace ? trace_now_ms() : 0.0;
    const auto ms = [&] { return trace_now_ms() - t0; };
    if (trace) {
        trace->threads.assign(size_t(pool->threads()), ThreadTrace{});
        trace->total_chunks = (parts + chunk - 1) / chunk;
    }
    pool->run([&](int t) {
        ThreadTrace* me = trace ? &trace->threads[size_t(t)] : nullptr;
        for (int64_t first; (first = next.fetch_add(chunk, std::memory_order_relaxed)) < parts;) {
            if (me && me->chunks++ == 0) me->join_ms = ms();
            k.run_parts(in, out, scratch + size_t(t) * per, first, std::min(parts, first + chunk));
            if (me) me->end_ms = ms();
        }
    });
}

}  // namespace cp
