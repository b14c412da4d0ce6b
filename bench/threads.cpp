// convplay_threads (native): the thread speed-up of our kernels with no browser and no wasm
// runtime in the way, std::thread pool (kernels/thread_pool.hpp) against one thread, and the
// machine's own 2-thread scaling beside it, so a low speed-up can be told apart from a machine
// that cannot give one.
//
//   build/native/bench/convplay_threads [--threads N] [--pairs P] [--pause MS] [--piece MS]
//                                       --state TEXT [--state TEXT ...]
//   (the benchmark's layers: bench/README.md, "Threads without a browser", gives the command
//   that passes bench/layers.mjs's states)
//
// Per state: a 1-thread plan and an N-thread plan of the same state, warmed up, then P pairs of
// calls in alternating order (1T then NT, NT then 1T). Prints the medians, the median of the
// paired ratios 1T/NT and the ratio of the fastest calls, and, from run_kernel's trace of the NT
// calls, how the work was shared: chunks per thread, when the last worker joined, and how long
// the threads waited for each other at the end (the layer's imbalance).
// The machine: f32x4 mul+add chains in registers and a 64+64 MiB stream copy, on 1 thread and on
// N threads at once (the work of each thread the same as the single one's): N threads as fast
// as one means N real cores for that kind of work. Then what a layer after an idle moment
// meets: a thread blocked in a futex wait (as the pool's idle workers are) woken after a pause,
// the time until it runs, and two threads given a piece of register work each (--piece MS, 3 by
// default: a big layer's time) the moment one wakes the other, against one piece alone in the
// same round: both figures with the threads free to go anywhere (as the browser's are) and, on
// Linux, pinned to two different CPUs, which tells a scheduler that queues the woken thread
// behind its waker from a slow wake-up as such.
// --pause MS: every layer call, 1 thread and N, comes after an idle MS (the browser table pauses
// 120 ms after each call) instead of back to back. Without it, half the N-thread calls follow a
// 1-thread call (longer than the pool's spin: the workers have gone to sleep) and half an
// N-thread one (still awake), by the alternating order.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/codec.hpp"
#include "engine/plan.hpp"
#include "kernels/simd.hpp"

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string load_text() {
    double l[3] = {0, 0, 0};
    if (getloadavg(l, 3) != 3) return "?";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    return buf;
}

// Register-only work: kChains independent chains of acc = acc * m + c (no memory in the loop).
// 12 chains keep a core's multiply and add units busy (a chain's mul + add latency is about 6
// cycles, two of each per cycle): two threads sharing one physical core's units (SMT siblings
// behind the hypervisor) would then get little more than one.
constexpr int kChains = 12;
float chains(int64_t iters) {
    v128_t acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = wasm_f32x4_splat(0.5f + 0.01f * float(i));
    const v128_t m = wasm_f32x4_splat(0.999999f), c = wasm_f32x4_splat(1e-6f);
    for (int64_t it = 0; it < iters; ++it)
        for (int i = 0; i < kChains; ++i) acc[i] = wasm_f32x4_add(wasm_f32x4_mul(acc[i], m), c);
    v128_t s = acc[0];
    for (int i = 1; i < kChains; ++i) s = wasm_f32x4_add(s, acc[i]);
    return wasm_f32x4_extract_lane(s, 0);
}

// Stream: read src (summed, so nothing is skipped) and write dst.
float stream(const float* src, float* dst, int64_t n) {
    v128_t s = wasm_f32x4_splat(0.0f);
    for (int64_t i = 0; i < n; i += 4) s = wasm_f32x4_add(s, wasm_v128_load(src + i));
    const v128_t z = wasm_f32x4_splat(1.0f);
    for (int64_t i = 0; i < n; i += 4) wasm_v128_store(dst + i, z);
    return wasm_f32x4_extract_lane(s, 0);
}

// Milliseconds for `threads` threads each running fn(t) at once (fn(0) on this thread); the
// median of 5 runs.
template <class Fn>
double timed_together(int threads, Fn fn) {
    std::vector<double> t;
    for (int run = 0; run < 5; ++run) {
        const auto t0 = Clock::now();
        std::vector<std::thread> others;
        for (int i = 1; i < threads; ++i) others.emplace_back([&, i] { fn(i); });
        fn(0);
        for (std::thread& th : others) th.join();
        t.push_back(ms_since(t0));
    }
    return median(t);
}

// The calling thread's CPU mask, to put back after pin_to (nothing to keep where pin_to cannot pin).
struct CpuMask {
#ifdef __linux__
    cpu_set_t set;
#endif
    bool ok = false;
};
CpuMask current_mask() {
    CpuMask m;
#ifdef __linux__
    m.ok = pthread_getaffinity_np(pthread_self(), sizeof m.set, &m.set) == 0;
#endif
    return m;
}
void restore(const CpuMask& m) {
#ifdef __linux__
    if (m.ok) pthread_setaffinity_np(pthread_self(), sizeof m.set, &m.set);
#else
    (void)m;
#endif
}

