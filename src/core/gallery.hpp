// The gallery: the classic convolution-arithmetic cases (Dumoulin & Visin's figures: padding,
// strides, the coverage gap, dilation, and the transposed twin of each) and the worked examples
// of the odd-size story, as state texts. The one list behind the playground's Gallery panel,
// web/gallery.html (through the engine), `convplay gallery` and the PyTorch fixture of their
// shapes.
#pragma once
#include <string>
#include <vector>

namespace cp {

struct GalleryEntry {
    std::string id;     // stable, URL-safe: "conv-strides", "odd-256-fixed"
    std::string group;  // "Convolution", "Transposed convolution", "Odd sizes"
    std::string title;  // "Padding and strides"
    std::string note;   // what to look at, with the numbers
    std::string state;  // the state text (canonical)
};

// Every entry, in display order. An odd-size example is followed by its fix, which is not typed
// in: it is the solver's fixed state (solve_net), titled with the solver's fix.
const std::vector<GalleryEntry>& gallery();

// [{"id","group","title","note","state"}, ...]
std::string gallery_json();

}  // namespace cp
