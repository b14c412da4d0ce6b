// One SIMD source for wasm and native: kernels are written against the wasm SIMD128 intrinsics;
// natively, Debian's SIMDe maps them onto SSE so the same code is tested on x86.
#pragma once
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
// Kernel names end in what actually ran: wasm SIMD128, or SIMDe's translation of it natively.
#define CP_SIMD_SUFFIX "__wasmsimd"
#else
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#define CP_SIMD_SUFFIX "__simde"
#endif

#include <cstdint>

// Loops whose full unrolling matters (indices into register arrays must become constants), and a
// loop clang must not turn into a memcpy call; GCC (the native build) has its own spelling of
// the first and no need of the second.
#if defined(__clang__)
#define CP_UNROLL _Pragma("clang loop unroll(full)")
#define CP_NO_BUILTIN_MEMCPY __attribute__((no_builtin("memcpy")))
#else
#define CP_UNROLL _Pragma("GCC unroll 16")
#define CP_NO_BUILTIN_MEMCPY
#endif

namespace cp::simd {

// Copies n floats with vector loads and stores. The kernels' row copies use this, not memcpy:
// Emscripten's memcpy (without bulk memory) hands every copy of 512 bytes or more to JavaScript
// (emscripten_memcpy_big), a call out of wasm that took a quarter of a depthwise layer's time
// (Node CPU profile). no_builtin keeps clang from turning the loop back into a memcpy call.
CP_NO_BUILTIN_MEMCPY inline void copy_floats(float* dst, const float* src, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const v128_t a = wasm_v128_load(src + i), b = wasm_v128_load(src + i + 4);
        wasm_v128_store(dst + i, a);
        wasm_v128_store(dst + i + 4, b);
    }
    for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
    for (; i < n; ++i) dst[i] = src[i];
}

// d[0, n) = v with vector stores (the padded copies' borders and margins: often a few floats, so
// no call into memset).
inline void fill_floats(float* d, int64_t n, float v) {
    const v128_t x = wasm_f32x4_splat(v);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(d + i, x);
    for (; i < n; ++i) d[i] = v;
}

// Stores the first n (0..4) lanes of v.
inline void store_lanes(float* p, v128_t v, int n) {
    alignas(16) float tmp[4];
    wasm_v128_store(tmp, v);
    for (int i = 0; i < n; ++i) p[i] = tmp[i];
}

}  // namespace cp::simd
