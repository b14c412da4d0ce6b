// What the Winograd kernels (conv_winograd.cpp, deconv_winograd.cpp) share: after the input
// transform, each of the P positions of a tile is its own GEMM over input channels,
// M[pos][oc][tile] = sum_ic U[pos][oc][ic] V[pos][ic][tile], run on the convolution microkernel
// (conv_tile.hpp) with one tap and the tiles as its pixels. The transformed weights U are packed
// as [pos][group][block of kTileOcb output channels][ic][oc in block].
//
// Both add and subtract inputs before they multiply, so an infinite input gives inf - inf = NaN
// where the direct sum (and PyTorch) gives inf, and a finite input near the float limit can
// overflow inside a transform where the direct sum stays finite. winograd_input_limit bounds what
// they may take; a part whose inputs exceed it runs on the direct kernel instead.
#pragma once
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/limits.hpp"  // kFlagFloats
#include "kernels/conv_tile.hpp"

namespace cp {

// How much a Winograd kernel's transforms can grow magnitudes (the sums of absolute values of a
// transform matrix's rows, per axis, multiplied over both axes): |V| <= input * max|x| (input
// transform), |U| <= weights * max|w| (weight transform), and every output and partial sum
// <= total * cin_g * max|w| * max|x| + max|b| (total = input * weights * output transform).
struct WinogradGrowth {
    double input, weights, total;
};

// The largest input magnitude for which no value a Winograd kernel computes can overflow, or a
// negative value when the weights alone rule the kernel out (not finite, or so large that a
// transformed weight, or a finite bias, leaves no room). Half the float range is kept as margin for
// rounding (a sum of k terms is within (1 + k * 2^-24) of its exact bound). For such inputs the
// direct sums cannot overflow either (their growth is 9 * cin_g, below every `total`), so both
// kernels give finite outputs that agree to rounding, as PyTorch's do.
inline double winograd_input_limit(const WinogradGrowth& grow, int64_t cin_g, const float* w, int64_t nw,
                                   const float* b, int64_t nb) {
    double wmax = 0, bmax = 0;
    for (int64_t i = 0; i < nw; ++i) {
        if (!std::isfinite(w[i])) return -1;
        wmax = std::max(wmax, double(std::fabs(w[i])));
    }
    // A bias is added after the output transform, as the direct kernel adds it: one that is not
    // finite gives the same inf or NaN either way, and only finite ones take room.
    for (int64_t i = 0; b && i < nb; ++i)
        if (std::isfinite(b[i])) bmax = std::max(bmax, double(std::fabs(b[i])));
    const double room = double(FLT_MAX) / 2;
    if (grow.weights * wmax > room || bmax > room / 2) return -1;
    double x = room / grow.input;
    if (wmax > 0) x = std::min(x, (room - bmax) / (grow.total * double(std::max<int64_t>(1, cin_g)) * wmax));
    return x;
}

// The largest |p[i]| of n >= 4 floats and acc, as the bits of a float's magnitude in each lane:
// compared as unsigned integers these order like magnitudes, with inf above every finite value and
// NaN above inf (two operations a vector: the comparison waits for the end). The last vector
// overlaps the one before when n is not a multiple of 4.
inline v128_t max_magnitude_bits(v128_t acc, const float* p, int64_t n) {
    const v128_t mag = wasm_i32x4_splat(0x7fffffff);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) acc = wasm_u32x4_max(acc, wasm_v128_and(wasm_v128_load(p + i), mag));
    if (i < n) acc = wasm_u32x4_max(acc, wasm_v128_and(wasm_v128_load(p + n - 4), mag));
    return acc;
}
// True when every lane of max_magnitude_bits' result is at most `limit` (finite).
inline bool magnitudes_within(v128_t bits, float limit) {
    return wasm_i32x4_all_true(wasm_u32x4_le(bits, wasm_f32x4_splat(limit)));
}

