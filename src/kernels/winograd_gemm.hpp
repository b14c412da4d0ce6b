// What the Winograd kernels (conv_winograd.cpp, deconv_winograd.cpp) share: after the input
// transform, each of the P positions of a tile is its own GEMM over input channels,
// M[pos][oc][tile] = sum_ic U[pos][oc][ic] V[pos][ic][tile], run on the convolution microkernel
// (conv_tile.hpp) with one tap and the tiles as its pixels. The transformed weights U are packed
// as [pos][group][block of kTileOcb output channels][ic][oc in block].
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/conv_tile.hpp"

namespace cp {

// What an output transform reads and writes for one row of tiles (each kernel's own transform;
// a kernel may add fields).
struct WinogradOutArgs {
    const float* m = nullptr;      // M[pos][oc][txs]
    int64_t pos_plane = 0;         // C_out * txs
    int64_t txs = 0;
    int64_t cout = 0;
    int64_t nvec = 0;              // vectors of 4 tiles
    const float* bias = nullptr;   // C_out biases or nullptr
    float* rows[2] = {};           // row buffer: the tile's output row a, channel 0
    int64_t row_plane = 0;         // floats between channels in rows[]
    // The vectors j < full_vecs of a row a with orow[a] set go straight into the output (channel
    // 0 at the tile row's first column), out_plane floats between channels.
    float* orow[2] = {};
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
