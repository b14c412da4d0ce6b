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

namespace cp::simd {

// Stores the first n (0..4) lanes of v.
inline void store_lanes(float* p, v128_t v, int n) {
    alignas(16) float tmp[4];
    wasm_v128_store(tmp, v);
    for (int i = 0; i < n; ++i) p[i] = tmp[i];
}

}  // namespace cp::simd
