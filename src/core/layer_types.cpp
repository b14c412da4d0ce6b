// The rows of layer_types.hpp: every layer type, layer argument and top-level key of the state
// text, in one place.
#include "core/layer_types.hpp"

#include "core/choices.hpp"

namespace cp {

namespace {

constexpr const char* kConvArgs = "out,in,k,s,p,d,g,bias,pm,w,seed,wv,bv";

constexpr LayerType kLayerTypes[] = {
    {Op::Conv, {"conv1d", "conv2d"}, {"Conv1d", "Conv2d"}, {"", ""}, kConvArgs, "out=8,k=3,p=1",
     "convolution: each output cell is a window of the padded input times the kernel, summed"},
    {Op::ConvT, {"convT1d", "convT2d"}, {"ConvTranspose1d", "ConvTranspose2d"}, {"deconv1d", "deconv2d"},
     "out,in,k,s,p,op,d,g,bias,pm,w,seed,wv,bv", "out=8,k=4,s=2,p=1",
     "transposed convolution: zeros between input cells, then a convolution; pm may only be zeros"},
    {Op::MaxPool, {"maxpool1d", "maxpool2d"}, {"MaxPool1d", "MaxPool2d"}, {"", ""}, "k,s,p,d,ceil", "k=2",
     "the largest value of each window (padding never wins); s defaults to k"},
    {Op::AvgPool, {"avgpool1d", "avgpool2d"}, {"AvgPool1d", "AvgPool2d"}, {"", ""}, "k,s,p,ceil,cip", "k=2",
     "the mean of each window; s defaults to k"},
    {Op::Upsample, {"upsample", "upsample"}, {"Upsample", "Upsample"}, {"", ""}, "scale,size,mode,ac", "scale=2",
     "resize by scale or to size (exactly one of them)"},
    {Op::Crop, {"crop1d", "crop2d"}, {"Crop1d", "Crop2d"}, {"cropping1d", "cropping2d"}, "c", "c=1",
     "remove c cells from each side (PyTorch: slicing x[..., t:H-b, l:W-r]; Keras: Cropping1D/2D)"},
    {Op::ReLU, {"relu", "relu"}, {"ReLU", "ReLU"}, {"", ""}, "", "", "max(x, 0)"},
    {Op::LeakyReLU, {"leakyrelu", "leakyrelu"}, {"LeakyReLU", "LeakyReLU"}, {"leaky_relu", "leaky_relu"}, "slope",
     "", "x, or slope*x below 0"},
    {Op::Sigmoid, {"sigmoid", "sigmoid"}, {"Sigmoid", "Sigmoid"}, {"", ""}, "", "", "1 / (1 + exp(-x))"},
    {Op::Tanh, {"tanh", "tanh"}, {"Tanh", "Tanh"}, {"", ""}, "", "", "tanh(x)"},
};
static_assert(std::size(kLayerTypes) == size_t(Op::Tanh) + 1, "one row per Op, in Op order");

constexpr ArgSpec kLayerArgs[] = {
    {"out", "out_channels", "", "output channels (conv, transposed conv: required)"},
    {"in", "in_channels", "", "input channels: optional, checked against the incoming tensor, never inferred"},
    {"k", "kernel_size", "kernel", "kernel size, `3` or `3x5` (required)"},
    {"s", "stride", "", "stride; default 1 (pools: k)"},
    {"p", "padding", "", "padding: a number, `HxW`, per side `top:bottom x left:right`, or a word (below); default 0"},
    {"op", "output_padding", "", "transposed conv: extra cells on the bottom/right of the output; default 0"},
    {"d", "dilation", "", "dilation (spacing of the kernel taps); default 1"},
    {"g", "groups", "", "groups; default 1"},
    {"bias", "bias", "", "whether the layer adds a bias, 1/0; default 1"},
    {"pm", "padding_mode", "", "padding mode (below); default `zeros`"},
    {"w", "", "", "weight preset (below); default `rand`"},
    {"seed", "", "", "seed of this layer's `rand` weights; default: the state's `seed` plus the layer's index (from 0)"},
    {"wv", "", "", "explicit weights in PyTorch's layout, flattened, joined by `_` (e.g. `1_0_-1`); override `w`"},
    {"bv", "", "", "explicit bias values joined by `_`"},
    {"ceil", "ceil_mode", "", "pools: round the output size up, 1/0; default 0"},
    {"cip", "count_include_pad", "", "avgpool: count padding cells in the mean, 1/0; default 1"},
    {"scale", "scale_factor", "", "upsample: a positive decimal, or `2x1.5` per axis"},
    {"size", "size", "", "upsample: the output size, `64` or `64x48`"},
    {"mode", "mode", "", "upsample mode (below); default `nearest`"},
    {"ac", "align_corners", "", "upsample: align corners, 1/0; default not given (PyTorch's None)"},
    {"c", "cropping", "crop", "crop: cells removed per side, `1`, `HxW` or `top:bottom x left:right` (Keras' cropping); default 0"},
    {"slope", "negative_slope", "", "leakyrelu: the slope below 0; default 0.01"},
};

constexpr ArgSpec kStateKeys[] = {
    {"v", "", "", "format version; only `1` exists; always printed"},
    {"in", "", "", "input shape without batch: `CxHxW` for 2-d layers, `CxL` for 1-d layers; default `3x256x256`; always printed"},
    {"n", "", "batch", "batch size N; default 1"},
    {"img", "", "", "the input's pixels (below); default `photo`; always printed"},
    {"seed", "", "", "seed for `noise` and for every layer's `rand` weights that gives none of its own; default 0"},
    {"net", "", "", "the layer stack: layers joined by `;`; default empty; always printed (`net=` when empty)"},
};

bool in_list(std::string_view list, std::string_view word) {
    for (std::string_view item : comma_list(list))
        if (item == word) return true;
    return false;
}

}  // namespace

std::vector<std::string> LayerType::arg_keys() const {
    std::vector<std::string> out;
    for (std::string_view key : comma_list(args)) out.emplace_back(key);
    return out;
}

std::span<const LayerType> layer_types() { return kLayerTypes; }

const LayerType& layer_type(Op op) { return kLayerTypes[static_cast<size_t>(op)]; }

const char* op_name(Op op, int dims) { return layer_type(op).name_for(dims); }
const char* torch_class_name(Op op, int dims) { return layer_type(op).torch[dims == 1 ? 0 : 1]; }

std::optional<LayerName> find_layer_type(std::string_view name) {
    const std::string key = fold_word(name);
    for (const LayerType& t : kLayerTypes)
        for (int d = 0; d < 2; ++d)
            if (key == fold_word(t.name[d]) || key == fold_word(t.torch[d]) ||
                (*t.aliases[d] && key == fold_word(t.aliases[d])))
                return LayerName{t.op, t.any_rank() ? 0 : d + 1};
    return std::nullopt;
}

std::string layer_type_names() {
    std::string out;
    for (const LayerType& t : kLayerTypes)
        for (int d = 0; d < (t.any_rank() ? 1 : 2); ++d) {
            if (!out.empty()) out += ", ";
            out += t.name[d];
        }
    return out;
}

std::span<const ArgSpec> layer_args() { return kLayerArgs; }
std::span<const ArgSpec> state_keys() { return kStateKeys; }

std::string canonical_arg(std::span<const ArgSpec> table, std::string_view key) {
    for (const ArgSpec& a : table)
        if (key == a.key || (*a.torch && key == a.torch) || in_list(a.aliases, key)) return a.key;
    return std::string(key);
}

}  // namespace cp
