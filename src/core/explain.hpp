// The "explain" geometry of a layer, as data the UI draws and the CLI prints:
// conv / pool: the padded input grid, every window position, how many windows cover each cell,
// the cells no window reaches; transposed conv: the zero-inserted grid, the d*(k-1)-p padding
// rings (a crop when negative), the output_padding rows/columns, the flipped kernel, and how
// many products land on each output cell.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "core/status.hpp"

namespace cp {

enum class Cell : uint8_t {
    Input = 0,     // a real input value
    Pad = 1,       // padding (zeros, or reflect/replicate/circular copies)
    Inserted = 2,  // a zero inserted between input cells (transposed conv)
    Extra = 3,     // output_padding row/column (transposed conv)
    Beyond = 4,    // past the padded input: where a ceil_mode pooling window hangs over the edge
};

struct ExplainAxis {
    int64_t in = 0, out = 0, kernel = 1, stride = 1, dilation = 1;
    int64_t pad_before = 0, pad_after = 0;  // conv: padding; convT: the ring d*(k-1)-p (+op after)
    int64_t zeros_size = 0;                 // convT: (in-1)*s+1 after zero insertion
    int64_t grid = 0;                       // cells along this axis of the grid the kernel slides over
    int64_t gap = 0, gap_input = 0;         // conv: cells at the end no window reaches
    int64_t output_padding = 0;
    int64_t overhang = 0;                   // pool, ceil_mode: cells the last window reaches past the grid
};

struct Explain {
    bool transposed = false;
    int axes = 0;
    ExplainAxis ax[kMaxAxes];          // ax[0] = H (or L), ax[1] = W (W only when axes == 2)
    // The grid the (flipped) kernel slides over, stride s (conv) or 1; per axis `grid` cells plus
    // a ceil_mode pool's `overhang` (Cell::Beyond).
    int64_t grid_h = 1, grid_w = 1;
    int64_t slide_stride_h = 1, slide_stride_w = 1;
    std::vector<Cell> cells;           // grid_h * grid_w
    std::vector<int32_t> coverage;     // grid_h * grid_w: windows (taps) reaching each cell
    std::vector<int32_t> overlap;      // convT: out_h * out_w, products landing on each output cell
    int64_t out_h = 1, out_w = 1;
    int64_t uncovered_inputs = 0;      // conv: input cells no tap reaches
    bool grids_included = true;        // false when the grid is too big to tabulate
    std::vector<std::string> steps;    // the recipe in words, with the numbers
};

// `info` must be valid. Grids are tabulated only up to `max_cells` cells.
Result<Explain> explain_layer(const Layer& layer, const LayerInfo& info, int64_t max_cells = 1 << 20);

// Whether grid cell (y, x) is one of the taps of output cell (oy, ox)'s window: the window
// starts at (oy, ox) * slide stride and its taps are `dilation` apart (what coverage counts).
bool window_covers(const Explain& e, int64_t oy, int64_t ox, int64_t y, int64_t x);

// The steps as text, with small ASCII grids when the sizes are small (<= max_side per axis).
std::string explain_text(const Layer& layer, const LayerInfo& info, const Explain& e, int max_side = 32);

}  // namespace cp
