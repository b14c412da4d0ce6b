// The odd-size solver: which output_padding (or padding) makes a transposed conv restore a size,
// and, for a whole encoder-decoder stack, every place where the decoder misses the encoder's size
// with the fix for it.
#pragma once
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "core/status.hpp"

namespace cp {

struct AxisFix {
    int64_t output_padding = 0;  // the op that restores the target with the current padding
    bool by_output_padding = false;
    int64_t padding = -1;  // else: a padding that does it (with output_padding below), -1 if none
    int64_t padding_op = 0;
};

// For a transposed conv `layer` on input size `in` (one axis), what restores `target`.
AxisFix solve_axis(const Layer& layer, int axis, int64_t in, int64_t target);

struct Mismatch {
    int up_layer = -1;    // the decoder layer (convT / upsample) whose output misses
    int down_layer = -1;  // the encoder layer whose input size it should restore
    Dims got, want;       // spatial sizes
    bool fixable = false;
    std::string fix;      // e.g. "op=1" or "p=0,op=1" or "size=255x255"
    std::string message;  // one sentence with the numbers
};

// An upsampling layer and the downsampling layer it mirrors (0-based), matching or not.
struct LayerPair {
    int down_layer = -1, up_layer = -1;
    int mismatch = -1;  // its index in SolveReport::mismatches, -1 when the sizes round-trip
};

struct SolveReport {
    std::vector<LayerPair> pairs;      // every pair, in the order their decoder layers come
    std::vector<Mismatch> mismatches;  // as found, each computed after fixing the ones before it
    State fixed;                       // the state with every fixable mismatch fixed
    bool all_fixed = true;
};

// Pairs every upsampling layer with the downsampling layer it mirrors (last in, first out, as in
// a U-Net) and compares sizes.
SolveReport solve_net(const State& state);

}  // namespace cp
