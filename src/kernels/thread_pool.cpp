// ThreadPool and run_kernel (see thread_pool.hpp).
#include "kernels/thread_pool.hpp"

#include <algorithm>
#include <atomic>

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

void ThreadPool::work(int t) {
    long seen = 0;
    for (;;) {
        const std::function<void(int)>* job;
        {
            std::unique_lock<std::mutex> lock(m_);
            start_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_) return;
            seen = generation_;
            if (!open_) continue;  // woke after the caller finished: nothing left to share
            ++active_;
            job = job_;
        }
        (*job)(t);
        std::lock_guard<std::mutex> lock(m_);
        if (--active_ == 0 && !open_) done_.notify_one();
    }
}

void ThreadPool::run(const std::function<void(int)>& fn) {
    if (workers_.empty()) return fn(0);
    {
        std::lock_guard<std::mutex> lock(m_);
        job_ = &fn;
        open_ = true;
        ++generation_;
    }
    start_.notify_all();
    fn(0);
    // fn(0) returned: every chunk is taken. Wait only for the workers computing one.
    std::unique_lock<std::mutex> lock(m_);
    open_ = false;
    done_.wait(lock, [&] { return active_ == 0; });
    job_ = nullptr;
}

int64_t chunk_parts(int64_t parts, int threads) {
    return std::max<int64_t>(1, parts / (int64_t(threads) * 8));
}

void run_kernel(const LayerKernel& k, const float* in, float* out, float* scratch, ThreadPool* pool) {
    const int64_t parts = k.parts();
    if (!pool || pool->threads() == 1 || parts < 2) return k.run(in, out, scratch);
    const int64_t chunk = chunk_parts(parts, pool->threads());
    const size_t per = k.scratch_floats();
    std::atomic<int64_t> next{0};
    pool->run([&](int t) {
        for (int64_t first; (first = next.fetch_add(chunk, std::memory_order_relaxed)) < parts;)
            k.run_parts(in, out, scratch + size_t(t) * per, first, std::min(parts, first + chunk));
    });
}

}  // namespace cp
