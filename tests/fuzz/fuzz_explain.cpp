// Fuzz target: the explain geometry of one conv / transposed conv / pool layer.
// Properties: explaining any valid layer never crashes or overflows; when the grids are
// tabulated, every coverage count equals the number of windows window_covers() says reach that
// cell (the picture and the counts agree), and the text renders.
#include <cstddef>
#include <cstdint>

#include "core/codec.hpp"
#include "core/explain.hpp"
#include "fuzz/gen_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cp::fuzz;
    ByteReader r(data, size);
    // Small inputs most of the time so the grids are tabulated; sometimes the caps.
    cp::State s;
    const int dims = r.flag() ? 1 : 2;
    s.in_shape.assign(static_cast<size_t>(dims) + 1, 1);
    s.in_shape[0] = r.edgy(1, 8);
    const bool big = r.byte() % 4 == 0;
    for (int a = 1; a <= dims; ++a) s.in_shape[static_cast<size_t>(a)] = big ? r.edgy(1, Lim::max_geometry) : r.edgy(1, 24);
    s.net.push_back(gen_layer(r, dims));
    cp::Layer& L = s.net[0];
    if (!big) {  // keep the window small too, or nothing fits the grid
        for (int a = 0; a < 2; ++a) {
            L.kernel[a] = std::min<int64_t>(L.kernel[a], 9);
            L.dilation[a] = std::min<int64_t>(L.dilation[a], 4);
            L.stride[a] = std::min<int64_t>(L.stride[a], 6);
        }
        if (L.has_weights()) L.out_channels = std::min<int64_t>(L.out_channels, 8);
    }
    const cp::NetInfo info = cp::net_info(s);
    const cp::LayerInfo& li = info.layers[0];
    if (!li.status.ok) return 0;
    const int64_t max_cells = int64_t(1) << (8 + r.byte() % 8);
    auto e = cp::explain_layer(L, li, max_cells);
    if (!e) {
        require(!e.status().message.empty(), "an explain refusal has no message", cp::print_state(s));
        return 0;
    }
    if (e->grids_included) {
        const size_t cells = static_cast<size_t>(e->grid_h * e->grid_w);
        require(e->cells.size() == cells && e->coverage.size() == cells, "grid sizes disagree", cp::print_state(s));
        if (e->out_h * e->out_w * e->grid_h * e->grid_w <= 20000) {
            for (int64_t y = 0; y < e->grid_h; ++y)
                for (int64_t x = 0; x < e->grid_w; ++x) {
                    int64_t n = 0;
                    for (int64_t oy = 0; oy < e->out_h; ++oy)
                        for (int64_t ox = 0; ox < e->out_w; ++ox) n += cp::window_covers(*e, oy, ox, y, x);
                    require(n == e->coverage[static_cast<size_t>(y * e->grid_w + x)],
                            "coverage count differs from window_covers", cp::print_state(s));
                }
        }
    }
    cp::explain_text(L, li, *e, static_cast<int>(r.byte() % 40));
    return 0;
}
