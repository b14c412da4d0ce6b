// The receptive field across a stack: which cells of the input and of every map in between
// influence chosen output cells of a layer (backward), and which cells of every later map one
// region reaches (forward). Exact, cell by cell: each op's own index rules (stride, dilation,
// padding and padding_mode, transposed conv, pools with ceil_mode, upsample's source indices,
// the same functions the kernels use) are followed along each axis, so a dilated kernel's gaps or
// a strided transposed conv's parity leave holes here too. Every op here is separable, so a
// region is the product of its axes; channels stay a contiguous range (groups keep them so).
// Layer indices are 0-based here (the UI and CLI add 1).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "core/status.hpp"

namespace cp {

struct RfAxis {
    int64_t size = 0;               // the map's length along this axis
    std::vector<uint8_t> cells;     // `size` entries, 1 = in the region
    int64_t first = -1, last = -1;  // the region's span (-1: empty)
    int64_t count = 0;              // cells in the region (fewer than the span when it has holes)
    int64_t span() const { return first < 0 ? 0 : last - first + 1; }
};

// One map of the stack: the input or a layer's output.
struct RfMap {
    int layer = -1;                      // 0-based layer whose output this is; -1 = the input
    int64_t channels = 0;                // the map's channel count
    int64_t c_first = 0, c_last = -1;    // channels in the region
    std::array<RfAxis, kMaxAxes> axis;   // axis[0] = H (or L), axis[1] = W; `axes` of them used
    // Backward, for the layer that reads this map: how far its windows reach beyond each edge
    // (before, after per axis: padding, a ceil_mode overhang, a transposed conv's ring of
    // zeros). Where either is > 0, padding enters the receptive field.
    std::array<int64_t, 2 * kMaxAxes> beyond{};
    // Backward, per axis: how this region follows from the next map's, with the numbers.
    std::array<std::string, kMaxAxes> via;
    bool pads() const;
};

struct RfQuery {
    int map = 0;                     // 0-based layer whose output holds the cells; -1 = the input
    Axes first{0, 0}, last{0, 0};    // cell range per axis (1-d: index 0 only)
    int64_t c_first = 0, c_last = -1;  // channel range; c_last -1 = every channel
};

struct ReceptiveField {
    bool forward = false;
    int axes = 0;
    std::vector<RfMap> maps;  // the input, then layer i's output at [i + 1]; backward: up to the
                              // queried map, forward: from it to the last computed layer
};

// Backward: the region of every map up to `q.map` that influences the cells q names (the first
// map is the input). Needs every layer up to q.map valid.
Result<ReceptiveField> receptive_field(const State& s, const NetInfo& info, const RfQuery& q);
// Forward: the cells of every later map that the cells q names influence (q.map may be -1:
// cells of the input). Runs up to the last valid layer.
Result<ReceptiveField> reach(const State& s, const NetInfo& info, const RfQuery& q);

// "rows 3..9" style spans and the whole story as text (the CLI prints it, the UI shows its lines).
std::string rf_region_text(const RfMap& m, int axes);
std::vector<std::string> rf_text(const State& s, const NetInfo& info, const ReceptiveField& rf);

}  // namespace cp
