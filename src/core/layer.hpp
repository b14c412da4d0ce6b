// The model of a convplay state: the input and a stack of layers, with every parameter PyTorch
// exposes. One plain struct, compared with ==; the text codec (codec.hpp) is its only serialiser.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cp {

enum class Op : uint8_t { Conv, ConvT, MaxPool, AvgPool, Upsample, Crop, ReLU, LeakyReLU, Sigmoid, Tanh };
enum class PadKind : uint8_t { Explicit, Same, Valid, Full, TfSame };
enum class PadMode : uint8_t { Zeros, Reflect, Replicate, Circular };
enum class UpMode : uint8_t { Nearest, Linear, Bilinear };
enum class Preset : uint8_t { Rand, Identity, Box, Gauss, SobelX, SobelY, Laplace, Sharpen, Bilinear };
// The input's pixels: a built-in sample drawn at any size (sine, square and chirp are signals along
// the last axis, meant for 1-d inputs), or the user's upload (not in a link).
enum class InputImage : uint8_t { Photo, Checker, Text, Gradient, Impulse, Noise, Sine, Square, Chirp, Upload };
// Names, descriptions and PyTorch's words of every enumeration here: choices.hpp and layer_types.hpp.

constexpr int kMaxAxes = 2;  // spatial axes: [0] = H (or L for 1-d), [1] = W
using Axes = std::array<int64_t, kMaxAxes>;

// Every layer runs as 2-d: a 1-d layer is a 2-d one of height 1, exactly as PyTorch runs it. The
// one place that maps: the (H, W) pair of any per-axis array `v` of a layer with `axes` spatial
// axes, `unit` standing in for the H of a 1-d layer.
template <class T, class PerAxis>
std::array<T, 2> as_hw(int axes, const PerAxis& v, const T& unit) {
    if (axes == 2) return {v[0], v[1]};
    return {unit, v[0]};
}

struct Layer {
    Op op = Op::ReLU;
    int dims = 2;  // spatial axes this layer expects: 1 (N,C,L) or 2 (N,C,H,W)

    // Conv / ConvT
    int64_t out_channels = 0;
    std::optional<int64_t> in_channels;  // only when the user states it; checked, never inferred
    Axes kernel{1, 1};
    Axes stride{1, 1};
    Axes dilation{1, 1};
    Axes output_padding{0, 0};
    int64_t groups = 1;
    bool bias = true;
    PadMode padding_mode = PadMode::Zeros;

    // Padding (conv, convT, pools). pad[2*axis] = before (top/left), pad[2*axis+1] = after.
    PadKind pad_kind = PadKind::Explicit;
    std::array<int64_t, 2 * kMaxAxes> pad{0, 0, 0, 0};

    // Pools (stride above; defaults to kernel when not given)
    bool ceil_mode = false;
    bool count_include_pad = true;

    // Upsample: either scale or size; up_values = how many numbers were given (1 = every axis)
    bool up_by_size = false;
    int up_values = 1;
    std::array<double, kMaxAxes> scale{0, 0};
    Axes size{0, 0};
    UpMode mode = UpMode::Nearest;
    int8_t align_corners = -1;  // -1: not given (PyTorch's None), 0, 1

    // Crop: cells removed per side, as Keras' Cropping1D/2D takes them (PyTorch: the slice
    // x[..., t:H-b, l:W-r]). crop[2*axis] = before (top/left), crop[2*axis+1] = after.
    std::array<int64_t, 2 * kMaxAxes> crop{0, 0, 0, 0};

    // LeakyReLU
    double negative_slope = 0.01;

    // Weights of conv / convT
    Preset preset = Preset::Rand;
    std::optional<uint32_t> seed;  // default: state seed + layer index
    std::vector<float> weight_values;  // explicit, PyTorch layout, overrides preset
    std::vector<float> bias_values;    // explicit bias

    bool operator==(const Layer&) const = default;

    bool has_weights() const { return op == Op::Conv || op == Op::ConvT; }
    bool is_pool() const { return op == Op::MaxPool || op == Op::AvgPool; }
    bool is_activation() const {
        return op == Op::ReLU || op == Op::LeakyReLU || op == Op::Sigmoid || op == Op::Tanh;
    }
    bool pad_symmetric() const {
        for (int a = 0; a < kMaxAxes; ++a)
            if (pad[2 * a] != pad[2 * a + 1]) return false;
        return true;
    }
};

struct State {
    int version = 1;
    std::vector<int64_t> in_shape{3, 256, 256};  // C, then spatial sizes (1 or 2)
    int64_t batch = 1;
    InputImage image = InputImage::Photo;
    uint32_t seed = 0;
    std::vector<Layer> net;

    bool operator==(const State&) const = default;

    int input_dims() const { return static_cast<int>(in_shape.size()) - 1; }
};

// Names as the text form and the UI show them (from the tables in layer_types.cpp, choices.cpp).
const char* op_name(Op op, int dims);          // "conv2d", "convT1d", "relu", ...
const char* torch_class_name(Op op, int dims);  // "Conv2d", "ConvTranspose1d", ...
const char* pad_mode_name(PadMode m);           // "zeros", ...
const char* up_mode_name(UpMode m);             // "nearest", ...
const char* preset_name(Preset p);              // "rand", ...
const char* image_name(InputImage i);           // "photo", ...

}  // namespace cp
