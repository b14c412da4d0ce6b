// ThreadPool and run_kernel (see thread_pool.hpp).
#include "kernels/thread_pool.hpp"

#include <algorithm>

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
            job = job_;
        }
        (*job)(t);
        std::lock_guard<std::mutex> lock(m_);
        if (--pending_ == 0) done_.notify_one();
    }
}

void ThreadPool::run(const std::function<void(int)>& fn) {
    if (workers_.empty()) return fn(0);
    {
        std::lock_guard<std::mutex> lock(m_);
        job_ = &fn;
        pending_ = int(workers_.size());
        ++generation_;
    }
    start_.notify_all();
    fn(0);
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [&] { return pending_ == 0; });
}

void run_kernel(const LayerKernel& k, const float* in, float* out, float* scratch, ThreadPool* pool) {
    const int64_t parts = k.parts();
    if (!pool || pool->threads() == 1 || parts < 2) return k.run(in, out, scratch);
    const int64_t T = std::min<int64_t>(pool->threads(), parts);
    const size_t per = k.scratch_floats();
    pool->run([&](int t) {
        if (t >= T) return;
        k.run_parts(in, out, scratch + size_t(t) * per, t * parts / T, (t + 1) * parts / T);
    });
}

}  // namespace cp
