// The odd-size solver: which output_padding (or padding) makes a transposed conv restore a size,
// and, for a whole encoder-decoder stack, every pair of layers that should undo each other, where
// they fail to, and the fixes for each (output_padding, padding, a crop after the decoder, an
// upsample's size), each computed for the stack as the fixes of the pairs before it leave it.
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

enum class FixKind : uint8_t { OutputPadding, Padding, Crop, Size };
const char* fix_kind_name(FixKind k);  // "output_padding", "padding", "crop", "size"

// One way to make a pair round-trip.
struct PairFix {
    FixKind kind = FixKind::OutputPadding;
    std::string change;  // in the text form: "op=1", "p=0,op=1", "size=255x255", "crop2d(c=0:1)"
    std::string label;   // for a person, layer numbers of the stack as it is: "set op=1 on layer 3",
                         // "insert crop2d(c=0:1) after layer 3", "set c=1:2 on layer 4"
    // The whole state once applied: the stack with the first fix of every fixable mismatch before
    // this one (Mismatch::after_fixes of them), then this fix. Its pair and every pair before it
    // round-trip there (checked with the shapes engine when the fix is made).
    State result;
};

struct Mismatch {
    int up_layer = -1;    // the decoder layer (convT / upsample) whose output misses (0-based)
    int down_layer = -1;  // the encoder layer whose input size it should restore (0-based)
    int out_layer = -1;   // the layer whose output is compared: up_layer, or the last crop right after it
    Dims got, want;       // spatial sizes (got: once the first fixes of the mismatches before are in)
    bool fixable = false;
    std::string fix;            // the first fix's change, e.g. "op=1" ("" when none)
    std::string message;        // one sentence with the numbers
    std::vector<PairFix> fixes;  // every fix found, the preferred first (the one "fix every pair" takes)
    // How many mismatches before this one have their first fix inside each `result`: 0 means the
    // fixes are exact for the stack as it is; otherwise they assume those fixes (the UI says so).
    int after_fixes = 0;
};

// A downsampling layer and the upsampling layer that mirrors it (0-based, in the given state),
// matching or not.
struct LayerPair {
    int down_layer = -1, up_layer = -1;
    int out_layer = -1;  // whose output is compared with down_layer's input: up_layer, or the last
                         // crop right after it (activations may sit between)
    int mismatch = -1;   // its index in SolveReport::mismatches, -1 when the sizes round-trip
};

struct SolveReport {
    std::vector<LayerPair> pairs;      // every pair, in the order their decoder layers come
    std::vector<Mismatch> mismatches;  // as found, each computed after fixing the ones before it
    State fixed;                       // the state with every fixable mismatch fixed (each's first fix)
    bool all_fixed = true;
};

// Pairs every upsampling layer with the downsampling layer it mirrors (last in, first out, as in
// a U-Net) and compares sizes.
SolveReport solve_net(const State& state);

// How many of r's mismatches have a fix (r.fixed has each one's first).
size_t fixable_count(const SolveReport& r);
// The text of the button that applies r.fixed: "" when no mismatch has a fix, "Fix: <its fix>"
// when one has, "Fix all N" when all N have, "Fix K of N" otherwise (the ones without a fix stay).
std::string fix_button_label(const SolveReport& r);

}  // namespace cp
