// The convolution microkernel: OCB output channels x (4*XV) output pixels of one row, summed over
// every input channel and every tap. Taps are offsets into a PaddedInput channel, so one kernel
// serves any kernel size, stride (via column phases), dilation, and the sub-pixel phases of a
// transposed conv. Weights are packed as [tap][ic][OCB].
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/simd.hpp"

namespace cp {

// Filled with designated initializers (`TileArgs{.in = ..., ...}`), so every field is named where
// it is set; fields left out are null / 0.
struct TileArgs {
    const float* in = nullptr;        // the padded input at this tile's (row, first column), channel 0
    int64_t chan_plane = 0;           // floats between input channels
    const int32_t* taps = nullptr;    // tap offsets
    int ntaps = 0;
    int cin = 0;                      // input channels summed over
    const float* w = nullptr;         // packed weights [ntaps][cin][OCB]
    const float* bias = nullptr;      // OCB biases, or nullptr
    float* out = nullptr;             // output channel 0 at this tile's first pixel
    int64_t out_plane = 0;            // floats between output channels
};

// The parts every tile shares, always inlined so the accumulators stay in registers.
// Accumulators start at the bias (or 0).
template <int OCB, int XV>
__attribute__((always_inline)) inline void tile_init(v128_t (&acc)[OCB][XV], const float* bias) {
    for (int o = 0; o < OCB; ++o) {
        const v128_t b = bias ? wasm_f32x4_splat(bias[o]) : wasm_f32x4_splat(0.0f);
        for (int v = 0; v < XV; ++v) acc[o][v] = b;
    }
}

// One input channel at one tap: 4*XV pixels from p, times OCB weights from w.
template <int OCB, int XV>
__attribute__((always_inline)) inline void tile_madd(v128_t (&acc)[OCB][XV], const float* p, const float* w) {
    v128_t x[XV];
    for (int v = 0; v < XV; ++v) x[v] = wasm_v128_load(p + 4 * v);
    for (int o = 0; o < OCB; ++o) {
        const v128_t wv = wasm_v128_load32_splat(w + o);
        for (int v = 0; v < XV; ++v) acc[o][v] = wasm_f32x4_add(acc[o][v], wasm_f32x4_mul(x[v], wv));
    }
}

// n_valid: pixels to store (4*XV for a full tile, fewer at the end of a row).
template <int OCB, int XV>
__attribute__((always_inline)) inline void tile_store(const v128_t (&acc)[OCB][XV], float* out, int64_t out_plane,
                                                      int n_valid) {
    if (n_valid == 4 * XV) {
        for (int o = 0; o < OCB; ++o)
            for (int v = 0; v < XV; ++v) wasm_v128_store(out + o * out_plane + 4 * v, acc[o][v]);
    } else {
        for (int o = 0; o < OCB; ++o)
            for (int v = 0; v < XV; ++v) {
                const int n = n_valid - 4 * v;
                if (n <= 0) break;
                simd::store_lanes(out + o * out_plane + 4 * v, acc[o][v], n > 4 ? 4 : n);
            }
    }
}

template <int OCB, int XV>
inline void conv_tile(const TileArgs& a, int n_valid) {
    v128_t acc[OCB][XV];
    tile_init(acc, a.bias);
    // Taps outer, channels inner: the inner loop only strides through channel planes.
    const float* w = a.w;
    const int64_t plane = a.chan_plane;
    for (int t = 0; t < a.ntaps; ++t) {
        const float* p = a.in + a.taps[t];
        for (int ic = 0; ic < a.cin; ++ic, p += plane, w += OCB) tile_madd(acc, p, w);
    }
    tile_store(acc, a.out, a.out_plane, n_valid);
}

// One output row of OCB channels: full tiles of 8 pixels, then 4, then a partial tile.
// `in` points at the row's column 0; tiles advance it by their pixel count (stride-1 columns).
// Kept out of line on purpose: V8 tiers a wasm function up to its optimising compiler only
// between calls, so the hot loop must live in a function that is called often.
constexpr int kTileXv = 2;  // vectors of 4 pixels per main tile of kTileOcb channels (tuned with bench/)

// Few output channels leave registers free for more pixels: at most 12 accumulators plus the
// loaded pixels must fit the 16 vector registers of x86-64, where V8 runs most of the time.
constexpr int tile_xv(int ocb) { return ocb <= 2 ? 4 : ocb == 3 ? 3 : kTileXv; }

// Copies `len` floats of each of `chans` planes (src_plane floats apart) to planes dst_plane
// floats apart: runs of kRun floats (plane by plane: every plane is read as one sequential run),
// spread evenly over `steps` calls of step(); finish() copies the rest and fills each destination
// plane with zeros from `len` to dst_plane. The 1x1 conv (conv_simd.cpp) copies its next chunk of
// input with it between the tiles of the current one, so the loads of the copy overlap the
// tiles' arithmetic.
class PlaneCopy {
public:
    static constexpr int64_t kRun = 32;  // floats per run: two cache lines
    // steps: 0 leaves everything to finish(), as do planes that are not a whole number of runs.
    PlaneCopy(const float* src, int64_t src_plane, float* dst, int64_t dst_plane, int64_t chans, int64_t len,
              int64_t steps)
        : src_(src), dst_(dst), src_plane_(src_plane), dst_plane_(dst_plane), chans_(chans), len_(len),
          runs_(len % kRun == 0 && steps > 0 ? chans * (len / kRun) : 0), steps_(std::max<int64_t>(1, steps)) {}
    // Kept short: the tiles' loop is near the rate at which the CPU takes in instructions, so
    // every instruction here costs. Evenly spread: with the runs all in the first tiles (one per
    // tile until done), convs of 16-32 input channels ran 1.02-1.17x slower than copying apart.
    // no_builtin: clang made a run a memmove call (byte loops), which undid the overlap.
    CP_NO_BUILTIN_MEMCPY void step() {
        for (credit_ += runs_; credit_ >= steps_ && ic_ < chans_; credit_ -= steps_) {
            const float* s = src_ + ic_ * src_plane_ + j_;
            float* d = dst_ + ic_ * dst_plane_ + j_;
            v128_t v[kRun / 4];
            for (int k = 0; k < kRun / 4; ++k) v[k] = wasm_v128_load(s + 4 * k);
            for (int k = 0; k < kRun / 4; ++k) wasm_v128_store(d + 4 * k, v[k]);
            if ((j_ += kRun) == len_) j_ = 0, ++ic_;
        }
    }
    void finish() {
        for (; ic_ < chans_; ++ic_, j_ = 0) {
            float* d = dst_ + ic_ * dst_plane_;
            simd::copy_floats(d + j_, src_ + ic_ * src_plane_ + j_, len_ - j_);
            std::fill(d + len_, d + dst_plane_, 0.0f);
        }
    }

private:
    const float* src_;
    float* dst_;
    int64_t src_plane_, dst_plane_, chans_, len_, runs_, steps_;
    int64_t credit_ = 0;      // runs owed, times steps_
    int64_t ic_ = 0, j_ = 0;  // the next run: plane, float
};

// With kCopy, `copy` steps before every main tile (the 1x1 conv's next chunk). A separate
// instance: a test of a null pointer per tile in the one instance every kernel shares made the
// Winograd convs 1-3 % slower (engine A/B).
template <int OCB, bool kCopy = false>
__attribute__((noinline)) void conv_row(TileArgs a, int64_t width, PlaneCopy* copy = nullptr) {
    constexpr int XV = tile_xv(OCB), PX = 4 * XV;
    int64_t x = 0;
    const float* in0 = a.in;
    float* out0 = a.out;
    for (; x + PX <= width; x += PX) {
        a.in = in0 + x, a.out = out0 + x;
        if constexpr (kCopy) copy->step();
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

constexpr int kTileOcb = 4;  // output channels per tile (tuned with bench/)

// Runtime OCB (1..kTileOcb) -> template.
inline void conv_row_any(int ocb, const TileArgs& a, int64_t width) {
    static_assert(kTileOcb == 4, "one case per block size below kTileOcb");
    switch (ocb) {
        case 1: conv_row<1>(a, width); break;
        case 2: conv_row<2>(a, width); break;
        case 3: conv_row<3>(a, width); break;
        default: conv_row<kTileOcb>(a, width); break;
    }
}

// The same with `copy` stepped before every main tile. Through a table: the wasm optimiser
// (binaryen) inlines a function with one caller whatever noinline says, and inlined into the 1x1
// conv's loop these rows ran ~2 % slower (engine A/B).
inline void conv_row_copying(int ocb, const TileArgs& a, int64_t width, PlaneCopy* copy) {
    static_assert(kTileOcb == 4, "one entry per block size up to kTileOcb");
    static constexpr void (*rows[])(TileArgs, int64_t, PlaneCopy*) = {conv_row<1, true>, conv_row<2, true>,
                                                                      conv_row<3, true>, conv_row<4, true>};
    rows[ocb - 1](a, width, copy);
}

// Main tiles (those `copy` steps before) of a row of `width` pixels and `ocb` channels.
constexpr int64_t conv_row_main_tiles(int ocb, int64_t width) { return width / (4 * tile_xv(ocb)); }

// Packs weights for one group as conv_tile reads them: blocks of up to `block` (kTileOcb unless
// given) output channels, each [tap][ic][ocb] (block ob starts ob * ntaps * cin_g floats in).
// get(oc_local, ic_local, tap) reads the source weight.
template <class Get>
void pack_group(std::vector<float>& dst, int64_t cout_g, int64_t cin_g, int ntaps, Get get, int block = kTileOcb) {
    for (int64_t ob = 0; ob < cout_g; ob += block) {
        const int64_t n = std::min<int64_t>(block, cout_g - ob);
        for (int t = 0; t < ntaps; ++t)
            for (int64_t ic = 0; ic < cin_g; ++ic)
                for (int64_t o = 0; o < n; ++o) dst.push_back(get(ob + o, ic, t));
    }
}

// The dense conv's tiles (ConvSimd): every (tap, input channel) pair is one entry of a list of
// offsets (a.taps, a.ntaps entries: tap offset + channel * plane, in the order the weights are
// packed), so one flat loop runs over them; a.cin and a.chan_plane are not read. With few input
// channels conv_tile's inner loop ran 3 channels per tap, and the loops' overhead took ~12 % of
// conv 3->16 k3 (a wasm microbenchmark of both at 4 x 8, CPU time). Same order of summation as
// conv_tile (taps outer, channels inner), so the same outputs bit for bit.
template <int OCB, int XV>
inline void conv_tile_flat(const TileArgs& a, int n_valid) {
    v128_t acc[OCB][XV];
    tile_init(acc, a.bias);
    const float* w = a.w;
    for (const int32_t *o = a.taps, *end = a.taps + a.ntaps; o != end; ++o, w += OCB) tile_madd(acc, a.in + *o, w);
    tile_store(acc, a.out, a.out_plane, n_valid);
}

// Output channels per flat tile, and its main tile: 2 channels x 16 pixels, the same 8
// accumulators and 6 loads per (tap, channel) as 4 x 8, but 4 vector loads and 2 splats instead of
// 2 and 4. Engine A/B against the 4 x 8 nested tiles (bench/ab.mjs, Node, AMD EPYC, by the
// fastest calls; medians under load 3-9 varied 0.83-0.96x): conv 3->16 k3 on 512x512 0.94-0.96x;
// conv 16->32 k3 s2 on 256x256 0.98x (the tiles ran at the
// ceiling already; the padded copy takes the rest). The 1x1 conv keeps 4 x 8 (conv_simd.cpp).
// Wider shapes (3 x 12, 6 x 8, 4 x 12) need more than the 15 vector registers V8 allocates on
// x86-64 and spill (bench/ceiling.cpp's tiles; V8's --print-wasm-code).
constexpr int kFlatOcb = 2;

// The flat tiles at one place of a row, for every output channel of a group: blocks of kFlatOcb
// channels, the last one smaller. a.w, a.bias, a.out: the group's channel 0 (block ob's weights
// start ob * a.ntaps floats in, as pack_group packs them with block = kFlatOcb).
template <int XV>
__attribute__((always_inline)) inline void conv_column_flat(const TileArgs& a, int64_t cout, int n_valid) {
    static_assert(kFlatOcb == 2, "one case per block size below kFlatOcb");
    TileArgs t = a;
    const auto at = [&](int64_t ob) {
        t.w = a.w + ob * a.ntaps, t.bias = a.bias ? a.bias + ob : nullptr, t.out = a.out + ob * a.out_plane;
    };
    int64_t ob = 0;
    for (; ob + kFlatOcb <= cout; ob += kFlatOcb) at(ob), conv_tile_flat<kFlatOcb, XV>(t, n_valid);
    if (ob < cout) at(ob), conv_tile_flat<1, XV>(t, n_valid);
}

// One output row of every output channel of a group with flat tiles: places of 16 pixels, then 8,
// then 4, then a partial one; at each place every block of channels (conv_column_flat), so the
// input the place reads (one vector of 16 pixels per tap and channel) stays in L1 while every
// block reads it: a row's input for all its taps may not fit (conv 16->32 k3 s2 on 256x256: 55
// KB), and with blocks outer each block read it again from L2 (there: blocks outer 1.04x the time
// of places outer, engine A/B). Out of line, like conv_row.
__attribute__((noinline)) inline void conv_row_flat(TileArgs a, int64_t cout, int64_t width) {
    int64_t x = 0;
    const float* in0 = a.in;
    float* out0 = a.out;
    const auto at = [&](int64_t px) { a.in = in0 + px, a.out = out0 + px; };
    for (; x + 16 <= width; x += 16) at(x), conv_column_flat<4>(a, cout, 16);
    if (x + 8 <= width) at(x), conv_column_flat<2>(a, cout, 8), x += 8;
    if (x + 4 <= width) at(x), conv_column_flat<1>(a, cout, 4), x += 4;
    if (x < width) at(x), conv_column_flat<1>(a, cout, int(width - x));
}

// What a zipped tile starts from and where it goes: the bias, zipped into the output (kZip); the
// bias, unzipped into a row buffer (kToRow: a partial sum other tiles start from); or that row
// buffer, zipped into the output (kFromRow). The row buffer holds phase ph's channel o at
// row + (ph * kTileOcb + o) * row_plane, at the tile's phase column (ConvTSimd's row pairs).
enum class ZipMode { kZip, kToRow, kFromRow };

// Stride-2 transposed convs: the two column phases of the same 4*XV phase columns computed in
// one tile and zipped (even output columns from phase 0, odd from phase 1) into 8*XV contiguous
// output pixels, so no separate interleaving pass is needed. n_valid counts output pixels.
template <int OCB, int XV, ZipMode kMode = ZipMode::kZip>
inline void conv_tile_zip2(const TileArgs& a0, const TileArgs& a1, float* out, int64_t out_plane, int n_valid,
                           float* row = nullptr, int64_t row_plane = 0) {
    v128_t acc[2][OCB][XV];
    for (int o = 0; o < OCB; ++o) {
        if constexpr (kMode == ZipMode::kFromRow) {
            for (int ph = 0; ph < 2; ++ph)
                for (int v = 0; v < XV; ++v)
                    acc[ph][o][v] = wasm_v128_load(row + (ph * kTileOcb + o) * row_plane + 4 * v);
        } else {
            const v128_t b = a0.bias ? wasm_f32x4_splat(a0.bias[o]) : wasm_f32x4_splat(0.0f);
            for (int v = 0; v < XV; ++v) acc[0][o][v] = acc[1][o][v] = b;
        }
    }
    for (int ph = 0; ph < 2; ++ph) {
        const TileArgs& a = ph == 0 ? a0 : a1;
        const float* w = a.w;
        for (int t = 0; t < a.ntaps; ++t) {
            const float* p = a.in + a.taps[t];
            for (int ic = 0; ic < a.cin; ++ic, p += a.chan_plane, w += OCB) {
                v128_t x[XV];
                for (int v = 0; v < XV; ++v) x[v] = wasm_v128_load(p + 4 * v);
                for (int o = 0; o < OCB; ++o) {
                    const v128_t wv = wasm_v128_load32_splat(w + o);
                    for (int v = 0; v < XV; ++v)
                        acc[ph][o][v] = wasm_f32x4_add(acc[ph][o][v], wasm_f32x4_mul(x[v], wv));
                }
            }
        }
    }
    if constexpr (kMode == ZipMode::kToRow) {
        for (int ph = 0; ph < 2; ++ph)
            for (int o = 0; o < OCB; ++o)
                for (int v = 0; v < XV; ++v)
                    wasm_v128_store(row + (ph * kTileOcb + o) * row_plane + 4 * v, acc[ph][o][v]);
        return;
    }
    for (int o = 0; o < OCB; ++o)
        for (int v = 0; v < XV; ++v) {
            const v128_t lo = wasm_i32x4_shuffle(acc[0][o][v], acc[1][o][v], 0, 4, 1, 5);
            const v128_t hi = wasm_i32x4_shuffle(acc[0][o][v], acc[1][o][v], 2, 6, 3, 7);
            float* dst = out + o * out_plane + 8 * v;
            const int n = n_valid - 8 * v;
            if (n >= 8) {
                wasm_v128_store(dst, lo);
                wasm_v128_store(dst + 4, hi);
            } else if (n > 0) {
                simd::store_lanes(dst, lo, n > 4 ? 4 : n);
                if (n > 4) simd::store_lanes(dst + 4, hi, n - 4);
            }
        }
}

// One output row of a stride-2 transposed conv: a0/a1 point at column 0 of the two phases (row:
// the row buffer's column 0, for the modes that use it).
template <int OCB, ZipMode kMode = ZipMode::kZip>
__attribute__((noinline)) void conv_row_zip2(TileArgs a0, TileArgs a1, float* out, int64_t out_plane, int64_t width,
                                             float* row = nullptr, int64_t row_plane = 0) {
    constexpr int XV = OCB <= 3 ? 2 : 1, PX = 4 * XV;  // 2 x OCB x XV accumulators <= 12
    const float* in0 = a0.in;
    const float* in1 = a1.in;
    for (int64_t q = 0; 2 * q < width; q += PX) {
        a0.in = in0 + q, a1.in = in1 + q;
        // kToRow writes only the row buffer (out is null), kZip only the output (row is null): the
        // unused pointer is not offset (arithmetic on a null pointer is undefined behaviour).
        conv_tile_zip2<OCB, XV, kMode>(a0, a1, kMode == ZipMode::kToRow ? out : out + 2 * q, out_plane,
                                       int(std::min<int64_t>(2 * PX, width - 2 * q)),
                                       kMode == ZipMode::kZip ? row : row + q, row_plane);
    }
}

template <ZipMode kMode = ZipMode::kZip>
inline void conv_row_zip2_any(int ocb, const TileArgs& a0, const TileArgs& a1, float* out, int64_t out_plane,
                              int64_t width, float* row = nullptr, int64_t row_plane = 0) {
    switch (ocb) {
        case 1: conv_row_zip2<1, kMode>(a0, a1, out, out_plane, width, row, row_plane); break;
        case 2: conv_row_zip2<2, kMode>(a0, a1, out, out_plane, width, row, row_plane); break;
        case 3: conv_row_zip2<3, kMode>(a0, a1, out, out_plane, width, row, row_plane); break;
        default: conv_row_zip2<4, kMode>(a0, a1, out, out_plane, width, row, row_plane); break;
    }
}

}  // namespace cp