// Pins the calling thread to CPU `cpu`; false where that cannot be done (not Linux, one CPU, a
// CPU outside the process's set).
bool pin_to(int cpu) {
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
#else
    (void)cpu;
    return false;
#endif
}

// One wake-up probe: a second thread waits (std::atomic::wait: a futex) and, woken, runs a
// piece of `iters` register chains. Per round: a pause, this thread's piece alone (the round's
// own baseline, under the same load and pinning); a pause, then the wake-up and both threads'
// pieces at once. Medians over 15 rounds of: the wake-up's latency (notify -> the woken thread
// running), the solo piece, the pair, and the round's speed-up 2 x solo / pair. pinned: this
// thread on CPU 0, the woken one on CPU 1 (pinned comes back false if either pin failed).
struct WakeResult {
    double latency_ms = 0, solo_ms = 0, both_ms = 0, speedup = 0;
    bool pinned = false;
};
WakeResult wake_round(int pause_ms, int64_t iters, bool pinned) {
    std::atomic<int> go{0}, done{0}, other_pinned{0};
    std::atomic<int64_t> woke_ns{0};
    volatile float sink_mine = 0, sink_other = 0;  // one per thread: they write at the same time
    std::thread other([&] {
        other_pinned.store(pinned && pin_to(1) ? 1 : -1);
        for (int seen = 0;;) {
            go.wait(seen);
            seen = go.load();
            if (seen < 0) return;
            woke_ns.store(Clock::now().time_since_epoch().count());
            sink_other = sink_other + chains(iters);
            done.store(seen);
        }
    });
    const CpuMask mask = current_mask();
    WakeResult r;
    r.pinned = pinned && pin_to(0);
    while (other_pinned.load() == 0) {}
    r.pinned = r.pinned && other_pinned.load() == 1;
    const auto pause = [&] { std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms)); };
    std::vector<double> latency, solo, both, speedup;
    for (int round = 1; round <= 15; ++round) {
        pause();
        const auto s0 = Clock::now();
        sink_mine = sink_mine + chains(iters);
        solo.push_back(ms_since(s0));
        pause();
        const auto t0 = Clock::now();
        go.store(round);
        go.notify_one();
        sink_mine = sink_mine + chains(iters);
        while (done.load() != round) {}
        both.push_back(ms_since(t0));
        latency.push_back(double(woke_ns.load() - t0.time_since_epoch().count()) / 1e6);
        speedup.push_back(2 * solo.back() / both.back());
    }
    go.store(-1);
    go.notify_one();
    other.join();
    if (pinned) restore(mask);
    r.latency_ms = median(latency);
    r.solo_ms = median(solo);
    r.both_ms = median(both);
    r.speedup = median(speedup);
    return r;
}

void wake(int64_t iters) {
    for (int pause : {120, 10}) {
        std::printf("machine, a thread woken after a %d ms pause:", pause);
        for (bool pinned : {false, true}) {
            const WakeResult r = wake_round(pause, iters, pinned);
            if (pinned && !r.pinned) continue;
            std::printf("%s %.3f ms to run, a piece %.2f ms alone, two at once %.2f ms (%.2fx, median of the rounds)",
                        pinned ? "; pinned to 2 CPUs:" : " free:", r.latency_ms, r.solo_ms, r.both_ms, r.speedup);
        }
        std::printf("\n");
    }
}

void machine(int threads, double piece_ms) {
    volatile float sink = 0;
    const int64_t iters = 10'000'000;
    const double c1 = timed_together(1, [&](int) { sink = sink + chains(iters); });
    const double cn = timed_together(threads, [&](int) { sink = sink + chains(iters); });
    const int64_t n = int64_t(16) << 20;  // 64 MiB of floats per buffer, beyond the last-level cache
    std::vector<std::vector<float>> src(size_t(threads), std::vector<float>(size_t(n), 1.0f));
    std::vector<std::vector<float>> dst(size_t(threads), std::vector<float>(size_t(n), 0.0f));
    const double m1 = timed_together(1, [&](int t) { sink = sink + stream(src[t].data(), dst[t].data(), n); });
    const double mn = timed_together(threads, [&](int t) { sink = sink + stream(src[t].data(), dst[t].data(), n); });
    const double gflop = double(iters) * kChains * 8 / 1e9, gbyte = double(n) * 8 / 1e9;
    // A piece of piece_ms (a big layer's time: 3 ms by default) for the wake-up rounds: sized from
    // the chains' time above, then once more from a piece itself (the load may have moved since).
    int64_t piece = std::max<int64_t>(1, int64_t(double(iters) * piece_ms / c1));
    const double got = timed_together(1, [&](int) { sink = sink + chains(piece); });
    piece = std::max<int64_t>(1, int64_t(double(piece) * piece_ms / got));
    std::printf("machine: register chains 1 thread %.1f GFLOP/s, %d at once %.1f GFLOP/s (%.2fx); "
                "stream 64+64 MiB 1 thread %.1f GB/s, %d at once %.1f GB/s (%.2fx)\n",
                gflop / c1 * 1e3, threads, gflop * threads / cn * 1e3, c1 * threads / cn, gbyte / m1 * 1e3, threads,
                gbyte * threads / mn * 1e3, m1 * threads / mn);
    wake(piece);
}