// For rows [0, nrows) of a padded copy whose `planes` planes (channels times column phases) are
// plane_floats apart, each row `cols` >= 4 floats from rows0 on (row i at rows0 + i * cols):
// flags[i] = 1 when row i of some plane holds a magnitude above `limit` (or NaN), else 0.
// flags holds kFlagFloats * nrows floats (the largest magnitudes go through its tail).
inline void flag_rows(const float* rows0, int64_t planes, int64_t plane_floats, int64_t nrows, int64_t cols,
                      float limit, float* flags) {
    static_assert(kFlagFloats == 1 + 4, "a row's flag, then its 4 lanes of magnitudes");
    float* acc = flags + nrows;
    std::fill(acc, acc + 4 * nrows, 0.0f);
    for (int64_t c = 0; c < planes; ++c)
        for (int64_t i = 0; i < nrows; ++i) {
            const float* row = rows0 + c * plane_floats + i * cols;
            wasm_v128_store(acc + 4 * i, max_magnitude_bits(wasm_v128_load(acc + 4 * i), row, cols));
        }
    for (int64_t i = 0; i < nrows; ++i) flags[i] = magnitudes_within(wasm_v128_load(acc + 4 * i), limit) ? 0.0f : 1.0f;
}

// Output rows per tile, at most (the transposed conv's F(3,2) along y makes 3; the conv's 2).
constexpr int kWinogradOutRows = 3;

// What an output transform reads and writes for one row of tiles (each kernel's own transform;
// a kernel may add fields).
struct WinogradOutArgs {
    const float* m = nullptr;      // M[pos][oc][txs]
    int64_t pos_plane = 0;         // C_out * txs
    int64_t txs = 0;
    int64_t cout = 0;
    int64_t nvec = 0;              // vectors of 4 tiles
    const float* bias = nullptr;   // C_out biases or nullptr
    float* rows[kWinogradOutRows] = {};  // row buffer: the tile's output row a, channel 0
    int64_t row_plane = 0;         // floats between channels in rows[]
    // The vectors j < full_vecs of a row a with orow[a] set go straight into the output (channel
    // 0 at the tile row's first column), out_plane floats between channels.
    float* orow[kWinogradOutRows] = {};
    int64_t out_plane = 0;
    int64_t full_vecs = 0;
};

// Appends the packed U; u(pos, grp, oc_local, ic_local) gives one transformed weight.
template <class U>
void pack_winograd_weights(std::vector<float>& dst, int npos, int64_t groups, int64_t cin_g, int64_t cout_g, U u) {
    for (int pos = 0; pos < npos; ++pos)
        for (int64_t grp = 0; grp < groups; ++grp)
            for (int64_t ob = 0; ob < cout_g; ob += kTileOcb) {
                const int64_t n = std::min<int64_t>(kTileOcb, cout_g - ob);
                for (int64_t ic = 0; ic < cin_g; ++ic)
                    for (int64_t o = 0; o < n; ++o) dst.push_back(u(pos, grp, ob + o, ic));
            }
}

// The P GEMMs of one row of tiles: V is [pos][C_in][txs], M is [pos][C_out][txs] (tiles txs
// floats apart per channel), u the packed weights of pack_winograd_weights; `tiles` pixels each.
inline void winograd_gemm(int npos, const float* V, float* M, const float* u, int64_t C_in, int64_t C_out,
                          int64_t groups, int64_t txs, int64_t tiles) {
    static const int32_t zero_tap = 0;
    const int64_t cin_g = C_in / groups, cout_g = C_out / groups;
    for (int pos = 0; pos < npos; ++pos)
        for (int64_t grp = 0; grp < groups; ++grp)
            for (int64_t ob = 0; ob < cout_g; ob += kTileOcb) {
                const int ocb = int(std::min<int64_t>(kTileOcb, cout_g - ob));
                const int64_t oc = grp * cout_g + ob;
                const TileArgs a{
                    .in = V + (pos * C_in + grp * cin_g) * txs,
                    .chan_plane = txs,
                    .taps = &zero_tap,
                    .ntaps = 1,
                    .cin = int(cin_g),
                    .w = u + ((pos * groups + grp) * cout_g + ob) * cin_g,
                    .bias = nullptr,
                    .out = M + (pos * C_out + oc) * txs,
                    .out_plane = txs,
                };
                conv_row_any(ocb, a, tiles);
            }
}

}  // namespace cp
