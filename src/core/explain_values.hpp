// The numbers behind one output cell of a conv, transposed conv or pool, for the Values view:
// every tap of its window with the input value it reads, the weight, and their product, and
// the output they give (sum + bias, the average, or the max). Taps are placed on the explain
// grid (explain.hpp: the padded input of a conv, the zero-inserted ring-padded input of a
// transposed conv), so the picture and the numbers share one geometry.
#pragma once
#include <cstdint>
#include <vector>

#include "core/explain.hpp"
#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "core/status.hpp"

namespace cp {

struct Tap {
    int64_t ci = 0;          // input channel
    int64_t ky = 0, kx = 0;  // the weight's tap in PyTorch's layout (a transposed conv's flipped tap sits at k-1-ky)
    int64_t gy = 0, gx = 0;  // the explain grid cell under the tap
    Cell cell = Cell::Input; // what that grid cell is
    int64_t iy = -1, ix = -1;  // the input cell read (after padding_mode); -1: a zero / nothing
    float x = 0;             // the value read (0 for zero padding and inserted zeros)
    float w = 0;             // the weight (avg pool: 1/divisor; max pool: 1)
    float product = 0;       // x * w
};

struct CellValues {
    enum Reduce : uint8_t { Sum, Max } reduce = Sum;
    std::vector<Tap> taps;   // input channel outer, then ky, kx (1-d: ky = 0)
    bool has_bias = false;
    float bias = 0;
    float value = 0;         // what the layer outputs at this cell, from these numbers
};

// What explain grid cell (gy, gx) of layer L holds (1-d: gy = 0): its kind and the input cell it
// reads (after padding_mode; -1 for a zero or nothing). Works at any size, without the tables.
struct GridSource {
    Cell cell = Cell::Pad;
    int64_t iy = -1, ix = -1;
};
GridSource grid_source(const Layer& L, const LayerInfo& info, int64_t gy, int64_t gx);

// Output cell (n, co, oy, ox) of layer L (1-d: oy = 0). `input` is the layer's input, shaped
// info.in; `weight` / `bias` in PyTorch's layout (conv [C_out, C_in/g, k..], transposed
// [C_in, C_out/g, k..]); null for pools (and bias when the layer has none).
Result<CellValues> cell_values(const Layer& L, const LayerInfo& info, const float* input, const float* weight,
                               const float* bias, int64_t n, int64_t co, int64_t oy, int64_t ox);

}  // namespace cp