struct Args {
    int threads = 2, pairs = 60, pause_ms = 0;
    double piece_ms = 3;
    std::vector<std::string> states;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (i + 1 >= argc) throw std::runtime_error(k + " needs a value");
        const std::string v = argv[++i];
        if (k == "--threads") a.threads = std::stoi(v);
        else if (k == "--pairs") a.pairs = std::stoi(v);
        else if (k == "--pause") a.pause_ms = std::stoi(v);
        else if (k == "--piece") a.piece_ms = std::stod(v);
        else if (k == "--state") a.states.push_back(v);
        else throw std::runtime_error("unknown option " + k + " (see the comment at the top of bench/threads.cpp)");
    }
    if (a.states.empty()) throw std::runtime_error("give at least one --state");
    if (a.threads < 2 || a.pairs < 1 || a.pause_ms < 0 || !(a.piece_ms > 0))
        throw std::runtime_error("--threads must be >= 2, --pairs >= 1, --pause >= 0, --piece > 0");
    return a;
}

std::unique_ptr<cp::Plan> plan(const std::string& text, int threads) {
    auto state = cp::parse_state(text);
    if (!state) throw std::runtime_error(text + ": " + state.status().message);
    auto p = cp::Plan::create(*state, cp::PlanOptions{.threads = threads});
    if (!p) throw std::runtime_error(text + ": " + p.status().message);
    if ((*p)->runnable() < 1) throw std::runtime_error(text + ": no runnable layer");
    return std::move(*p);
}

void layer(const std::string& text, const Args& a) {
    auto one = plan(text, 1), many = plan(text, a.threads);
    for (auto* p : {one.get(), many.get()}) {
        const auto t0 = Clock::now();
        for (int n = 0; n < 5 || ms_since(t0) < 500; ++n) p->run();
    }
    std::vector<double> t1, tn, ratio;
    cp::RunTrace trace;
    std::vector<double> last_join, idle, chunks_min;
    for (int i = 0; i < a.pairs; ++i) {
        double x = 0, y = 0;
        for (int k = 0; k < 2; ++k) {
            if (a.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(a.pause_ms));
            if ((k == 0) == (i % 2 == 0)) {
                x = one->run();
            } else {
                cp::set_run_trace(&trace);
                y = many->run();
                cp::set_run_trace(nullptr);
                double join = 0, first_end = 1e30, last_end = 0;
                int64_t least = INT64_MAX;
                for (const cp::ThreadTrace& th : trace.threads) {
                    least = std::min(least, th.chunks);
                    if (th.chunks == 0) continue;  // woke after the last chunk was taken
                    join = std::max(join, th.join_ms);
                    first_end = std::min(first_end, th.end_ms);
                    last_end = std::max(last_end, th.end_ms);
                }
                last_join.push_back(join);
                idle.push_back(last_end - first_end);
                chunks_min.push_back(double(least));
            }
        }
        t1.push_back(x);
        tn.push_back(y);
        ratio.push_back(x / y);
    }
    const double m1 = median(t1), mn = median(tn);
    if (a.pause_ms > 0) std::printf("(each call after a %d ms pause)\n", a.pause_ms);
    std::printf("%s\n  kernel %s; 1T %.3f ms, %dT %.3f ms: speed-up %.2fx, paired %.2fx, of the mins %.2fx\n"
                "  %dT calls (median): last thread joined at %.3f ms, threads ended %.3f ms apart, fewest chunks "
                "of a thread %.0f of %lld\n",
                text.c_str(), one->kernel(0), m1, a.threads, mn, m1 / mn, median(ratio),
                *std::min_element(t1.begin(), t1.end()) / *std::min_element(tn.begin(), tn.end()), a.threads,
                median(last_join), median(idle), median(chunks_min), (long long)trace.total_chunks);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Args a = parse(argc, argv);
        std::printf("convplay_threads (native, %s): %d threads against 1; %u hardware threads; load average before: %s\n",
                    CP_SIMD_SUFFIX + 2, a.threads, std::thread::hardware_concurrency(), load_text().c_str());
        machine(a.threads, a.piece_ms);
        for (const std::string& s : a.states) layer(s, a);
        std::printf("load average after: %s\n", load_text().c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "convplay_threads: %s\n", e.what());
        return 1;
    }
}
