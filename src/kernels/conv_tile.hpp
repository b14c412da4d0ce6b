// The convolution microkernel: OCB output channels x (4*XV) output pixels of one row, summed over
// every input channel and every tap. Taps are offsets into a PaddedInput channel, so one kernel
// serves any kernel size, stride (via column phases), dilation, and the sub-pixel phases of a
// transposed conv. Weights are packed as [tap][ic][OCB].
#pragma once
#include <cstdint>

#include "kernels/simd.hpp"

namespace cp {

struct TileArgs {
    const float* in;        // the padded input at this tile's (row, first column), channel 0
    int64_t chan_plane;     // floats between input channels
    const int32_t* taps;    // tap offsets
    int ntaps;
    int cin;                // input channels summed over
    const float* w;         // packed weights [ntaps][cin][OCB]
    const float* bias;      // OCB biases, or nullptr
    float* out;             // output channel 0 at this tile's first pixel
    int64_t out_plane;      // floats between output channels
};

// n_valid: pixels to store (4*XV for a full tile, fewer at the end of a row).
template <int OCB, int XV>
inline void conv_tile(const TileArgs& a, int n_valid) {
    v128_t acc[OCB][XV];
    for (int o = 0; o < OCB; ++o) {
        const v128_t b = a.bias ? wasm_f32x4_splat(a.bias[o]) : wasm_f32x4_splat(0.0f);
        for (int v = 0; v < XV; ++v) acc[o][v] = b;
    }
    // Taps outer, channels inner: the inner loop only strides through channel planes.
    const float* w = a.w;
    const int64_t plane = a.chan_plane;
    for (int t = 0; t < a.ntaps; ++t) {
        const float* p = a.in + a.taps[t];
        for (int ic = 0; ic < a.cin; ++ic, p += plane, w += OCB) {
            v128_t x[XV];
            for (int v = 0; v < XV; ++v) x[v] = wasm_v128_load(p + 4 * v);
            for (int o = 0; o < OCB; ++o) {
                const v128_t wv = wasm_v128_load32_splat(w + o);
                for (int v = 0; v < XV; ++v) acc[o][v] = wasm_f32x4_add(acc[o][v], wasm_f32x4_mul(x[v], wv));
            }
        }
    }
    if (n_valid == 4 * XV) {
        for (int o = 0; o < OCB; ++o)
            for (int v = 0; v < XV; ++v) wasm_v128_store(a.out + o * a.out_plane + 4 * v, acc[o][v]);
    } else {
        for (int o = 0; o < OCB; ++o)
            for (int v = 0; v < XV; ++v) {
                const int n = n_valid - 4 * v;
                if (n <= 0) break;
                simd::store_lanes(a.out + o * a.out_plane + 4 * v, acc[o][v], n > 4 ? 4 : n);
            }
    }
}

// One output row of OCB channels: full tiles of 8 pixels, then 4, then a partial tile.
// `in` points at the row's column 0; tiles advance it by their pixel count (stride-1 columns).
// Kept out of line on purpose: V8 tiers a wasm function up to its optimising compiler only
// between calls, so the hot loop must live in a function that is called often.
#ifndef CONVPLAY_TILE_XV
#define CONVPLAY_TILE_XV 2  // vectors of 4 pixels per main tile (tuned with bench/)
#endif

// Few output channels leave registers free for more pixels: at most 12 accumulators plus the
// loaded pixels must fit the 16 vector registers of x86-64, where V8 runs most of the time.
constexpr int tile_xv(int ocb) { return ocb <= 2 ? 4 : ocb == 3 ? 3 : CONVPLAY_TILE_XV; }

template <int OCB>
__attribute__((noinline)) void conv_row(TileArgs a, int64_t width) {
    constexpr int XV = tile_xv(OCB), PX = 4 * XV;
    int64_t x = 0;
    const float* in0 = a.in;
    float* out0 = a.out;
    for (; x + PX <= width; x += PX) {
        a.in = in0 + x, a.out = out0 + x;
        conv_tile<OCB, XV>(a, PX);
    }
    for (; x + 4 <= width; x += 4) {
        a.in = in0 + x, a.out = out0 + x;
        conv_tile<OCB, 1>(a, 4);
    }
    if (x < width) {
        a.in = in0 + x, a.out = out0 + x;
        conv_tile<OCB, 1>(a, int(width - x));
    }
}

#ifndef CONVPLAY_TILE_OCB
#define CONVPLAY_TILE_OCB 4  // output channels per tile (tuned with bench/)
#endif
constexpr int kTileOcb = CONVPLAY_TILE_OCB;

// Runtime OCB (1..kTileOcb) -> template.
inline void conv_row_any(int ocb, const TileArgs& a, int64_t width) {
    switch (ocb) {
        case 1: conv_row<1>(a, width); break;
        case 2: conv_row<2>(a, width); break;
        case 3: conv_row<3>(a, width); break;
#if CONVPLAY_TILE_OCB >= 5
        case 4: conv_row<4>(a, width); break;
        case 5: conv_row<5>(a, width); break;
#endif
#if CONVPLAY_TILE_OCB >= 6
        case 6: conv_row<6>(a, width); break;
#endif
#if CONVPLAY_TILE_OCB >= 8
        case 7: conv_row<7>(a, width); break;
        case 8: conv_row<8>(a, width); break;
#endif
        default: conv_row<kTileOcb>(a, width); break;
    }
}

}  // namespace cp
