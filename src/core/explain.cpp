// The explain geometry (see explain.hpp). Grids are in "slide" coordinates: for a conv the padded
// input, for a transposed conv the zero-inserted, ring-padded input of the equivalent stride-1
// conv. A 1-d layer is a grid of height 1.
#include "core/explain.hpp"

#include <algorithm>
#include <climits>
#include <initializer_list>
#include <sstream>

#include "core/codec.hpp"
#include "core/explain_values.hpp"

namespace cp {

namespace {

const char* axis_word(int axes, int a, bool plural) {
    if (axes == 1) return plural ? "cells" : "cell";
    return a == 0 ? (plural ? "rows" : "row") : (plural ? "columns" : "column");
}

// A product of sizes as text: exact while it fits in 64 bits, else in floating point ("1.2e+31")
// (a stack at the caps multiplies past 2^63).
std::string product_text(std::initializer_list<int64_t> factors) {
    int64_t p = 1;
    bool exact = true;
    double approx = 1;
    for (int64_t f : factors) {
        approx *= static_cast<double>(f);
        exact = exact && !__builtin_mul_overflow(p, f, &p);
    }
    if (exact) return std::to_string(p);
    std::ostringstream o;
    o.precision(3);
    o << approx;
    return o.str();
}

// Along one axis of a transposed conv: the (input cell i, tap t) pairs whose product lands inside
// the output, i.e. 0 <= R + i*s - t*d < out in the grid's coordinates (R: the ring before, negative
// when padding crops). For each tap the valid i form one run, so this is linear in the kernel.
int64_t landing_pairs(const ExplainAxis& g) {
    const auto ceil_div = [](int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -(-a / b); };
    int64_t n = 0;
    for (int64_t t = 0; t < g.kernel; ++t) {
        const int64_t lo = t * g.dilation - g.pad_before;  // i*s in [lo, lo + out)
        const int64_t first = std::max<int64_t>(0, ceil_div(lo, g.stride));
        const int64_t end = std::min<int64_t>(g.in, ceil_div(lo + g.out, g.stride));
        n += std::max<int64_t>(0, end - first);
    }
    return n;
}

// Whether cell j along one axis of a transposed conv's grid is a real input cell (not padding,
// an inserted zero or output_padding); the same rule as grid_source, one axis at a time.
bool grid_source_axis_real(const ExplainAxis& g, int64_t j) {
    const int64_t z = j - g.pad_before;
    return z >= 0 && z < g.zeros_size && z % g.stride == 0;
}

}  // namespace

Result<Explain> explain_layer(const Layer& L, const LayerInfo& info, int64_t max_cells) {
    if (!info.status.ok) return info.status;
    if (!(L.has_weights() || L.is_pool()))
        return Status::error(std::string(op_name(L.op, L.dims)) +
                             " has no sliding window to explain (it maps each cell on its own)");
    Explain e;
    e.transposed = L.op == Op::ConvT;
    e.axes = info.axes;
    // Per axis geometry; H is a dummy of size 1 for 1-d layers.
    ExplainAxis axv[2];
    for (int a = 0; a < info.axes; ++a) {
        const AxisInfo& x = info.axis[a];
        ExplainAxis& g = e.ax[a];
        g.in = x.in, g.out = x.out, g.kernel = x.kernel, g.stride = x.stride, g.dilation = x.dilation;
        g.output_padding = x.output_padding;
        if (!e.transposed) {
            g.pad_before = x.pad_before, g.pad_after = x.pad_after;
            g.grid = x.in + x.pad_before + x.pad_after;
            g.gap = x.gap, g.gap_input = x.gap_input;
            // ceil_mode pools: the last window may start inside the grid and end past it.
            g.overhang = std::max<int64_t>(0, (x.out - 1) * x.stride + x.eff_kernel - g.grid);
        } else {
            g.zeros_size = (x.in - 1) * x.stride + 1;
            g.pad_before = x.dilation * (x.kernel - 1) - x.pad_before;
            g.pad_after = x.dilation * (x.kernel - 1) - x.pad_after;
            g.grid = g.zeros_size + g.pad_before + g.pad_after + x.output_padding;
        }
    }
    ExplainAxis one;
    one.in = one.out = one.grid = one.zeros_size = 1;
    const auto hw = as_hw(info.axes, e.ax, one);
    axv[0] = hw[0], axv[1] = hw[1];
    const ExplainAxis &H = axv[0], &W = axv[1];
    e.grid_h = H.grid + H.overhang, e.grid_w = W.grid + W.overhang;
    e.out_h = H.out, e.out_w = W.out;
    e.slide_stride_h = e.transposed ? 1 : H.stride;
    e.slide_stride_w = e.transposed ? 1 : W.stride;

    // The recipe in words.
    std::ostringstream s;
    const bool conv = !e.transposed;
    if (conv) {
        bool any_pad = false;
        for (int a = 0; a < info.axes; ++a) any_pad |= e.ax[a].pad_before != 0 || e.ax[a].pad_after != 0;
        if (any_pad) {
            s << "Pad the " << shape_text(Dims(info.in.begin() + 2, info.in.end())) << " input";
            for (int a = 0; a < info.axes; ++a)
                s << (a ? "," : "") << " " << e.ax[a].pad_before << " before and " << e.ax[a].pad_after << " after along "
                  << (info.axes == 1 ? "L" : (a == 0 ? "H" : "W"));
            s << (L.has_weights() && L.padding_mode != PadMode::Zeros ? std::string(" (") + pad_mode_name(L.padding_mode) + ")"
                  : L.op == Op::MaxPool ? " (-inf, never picked)" : " (zeros)");
            s << " -> " << (info.axes == 2 ? std::to_string(H.grid) + "x" : "") << W.grid << " grid.";
        } else {
            s << "No padding: the window slides over the " << shape_text(Dims(info.in.begin() + 2, info.in.end()))
              << " input itself.";
        }
        e.steps.push_back(s.str());
        s.str("");
        s << "Slide the " << (info.axes == 2 ? std::to_string(H.kernel) + "x" + std::to_string(W.kernel) : std::to_string(W.kernel))
          << " window";
        if (H.dilation > 1 || W.dilation > 1)
            s << " (dilation " << (info.axes == 2 ? std::to_string(H.dilation) + "x" : "") << W.dilation << ": it spans "
              << (info.axes == 2 ? std::to_string(H.dilation * (H.kernel - 1) + 1) + "x" : "")
              << W.dilation * (W.kernel - 1) + 1 << " cells with holes)";
        s << " with stride " << (info.axes == 2 ? std::to_string(H.stride) + "x" : "") << W.stride << ": "
          << (info.axes == 2 ? std::to_string(H.out) + " x " : "") << W.out << " positions = the output size.";
        e.steps.push_back(s.str());
        for (int a = 0; a < info.axes; ++a) {
            const ExplainAxis& g = e.ax[a];
            s.str("");
            if (g.gap > 0)
                s << "Along " << (info.axes == 1 ? "L" : (a == 0 ? "H" : "W")) << ", (" << g.grid << " - "
                  << g.dilation * (g.kernel - 1) + 1 << ") mod " << g.stride << " = " << g.gap << ": the last "
                  << (g.gap > 1 ? std::to_string(g.gap) + " " : "") << axis_word(info.axes, a, g.gap > 1)
                  << " of the padded grid " << (g.gap > 1 ? "are" : "is") << " never reached"
                  << (g.gap_input > 0 ? " (" + std::to_string(g.gap_input) + " of them real input, lost)" : " (padding only)")
                  << ". A transposed conv needs output_padding=" << g.gap << " to give back " << g.in << ".";
            if (!s.str().empty()) e.steps.push_back(s.str());
            // Both axes alike (a square pool on a square input): one sentence for both.
            const bool alike = info.axes == 2 && e.ax[0].overhang == e.ax[1].overhang && e.ax[0].grid == e.ax[1].grid &&
                               e.ax[0].out == e.ax[1].out && e.ax[0].stride == e.ax[1].stride &&
                               e.ax[0].pad_before == e.ax[1].pad_before;
            if (g.overhang > 0 && !(alike && a == 1)) {
                s.str("");
                const bool avg = L.op == Op::AvgPool;
                s << "Along " << (alike ? "H and W" : info.axes == 1 ? "L" : (a == 0 ? "H" : "W"))
                  << ", ceil_mode keeps a last window that starts at " << (g.out - 1) * g.stride << " (inside the "
                  << ((g.out - 1) * g.stride < g.pad_before ? "padding" : "input") << ") and hangs " << g.overhang << " "
                  << (alike ? std::string(g.overhang > 1 ? "rows and columns" : "row and column") : axis_word(info.axes, a, g.overhang > 1))
                  << " over the edge of the " << g.grid << "-cell grid: nothing is there, so "
                  << (avg ? std::string("the average divides by the ") +
                                (L.count_include_pad ? "cells inside the padded grid only" : "real input cells only")
                          : std::string("the max is taken over the cells inside only"))
                  << ". (PyTorch keeps such a window only when it starts inside the input or the left padding.)";
                e.steps.push_back(s.str());
            }
        }
    } else {
        s << "Insert " << (H.stride == W.stride || info.axes == 1 ? std::to_string(W.stride - 1)
                                                                    : std::to_string(H.stride - 1) + " (rows) / " +
                                                                          std::to_string(W.stride - 1) + " (columns)")
          << (W.stride - 1 == 1 && (info.axes == 1 || H.stride == W.stride) ? " zero" : " zeros")
          << " between neighbouring input cells (stride " << (info.axes == 2 ? std::to_string(H.stride) + "x" : "")
          << W.stride << "): " << (info.axes == 2 ? std::to_string(H.in) + "x" : "") << W.in << " -> "
          << (info.axes == 2 ? std::to_string(H.zeros_size) + "x" : "") << W.zeros_size << ".";
        e.steps.push_back(s.str());
        for (int a = 0; a < info.axes; ++a) {
            const ExplainAxis& g = e.ax[a];
            s.str("");
            const char* an = info.axes == 1 ? "L" : (a == 0 ? "H" : "W");
            const int64_t q = g.pad_before;
            s << "Along " << an << ": ring = d*(k-1) - p = " << g.dilation << "*(" << g.kernel << "-1) - "
              << info.axis[a].pad_before << " = " << q;
            if (q >= 0) s << ": pad " << q << (q == 1 ? " zero" : " zeros") << " on each side";
            else s << ": negative, so crop " << -q << " from each side";
            if (g.output_padding > 0)
                s << ", plus output_padding " << g.output_padding << " more " << axis_word(info.axes, a, g.output_padding > 1)
                  << " at the " << (info.axes == 1 ? "end" : (a == 0 ? "bottom" : "right"));
            s << " -> " << g.grid << ".";
            e.steps.push_back(s.str());
        }
        s.str("");
        s << "Flip the kernel (rotate 180 degrees), swap its in/out channel axes, and slide it with stride 1"
          << ((H.dilation > 1 || W.dilation > 1) ? " and the same dilation" : "") << ": "
          << (info.axes == 2 ? std::to_string(H.grid) + " - " + std::to_string(H.dilation * (H.kernel - 1) + 1) + " + 1 = " +
                                   std::to_string(H.out) + " by "
                             : "")
          << W.grid << " - " << W.dilation * (W.kernel - 1) + 1 << " + 1 = " << W.out << ".";
        e.steps.push_back(s.str());
        s.str("");
        const int64_t cin = info.in[1], cout_g = info.out[1] / std::max<int64_t>(1, L.groups);
        const int64_t land_h = landing_pairs(H), land_w = landing_pairs(W);
        s << "Only the real input cells contribute: " << product_text({cin, cout_g, land_h, land_w})
          << " multiply-adds per image instead of the "
          << product_text({info.out[1], H.out, W.out, info.in[1] / std::max<int64_t>(1, L.groups), H.kernel, W.kernel})
          << " a dense stride-1 conv over the zero-inserted grid would do.";
        // The MACs figure (shapes, the CLI, the UI) counts every input cell times every weight, as
        // the usual convention does; with padding some of those products fall on removed cells.
        if (land_h < H.in * H.kernel || land_w < W.in * W.kernel) {
            // Each per-axis count is below 2^33, so their products fit in 128 bits; a difference
            // past 2^63 is printed from its high bits (product_text then rounds to 3 digits anyway).
            const __int128 removed =
                static_cast<__int128>(H.in * H.kernel) * (W.in * W.kernel) - static_cast<__int128>(land_h) * land_w;
            const bool fits = removed <= INT64_MAX;
            s << " The layer's MACs figure, " << product_text({cin, cout_g, H.in, W.in, H.kernel, W.kernel})
              << ", counts every input cell times every weight; the other "
              << (fits ? product_text({cin, cout_g, static_cast<int64_t>(removed)})
                       : product_text({cin, cout_g, static_cast<int64_t>(removed >> 20), int64_t(1) << 20}))
              << " products would land on the cells that padding removes.";
        }
        e.steps.push_back(s.str());
    }

    // Grids (only when small enough to be useful to draw). Products are compared by division:
    // at the caps grid_h * grid_w does not fit in 64 bits.
    auto within = [&](int64_t a, int64_t b) { return a <= max_cells && (a == 0 || b <= max_cells / a); };
    if (!within(e.grid_h, e.grid_w) || !within(e.out_h, e.out_w)) {
        e.grids_included = false;
        return e;
    }
    const int64_t cells = e.grid_h * e.grid_w;
    e.cells.assign(static_cast<size_t>(cells), Cell::Pad);
    for (int64_t y = 0; y < e.grid_h; ++y)
        for (int64_t x = 0; x < e.grid_w; ++x) e.cells[static_cast<size_t>(y * e.grid_w + x)] = grid_source(L, info, y, x).cell;
    // Windows are separable: a tap reaches (y, x) once for every pair of a (row window, row tap)
    // reaching y and a (column window, column tap) reaching x, so both counts are products of
    // per-axis counts. Per axis they are linear in the grid (taps of one window are an arithmetic
    // run, added as a difference along its dilation step), never outputs x kernel taps.
    auto axis_coverage = [](const ExplainAxis& g, int64_t grid, int64_t slide) {
        std::vector<int64_t> c(static_cast<size_t>(grid), 0);
        for (int64_t o = 0; o < g.out; ++o) {
            const int64_t first = o * slide;
            if (first >= grid) break;
            ++c[static_cast<size_t>(first)];
            const int64_t taps = std::min(g.kernel, (grid - 1 - first) / g.dilation + 1);
            const int64_t end = first + taps * g.dilation;
            if (end < grid) --c[static_cast<size_t>(end)];
        }
        for (int64_t j = g.dilation; j < grid; ++j) c[static_cast<size_t>(j)] += c[static_cast<size_t>(j - g.dilation)];
        return c;
    };
    const std::vector<int64_t> cov_h = axis_coverage(H, e.grid_h, e.slide_stride_h);
    const std::vector<int64_t> cov_w = axis_coverage(W, e.grid_w, e.slide_stride_w);
    auto clamp32 = [](int64_t v) { return static_cast<int32_t>(std::min<int64_t>(v, INT32_MAX)); };
    e.coverage.assign(static_cast<size_t>(cells), 0);
    for (int64_t y = 0; y < e.grid_h; ++y)
        for (int64_t x = 0; x < e.grid_w; ++x)
            e.coverage[static_cast<size_t>(y * e.grid_w + x)] = clamp32(cov_h[size_t(y)] * cov_w[size_t(x)]);  // each <= k
    if (conv) {
        for (int64_t i = 0; i < cells; ++i)
            if (e.cells[static_cast<size_t>(i)] == Cell::Input && e.coverage[static_cast<size_t>(i)] == 0) ++e.uncovered_inputs;
        if (e.uncovered_inputs > 0)
            e.steps.push_back(std::to_string(e.uncovered_inputs) + " input cells are never under any window tap" +
                              (H.stride > H.dilation * (H.kernel - 1) + 1 || W.stride > W.dilation * (W.kernel - 1) + 1
                                   ? " (the stride is larger than the window, so some cells fall between windows)"
                                   : "") +
                              ".");
    } else {
        // Products landing on each output cell = taps of its window on real input cells; a cell
        // is real input exactly when its row and its column are, so this is a product too. Per
        // axis: real cells counted along each dilation chain (prefix sums with step d).
        auto axis_overlap = [&](const ExplainAxis& g, int64_t grid) {
            std::vector<int64_t> chain(static_cast<size_t>(grid), 0), n(static_cast<size_t>(g.out), 0);
            for (int64_t j = 0; j < grid; ++j)
                chain[size_t(j)] = (grid_source_axis_real(g, j)) + (j >= g.dilation ? chain[size_t(j - g.dilation)] : 0);
            for (int64_t o = 0; o < g.out && o < grid; ++o) {
                const int64_t taps = std::min(g.kernel, (grid - 1 - o) / g.dilation + 1);
                const int64_t last = o + (taps - 1) * g.dilation;
                n[size_t(o)] = chain[size_t(last)] - (o >= g.dilation ? chain[size_t(o - g.dilation)] : 0);
            }
            return n;
        };
        const std::vector<int64_t> n_h = info.axes == 2 ? axis_overlap(H, e.grid_h) : std::vector<int64_t>{1};
        const std::vector<int64_t> n_w = axis_overlap(W, e.grid_w);
        e.overlap.assign(static_cast<size_t>(e.out_h * e.out_w), 0);
        int32_t lo = INT32_MAX, hi = 0;
        for (int64_t oy = 0; oy < e.out_h; ++oy)
            for (int64_t ox = 0; ox < e.out_w; ++ox) {
                const int32_t n = clamp32(n_h[size_t(oy)] * n_w[size_t(ox)]);
                e.overlap[static_cast<size_t>(oy * e.out_w + ox)] = n;
                lo = std::min(lo, n), hi = std::max(hi, n);
            }
        e.steps.push_back("Each output cell sums between " + std::to_string(lo) + " and " + std::to_string(hi) +
                          " products per input channel" +
                          (lo != hi ? " (uneven overlap: the source of checkerboard patterns)" : " (even overlap)") + ".");
    }
    return e;
}

bool window_covers(const Explain& e, int64_t oy, int64_t ox, int64_t y, int64_t x) {
    const auto [H, W] = as_hw(e.axes, e.ax, ExplainAxis{});  // a 1-d H: one tap, dilation 1
    const int64_t kh = H.kernel, dh = H.dilation;
    const int64_t dy = y - oy * e.slide_stride_h, dx = x - ox * e.slide_stride_w;
    if (dy < 0 || dx < 0 || dy % dh || dx % W.dilation) return false;
    return dy / dh < kh && dx / W.dilation < W.kernel;
}

std::string explain_text(const Layer& L, const LayerInfo& info, const Explain& e, int max_side) {
    std::ostringstream o;
    o << "Layer " << info.index + 1 << ": " << print_layer(L) << "  " << shape_text(info.in) << " -> "
      << shape_text(info.out) << "\n";
    for (int a = 0; a < info.axes; ++a) o << "  " << info.axis[a].formula << "\n";
    for (size_t i = 0; i < e.steps.size(); ++i) o << "Step " << i + 1 << ". " << e.steps[i] << "\n";
    if (!e.grids_included || e.grid_h > max_side || e.grid_w > max_side) {
        o << "(grids are drawn for sizes up to " << max_side << "; this grid is " << e.grid_h << "x" << e.grid_w << ")\n";
        return o.str();
    }
    const bool beyond = std::find(e.cells.begin(), e.cells.end(), Cell::Beyond) != e.cells.end();
    o << "\nThe grid the " << (e.transposed ? "flipped kernel" : "window") << " slides over ("
      << (e.transposed ? "# input, o inserted zero, . padding, + output_padding" : "# input, . padding")
      << (beyond ? ", x past the edge (ceil_mode)" : "") << "):\n";
    const char glyph[] = {'#', '.', 'o', '+', 'x'};
    for (int64_t y = 0; y < e.grid_h; ++y) {
        o << "  ";
        for (int64_t x = 0; x < e.grid_w; ++x) o << glyph[static_cast<int>(e.cells[size_t(y * e.grid_w + x)])] << ' ';
        o << "\n";
    }
    auto digits = [&](const std::vector<int32_t>& v, int64_t h, int64_t w) {
        for (int64_t y = 0; y < h; ++y) {
            o << "  ";
            for (int64_t x = 0; x < w; ++x) {
                const int32_t n = v[size_t(y * w + x)];
                o << (n > 9 ? '*' : char('0' + n)) << ' ';
            }
            o << "\n";
        }
    };
    if (!e.transposed) {
        o << "\nHow many window taps reach each cell (0 on a # cell = input the layer never sees):\n";
        digits(e.coverage, e.grid_h, e.grid_w);
    } else {
        o << "\nProducts summed into each output cell (per input channel):\n";
        digits(e.overlap, e.out_h, e.out_w);
    }
    return o.str();
}

}  // namespace cp
