// The measured SIMD128 ceiling of this machine: how many f32x4 multiply + add pairs per second V8
// can run when nothing but arithmetic limits it. bench/harness.mjs times ceiling_run() with
// performance.now() and reports GFLOP/s = 8 flops per f32x4 mul+add pair (4 lanes x (1 mul +
// 1 add)); the best variant is the ceiling.
//
// Two families, because neither alone is the best on every core:
//  - register chains (variants 0-5): no memory access in the loop at all.
//      fused: acc = acc * m + c on N independent chains. The multiply depends on the chain, so the
//        compiler cannot hoist it, and without -ffast-math it may not fuse or reassociate.
//        m < 1 and c small: every value converges to c / (1 - m), no overflow, no denormals.
//      split: P chains p = p * m and P chains s = s + c. m > 1, so p grows to +inf and stays
//        there (inf * m costs the same as any product; denormals, which would be slow, never
//        appear).
//  - an L1-resident GEMM tile (variants 6-9), the inner loop of a register-tiled conv/GEMM
//    kernel: acc[r][v] += splat(a[k*R + r]) * b[k][v] for k < 256, R rows x V f32x4 columns
//    (e.g. 4x2 = "4x8"). A and B (at most 18 KB) stay in L1; products are independent of the
//    accumulator chains, which lets the out-of-order core overlap them. The empty asm with a
//    "memory" clobber between passes makes the compiler reload A and B every pass.
// On the Xeon behind this project's machines the tile runs a little faster than the chains
// (~28 vs ~24 GFLOP/s measured at the time of writing; the figure moves with the host's load).
//
// The other side of the roofline, memory bandwidth: bandwidth_run() streams through a read buffer
// (f32x4 loads summed, so nothing can be skipped) and then a write buffer (f32x4 stores), the
// least traffic any kernel of a layer with those input and output sizes can make.
// bandwidth_reserve(read, write) sizes the two buffers: the harness gives it a layer's input +
// weights and output sizes, so the stream sees the cache level the layer itself sees, and a large
// pair (beyond the last-level cache) for the machine's DRAM bandwidth.
#include <wasm_simd128.h>

#include <cstdint>
#include <cstdlib>

namespace {

constexpr int kSteps = 256;
alignas(16) float g_a[kSteps * 6];
alignas(16) float g_b[kSteps * 4 * 3];
bool g_init = false;

void init_tile_data() {
    if (g_init) return;
    for (int i = 0; i < kSteps * 6; ++i) g_a[i] = 1e-3f * float(i % 7);
    for (int i = 0; i < kSteps * 12; ++i) g_b[i] = 1e-3f * float(i % 5);
    g_init = true;
}

float hsum(v128_t s) {
    return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1) + wasm_f32x4_extract_lane(s, 2) +
           wasm_f32x4_extract_lane(s, 3);
}

// 8 rounds per iteration; N mul+add pairs per round.
template <int N>
float run_fused(int iters, float seed) {
    v128_t acc[N];
    for (int i = 0; i < N; ++i) acc[i] = wasm_f32x4_splat(seed + 0.001f * float(i));
    const v128_t m = wasm_f32x4_splat(0.999999f);
    const v128_t c = wasm_f32x4_splat(1e-6f);
    for (int it = 0; it < iters; ++it)
        for (int r = 0; r < 8; ++r)
            for (int i = 0; i < N; ++i) acc[i] = wasm_f32x4_add(wasm_f32x4_mul(acc[i], m), c);
    v128_t s = acc[0];
    for (int i = 1; i < N; ++i) s = wasm_f32x4_add(s, acc[i]);
    return hsum(s);
}

// 8 rounds per iteration; P mul+add pairs per round.
template <int P>
float run_split(int iters, float seed) {
    v128_t p[P], s[P];
    for (int i = 0; i < P; ++i) {
        p[i] = wasm_f32x4_splat(seed + 0.001f * float(i));
        s[i] = wasm_f32x4_splat(seed - 0.001f * float(i));
    }
    const v128_t m = wasm_f32x4_splat(1.0001f);
    const v128_t c = wasm_f32x4_splat(1e-3f);
    for (int it = 0; it < iters; ++it)
        for (int r = 0; r < 8; ++r) {
            for (int i = 0; i < P; ++i) p[i] = wasm_f32x4_mul(p[i], m);
            for (int i = 0; i < P; ++i) s[i] = wasm_f32x4_add(s[i], c);
        }
    v128_t t = p[0];
    for (int i = 1; i < P; ++i) t = wasm_f32x4_add(t, p[i]);
    for (int i = 0; i < P; ++i) t = wasm_f32x4_add(t, s[i]);
    return hsum(t);
}

