// The scatter view of a transposed conv: its output made the other way round from the
// zero-insertion view. Input cell (ci, iy, ix) stamps its value times its kernel onto the
// output, tap (ky, kx) landing on (iy*s - p + ky*d, ix*s - p + kx*d) (cells outside the output are
// what padding crops); the stamps of the output channel's input channels, one after another, plus
// the bias, add up to the layer's output. Explain tab (scatter); tests/engine/explain_scatter_test.cpp
// checks the total against the reference kernel.
#pragma once
#include <cstdint>
#include <vector>

#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "core/status.hpp"

namespace cp {

struct ScatterStamp {
    int64_t ci = 0, iy = 0, ix = 0;  // the input cell stamping (1-d: iy = 0)
    float x = 0;                     // its value
    int64_t oy = 0, ox = 0;          // where tap (0, 0) lands (may be outside the output)
    std::vector<float> values;       // x * w[ci, co, ky, kx], KH x KW (1-d: KH = 1)
    int64_t inside = 0;              // taps landing inside the output
};

struct Scatter {
    int64_t steps = 0;          // stamps in all: the group's input channels x input cells
    int64_t done = 0;           // stamps added to `acc`
    int64_t out_h = 1, out_w = 1, k_h = 1, k_w = 1, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
    std::vector<float> acc;     // out_h x out_w: the output channel after `done` stamps (+ bias when done == steps)
    bool has_bias = false;
    float bias = 0;
    ScatterStamp last;          // the stamp added last (step `done`, when done > 0)
};

// The view redoes its stamps every frame: a layer whose stamps (all of them: the step slider
// reaches the last) take more multiply-adds than this, or whose output plane has more cells, is
// refused with a message rather than freezing the page (about 5 ms of work at the cap).
constexpr int64_t kScatterMaxProducts = int64_t(1) << 22;
constexpr int64_t kScatterMaxCells = int64_t(1) << 20;

// Output channel `co` of batch item `n` of transposed conv L after `done` stamps (clamped to
// [0, steps]); order: input channel, then row, then column. `input` shaped info.in, `weight`
// [C_in, C_out/g, k..] and `bias` (null when none) as PyTorch lays them out.
Result<Scatter> scatter_steps(const Layer& L, const LayerInfo& info, const float* input, const float* weight,
                              const float* bias, int64_t n, int64_t co, int64_t done);

}  // namespace cp
