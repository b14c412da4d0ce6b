// The gallery (see gallery.hpp). The typed table holds only what a person chose: the cases and
// their words; states are made canonical by the codec, and fixes come from the solver.
#include "core/gallery.hpp"

#include "core/codec.hpp"
#include "core/json.hpp"
#include "core/solver.hpp"

namespace cp {

namespace {

struct Typed {
    const char* id;
    const char* group;
    const char* title;
    const char* state;
    const char* note;
    bool with_fix;  // follow it with the solver's fix
};

constexpr const char* kConv = "Convolution";
constexpr const char* kConvT = "Transposed convolution";
constexpr const char* kOdd = "Odd sizes";

// Input sizes and parameters of the classic figures; each transposed twin takes the conv's
// output size back to its input size (the "odd" twin needs output_padding to do so).
constexpr Typed kTyped[] = {
    {"conv-no-padding", kConv, "No padding, unit strides", "v=1&in=1x4x4&net=conv2d(out=1,k=3)",
     "A 3x3 window over a 4x4 input fits in 2 positions per axis: 4 - 3 + 1 = 2.", false},
    {"conv-arbitrary-padding", kConv, "Arbitrary padding, unit strides", "v=1&in=1x5x5&net=conv2d(out=1,k=4,p=2)",
     "Padding 2 on each side makes the 5x5 input 9x9; a 4x4 window fits 6 times per axis.", false},
    {"conv-half-padding", kConv, "Half (same) padding", "v=1&in=1x5x5&net=conv2d(out=1,k=3,p=same)",
     "p = floor(k/2) = 1 keeps the size: 5 -> 5.", false},
    {"conv-full-padding", kConv, "Full padding", "v=1&in=1x5x5&net=conv2d(out=1,k=3,p=full)",
     "p = k - 1 = 2: every partial overlap counts, and the output grows: 5 -> 7.", false},
    {"conv-strides", kConv, "No padding, strides", "v=1&in=1x5x5&net=conv2d(out=1,k=3,s=2)",
     "Stride 2 skips every other position: floor((5 - 3) / 2) + 1 = 2.", false},
    {"conv-padding-strides", kConv, "Padding and strides", "v=1&in=1x5x5&net=conv2d(out=1,k=3,s=2,p=1)",
     "floor((5 + 2 - 3) / 2) + 1 = 3: the windows tile the padded input exactly.", false},
    {"conv-odd", kConv, "Padding and strides, the odd case", "v=1&in=1x6x6&net=conv2d(out=1,k=3,s=2,p=1)",
     "6 gives 3 too: (6 + 2 - 3) mod 2 = 1 row and column of the padded input no window reaches.", false},
    {"conv-dilation", kConv, "Dilation", "v=1&in=1x7x7&net=conv2d(out=1,k=3,d=2)",
     "Dilation 2 spreads the 3 taps over 5 cells: 7 - 5 + 1 = 3.", false},
    {"convT-no-padding", kConvT, "Twin of no padding, unit strides", "v=1&in=1x2x2&net=convT2d(out=1,k=3)",
     "2 -> 4: the equivalent conv pads the input with k - 1 = 2 zeros on each side.", false},
    {"convT-arbitrary-padding", kConvT, "Twin of arbitrary padding", "v=1&in=1x6x6&net=convT2d(out=1,k=4,p=2)",
     "6 -> 5: the ring is k - 1 - p = 1 zero.", false},
    {"convT-half-padding", kConvT, "Twin of half (same) padding", "v=1&in=1x5x5&net=convT2d(out=1,k=3,p=1)",
     "5 -> 5: with half padding a transposed conv is a conv with the flipped kernel.", false},
    {"convT-full-padding", kConvT, "Twin of full padding", "v=1&in=1x7x7&net=convT2d(out=1,k=3,p=2)",
     "7 -> 5: the ring k - 1 - p is 0, so the flipped kernel slides over the input as it is.", false},
    {"convT-strides", kConvT, "Twin of strides", "v=1&in=1x2x2&net=convT2d(out=1,k=3,s=2)",
     "2 -> 5: one zero between the input cells, a ring of 2: (2 - 1) * 2 + 3 = 5.", false},
    {"convT-padding-strides", kConvT, "Twin of padding and strides", "v=1&in=1x3x3&net=convT2d(out=1,k=3,s=2,p=1)",
     "3 -> 5: (3 - 1) * 2 - 2 + 3 = 5.", false},
    {"convT-odd", kConvT, "Twin of the odd case", "v=1&in=1x3x3&net=convT2d(out=1,k=3,s=2,p=1,op=1)",
     "3 -> 6: output_padding=1 adds back the row and column the conv never reached.", false},
    {"convT-dilation", kConvT, "Twin of dilation", "v=1&in=1x3x3&net=convT2d(out=1,k=3,d=2)",
     "3 -> 7: the dilated flipped kernel spans 5 cells and the ring is d*(k-1) = 4.", false},
    {"odd-3-to-5", kOdd, "3 -> 5, not 6 (k3 s2 p1)", "v=1&in=1x3&net=convT1d(out=1,k=3,s=2,p=1)",
     "Conv(k3, s2, p1) maps both 5 and 6 to 3; its transpose gives the smaller: (3 - 1) * 2 - 2 + 3 = 5.", false},
    {"odd-256", kOdd, "256 -> 128 -> 255", "v=1&in=3x256x256&net=conv2d(out=16,k=3,s=2,p=1);relu;convT2d(out=3,k=3,s=2,p=1)",
     "The encoder halves 256 to 128; the decoder gives 255, one short.", true},
    {"odd-255", kOdd, "255 -> 127 -> 254 (k4 s2 p1)", "v=1&in=3x255x255&net=conv2d(out=16,k=4,s=2,p=1);relu;convT2d(out=3,k=4,s=2,p=1)",
     "An even kernel: floor((255 + 2 - 4) / 2) + 1 = 127, and (127 - 1) * 2 - 2 + 4 = 254.", true},
    {"odd-2-to-5", kOdd, "2 -> 5 (ConvTranspose1d k3 s2)", "v=1&in=1x2&net=convT1d(out=1,k=3,s=2)",
     "Each of the 2 inputs stamps 3 taps, 2 apart: they overlap on the middle cell, (2 - 1) * 2 + 3 = 5.", false},
};

std::vector<GalleryEntry> build() {
    std::vector<GalleryEntry> out;
    for (const Typed& t : kTyped) {
        auto st = parse_state(t.state);
        // The table is compiled in: a typo is a programming error, which the gallery test catches
        // (the entry keeps the typed text, and the note says what is wrong).
        if (!st) {
            out.push_back({t.id, t.group, t.title, "error: " + st.status().message, t.state});
            continue;
        }
        out.push_back({t.id, t.group, t.title, t.note, print_state(*st)});
        if (!t.with_fix) continue;
        const SolveReport r = solve_net(*st);
        std::string fix, why;
        for (const Mismatch& m : r.mismatches) {
            if (m.fixable) fix += (fix.empty() ? "" : ", ") + m.fixes.front().label;
            why += (why.empty() ? "" : " ") + m.message;
        }
        out.push_back({std::string(t.id) + "-fixed", t.group, std::string(t.title) + ": the fix (" + fix + ")", why,
                       print_state(r.fixed)});
    }
    return out;
}

}  // namespace

const std::vector<GalleryEntry>& gallery() {
    static const std::vector<GalleryEntry> entries = build();
    return entries;
}

std::string gallery_json() {
    JsonWriter w;
    w.begin_array();
    for (const GalleryEntry& g : gallery())
        w.begin_object().key("id").value(g.id).key("group").value(g.group).key("title").value(g.title).key("note").value(
            g.note).key("state").value(g.state).end_object();
    w.end_array();
    return w.str();
}

}  // namespace cp