// kSteps * R * V mul+add pairs per iteration.
template <int R, int V>
float run_tile(int iters, float seed) {
    init_tile_data();
    v128_t acc[R][V];
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) acc[r][v] = wasm_f32x4_splat(seed * 1e-3f);
    for (int it = 0; it < iters; ++it) {
        const float* a = g_a;
        const float* b = g_b;
        for (int k = 0; k < kSteps; ++k, a += R, b += 4 * V) {
            v128_t bv[V];
            for (int v = 0; v < V; ++v) bv[v] = wasm_v128_load(b + 4 * v);
            for (int r = 0; r < R; ++r) {
                const v128_t av = wasm_v128_load32_splat(a + r);
                for (int v = 0; v < V; ++v) acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(av, bv[v]));
            }
        }
        __asm__ volatile("" ::: "memory");
    }
    v128_t s = wasm_f32x4_splat(0.0f);
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) s = wasm_f32x4_add(s, acc[r][v]);
    return hsum(s);
}

struct Variant {
    float (*run)(int, float);
    double pairs_per_iter;
};
const Variant kVariants[] = {
    {run_fused<4>, 4 * 8},   {run_fused<8>, 8 * 8},     {run_fused<12>, 12 * 8},   {run_fused<14>, 14 * 8},
    {run_split<5>, 5 * 8},   {run_split<7>, 7 * 8},     {run_tile<4, 2>, kSteps * 8}, {run_tile<4, 3>, kSteps * 12},
    {run_tile<6, 2>, kSteps * 12}, {run_tile<3, 3>, kSteps * 9},
};
constexpr int kCount = sizeof(kVariants) / sizeof(kVariants[0]);

// Bandwidth buffers (grown by bandwidth_reserve, never shrunk).
float* g_read = nullptr;
float* g_write = nullptr;
int64_t g_read_floats = 0, g_write_floats = 0, g_read_cap = 0, g_write_cap = 0;

bool grow(float*& p, int64_t& cap, int64_t floats) {
    if (floats <= cap) return true;
    std::free(p);
    p = static_cast<float*>(std::aligned_alloc(64, size_t((floats + 15) / 16 * 16) * sizeof(float)));
    cap = p ? floats : 0;
    return p != nullptr;
}

}  // namespace

extern "C" {

// Sizes the streams (bytes, rounded down to 64); 1 on success, 0 when memory runs out.
int bandwidth_reserve(double read_bytes, double write_bytes) {
    const int64_t r = int64_t(read_bytes) / 64 * 16, w = int64_t(write_bytes) / 64 * 16;
    if (!grow(g_read, g_read_cap, r) || !grow(g_write, g_write_cap, w)) return 0;
    for (int64_t i = 0; i < r; ++i) g_read[i] = 1e-3f * float(i % 11);
    g_read_floats = r, g_write_floats = w;
    return 1;
}

// Bytes one bandwidth_run iteration moves (reads + writes).
double bandwidth_bytes(int iters) { return double(g_read_floats + g_write_floats) * 4.0 * double(iters); }

// `iters` times: read the whole read buffer, then write the whole write buffer. Returns a checksum.
float bandwidth_run(int iters, float seed) {
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
    for (int it = 0; it < iters; ++it) {
        const float* p = g_read;
        for (int64_t i = 0; i < g_read_floats; i += 16, p += 16) {
            s0 = wasm_f32x4_add(s0, wasm_v128_load(p));
            s1 = wasm_f32x4_add(s1, wasm_v128_load(p + 4));
            s2 = wasm_f32x4_add(s2, wasm_v128_load(p + 8));
            s3 = wasm_f32x4_add(s3, wasm_v128_load(p + 12));
        }
        const v128_t v = wasm_f32x4_splat(seed + float(it));
        float* q = g_write;
        for (int64_t i = 0; i < g_write_floats; i += 16, q += 16) {
            wasm_v128_store(q, v);
            wasm_v128_store(q + 4, v);
            wasm_v128_store(q + 8, v);
            wasm_v128_store(q + 12, v);
        }
        __asm__ volatile("" ::: "memory");
    }
    return hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3))) + (g_write_floats ? g_write[0] : 0.0f);
}

// Variants, in order (bench/harness.mjs names them the same way):
//   0-3 fused chains x 4, 8, 12, 14;  4-5 split chains 5+5, 7+7;
//   6-9 L1 GEMM tiles 4x8, 4x12, 6x8, 3x12 (rows x columns).
int ceiling_variants() { return kCount; }

// f32x4 mul+add pairs that ceiling_run(variant, iters, ...) performs.
double ceiling_pairs(int variant, int iters) {
    return variant >= 0 && variant < kCount ? kVariants[variant].pairs_per_iter * double(iters) : 0.0;
}

// Runs `iters` iterations of `variant`; returns a checksum (keeps the work alive).
float ceiling_run(int variant, int iters, float seed) {
    return variant >= 0 && variant < kCount ? kVariants[variant].run(iters, seed) : 0.0f;
}

}  // extern "C"
