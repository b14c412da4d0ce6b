// The tables of choices.hpp. A row's position is its enum value (checked below at compile time);
// a new row here is a new word in the state text, the UI and the docs.
#include "core/choices.hpp"

#include <cctype>

#include "core/colormap.hpp"

namespace cp {

namespace {

// PadKind: how `p` is given. Explicit is the numbers form; the others are words.
constexpr Choice kPadKinds[] = {
    {"numbers", "", "", "whole numbers: both sides, HxW, or per side top:bottom x left:right"},
    {"same", "same", "", "output size = input size (stride 1 only); an odd total puts the extra on the bottom/right"},
    {"valid", "valid", "", "no padding (0)"},
    {"full", "", "", "d*(k-1) on every side"},
    {"tfsame", "", "", "TensorFlow's 'SAME': output ceil(i/s) for any stride, the extra on the bottom/right"},
};

constexpr Choice kPadModes[] = {
    {"zeros", "zeros", "", "pad with 0"},
    {"reflect", "reflect", "", "mirror without repeating the edge: 1 2 3 padded by 2 is 3 2 [1 2 3] 2 1"},
    {"replicate", "replicate", "", "repeat the edge value: 1 2 3 padded by 2 is 1 1 [1 2 3] 3 3"},
    {"circular", "circular", "", "wrap around: 1 2 3 padded by 2 is 2 3 [1 2 3] 1 2"},
};

constexpr Choice kUpModes[] = {
    {"nearest", "nearest", "", "copy the nearest input cell"},
    {"linear", "linear", "", "linear interpolation (1-d input)"},
    {"bilinear", "bilinear", "", "bilinear interpolation (2-d input)"},
};

constexpr Choice kPresets[] = {
    {"rand", "kaiming_uniform_", "",
     "PyTorch's default init: uniform in +-1/sqrt(fan_in), fan_in = in/g*kH*kW (conv) or out/g*kH*kW "
     "(transposed), the bias likewise; seeded"},
    {"identity", "", "", "1 at the kernel's centre: passes each channel through"},
    {"box", "", "", "every tap 1/(kH*kW): a moving average"},
    {"gauss", "", "", "a normalised Gaussian (sigma as OpenCV picks it for the kernel size)"},
    {"sobelx", "", "", "horizontal derivative (Sobel, any size)"},
    {"sobely", "", "", "vertical derivative (Sobel, any size)"},
    {"laplace", "", "", "4-neighbour Laplacian"},
    {"sharpen", "", "", "identity minus the Laplacian"},
    {"bilinear", "", "", "the bilinear-upsampling kernel of a transposed conv"},
};

constexpr Choice kImages[] = {
    {"photo", "", "", "a landscape: sky, sun, two ridges, a textured field"},
    {"checker", "", "", "black and white squares, 8 along the shorter side"},
    {"text", "", "", "the word CONVPLAY in a pixel font"},
    {"gradient", "", "", "red across, green down"},
    {"impulse", "", "", "one white pixel in the centre: shows a layer's kernel"},
    {"noise", "", "", "uniform noise from the state's seed"},
    {"sine", "", "", "a signal: 4 periods of a sine across the last axis in [0, 1] (channels a third of a period apart)"},
    {"square", "", "", "a signal: 4 periods of a square wave, 0 or 1 (channels a third of a period apart)"},
    {"chirp", "", "", "a signal: a sine whose frequency rises from 1 to 16 periods per length"},
    {"upload", "", "", "the user's own image, or signal file (CSV / .npy columns as channels: a 1-d input); not in the link: a shared link falls back to a sample"},
};

constexpr Choice kColormaps[] = {
    {"auto", "", "", "diverging when a channel has both signs, else sequential"},
    {"sequential", "", "", "dark purple -> blue -> green -> yellow (viridis anchors)"},
    {"diverging", "", "", "blue (negative) -> light grey (zero) -> red (positive)"},
    {"grey", "", "", "black -> white"},
    {"rgb", "", "", "three channels as red, green and blue"},
};

// Every table has one row per enum value, in order.
static_assert(std::size(kPadKinds) == size_t(PadKind::TfSame) + 1);
static_assert(std::size(kPadModes) == size_t(PadMode::Circular) + 1);
static_assert(std::size(kUpModes) == size_t(UpMode::Bilinear) + 1);
static_assert(std::size(kPresets) == size_t(Preset::Bilinear) + 1);
static_assert(std::size(kImages) == size_t(InputImage::Upload) + 1);
static_assert(std::size(kColormaps) == size_t(Colormap::Rgb) + 1);

}  // namespace

template <> std::span<const Choice> choices<PadKind>() { return kPadKinds; }
template <> std::span<const Choice> choices<PadMode>() { return kPadModes; }
template <> std::span<const Choice> choices<UpMode>() { return kUpModes; }
template <> std::span<const Choice> choices<Preset>() { return kPresets; }
template <> std::span<const Choice> choices<InputImage>() { return kImages; }
template <> std::span<const Choice> choices<Colormap>() { return kColormaps; }

const char* pad_mode_name(PadMode m) { return choice_name(m); }
const char* up_mode_name(UpMode m) { return choice_name(m); }
const char* preset_name(Preset p) { return choice_name(p); }
const char* image_name(InputImage i) { return choice_name(i); }

std::vector<std::string_view> comma_list(std::string_view list) {
    std::vector<std::string_view> out;
    while (!list.empty()) {
        const size_t comma = list.find(',');
        out.push_back(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return out;
}

std::string fold_word(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<size_t> find_choice(std::span<const Choice> table, std::string_view word) {
    const std::string w = fold_word(word);
    for (size_t i = 0; i < table.size(); ++i) {
        if (w == table[i].name) return i;
        for (std::string_view alias : comma_list(table[i].aliases))
            if (w == fold_word(alias)) return i;
    }
    return std::nullopt;
}

std::string choice_names(std::span<const Choice> table, const char* sep, const char* last_sep, size_t first) {
    std::string out;
    for (size_t i = first; i < table.size(); ++i) {
        if (i > first) out += i + 1 == table.size() ? last_sep : sep;
        out += table[i].name;
    }
    return out;
}

}  // namespace cp
