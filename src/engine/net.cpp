// Net execution with the reference kernels; the explain recipe for transposed convs.
#include "engine/net.hpp"

#include <chrono>

#include "kernels/geometry.hpp"
#include "kernels/reference.hpp"

namespace cp {

int64_t planned_bytes(const State& state, const NetInfo& info) {
    int64_t bytes = Tensor::count(info.input) * 4;
    for (size_t i = 0; i < info.layers.size(); ++i) {
        const LayerInfo& L = info.layers[i];
        if (!L.status.ok) break;
        bytes += Tensor::count(L.out) * 4 + L.params * 4;
    }
    return bytes;
}

Tensor run_layer(const Layer& L, const LayerInfo& info, const LayerWeights& w, const Tensor& in,
                 std::string* kernel_name) {
    Tensor out(info.out);
    const Geom g = make_geom(L, info);
    const char* name = "";
    switch (L.op) {
        case Op::Conv:
            ref::conv2d(g, in.ptr(), w.weight.ptr(), w.bias.ptr(), out.ptr());
            name = "ref::conv2d";
            break;
        case Op::ConvT:
            ref::conv_transpose2d(g, in.ptr(), w.weight.ptr(), w.bias.ptr(), out.ptr());
            name = "ref::conv_transpose2d";
            break;
        case Op::MaxPool:
            ref::max_pool2d(g, in.ptr(), out.ptr());
            name = "ref::max_pool2d";
            break;
        case Op::AvgPool:
            ref::avg_pool2d(g, L.count_include_pad, in.ptr(), out.ptr());
            name = "ref::avg_pool2d";
            break;
        case Op::Upsample: {
            // scales as PyTorch passes them: only when given as scale_factor
            const double sh = L.up_by_size ? 0 : (info.axes == 2 ? L.scale[0] : 0);
            const double sw = L.up_by_size ? 0 : (info.axes == 2 ? L.scale[1] : L.scale[0]);
            if (L.mode == UpMode::Nearest) {
                ref::upsample_nearest(g, sh, sw, in.ptr(), out.ptr());
                name = "ref::upsample_nearest";
            } else {
                ref::upsample_linear(g, L.align_corners == 1, sh, sw, in.ptr(), out.ptr());
                name = "ref::upsample_linear";
            }
            break;
        }
        case Op::ReLU:
        case Op::LeakyReLU:
        case Op::Sigmoid:
        case Op::Tanh: {
            const ref::Act act = L.op == Op::ReLU        ? ref::Act::ReLU
                                 : L.op == Op::LeakyReLU ? ref::Act::LeakyReLU
                                 : L.op == Op::Sigmoid   ? ref::Act::Sigmoid
                                                         : ref::Act::Tanh;
            ref::activation(act, static_cast<float>(L.negative_slope), in.numel(), in.ptr(), out.ptr());
            name = "ref::activation";
            break;
        }
    }
    if (kernel_name) *kernel_name = name;
    return out;
}

Result<NetRun> run_net(const State& state, const Tensor& input, const RunOptions& opt) {
    NetRun run;
    run.info = net_info(state);
    if (input.shape != run.info.input)
        return Status::error("the input tensor has shape " + shape_text(input.shape) + " but the state says " +
                             shape_text(run.info.input));
    run.bytes = planned_bytes(state, run.info);
    if (run.bytes > opt.max_bytes)
        return Status::error("this stack needs " + std::to_string(run.bytes >> 20) + " MiB for its outputs (at most " +
                                 std::to_string(opt.max_bytes >> 20) + " MiB here)",
                             "use a smaller input or fewer channels");
    run.layers.reserve(state.net.size());  // `cur` points into it
    const Tensor* cur = &input;
    for (size_t i = 0; i < state.net.size(); ++i) {
        LayerRun& lr = run.layers.emplace_back();
        lr.info = run.info.layers[i];
        if (!lr.info.status.ok) continue;  // this and every later layer stay without output
        const Layer& L = state.net[i];
        if (L.has_weights()) lr.weights = make_weights(L, lr.info, layer_seed(state, static_cast<int>(i)));
        const auto t0 = std::chrono::steady_clock::now();
        lr.output = run_layer(L, lr.info, lr.weights, *cur, &lr.kernel);
        lr.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        cur = &lr.output;
    }
    return run;
}

Tensor conv_transpose_by_recipe(const Layer& L, const LayerInfo& info, const LayerWeights& w, const Tensor& in) {
    const Geom t = make_geom(L, info);
    // Step 1: zero insertion. [N, C_in, H, W] -> [N, C_in, (H-1)*sh+1, (W-1)*sw+1]
    const int64_t ZH = (t.H - 1) * t.sh + 1, ZW = (t.W - 1) * t.sw + 1;
    Tensor z(Dims{t.N, t.C_in, ZH, ZW});
    for (int64_t nc = 0; nc < t.N * t.C_in; ++nc)
        for (int64_t y = 0; y < t.H; ++y)
            for (int64_t x = 0; x < t.W; ++x)
                z.data[static_cast<size_t>((nc * ZH + y * t.sh) * ZW + x * t.sw)] =
                    in.data[static_cast<size_t>((nc * t.H + y) * t.W + x)];
    // Step 2: flip the kernel and swap its channel axes.
    // [C_in, C_out/g, kh, kw] -> [C_out, C_in/g, kh, kw], taps reversed
    const int64_t cin_g = t.cin_g(), cout_g = t.cout_g(), kv = t.kh * t.kw;
    Tensor wf(Dims{t.C_out, cin_g, t.kh, t.kw});
    for (int64_t ic = 0; ic < t.C_in; ++ic)
        for (int64_t ocl = 0; ocl < cout_g; ++ocl) {
            const int64_t grp = ic / cin_g, oc = grp * cout_g + ocl, icl = ic % cin_g;
            for (int64_t i = 0; i < kv; ++i)
                wf.data[static_cast<size_t>((oc * cin_g + icl) * kv + (kv - 1 - i))] =
                    w.weight.data[static_cast<size_t>((ic * cout_g + ocl) * kv + i)];
        }
    // Step 3: pad d*(k-1)-p on each side (negative crops), output_padding more at the end, and
    // slide with stride 1 and the same dilation.
    Geom c = t;
    c.H = ZH, c.W = ZW;
    c.sh = c.sw = 1;
    c.pt = t.dh * (t.kh - 1) - t.pt;
    c.pb = t.dh * (t.kh - 1) - t.pb + t.oph;
    c.pl = t.dw * (t.kw - 1) - t.pl;
    c.pr = t.dw * (t.kw - 1) - t.pr + t.opw;
    c.mode = PadMode::Zeros;
    Tensor out(info.out);
    ref::conv2d(c, z.ptr(), wf.ptr(), w.bias.ptr(), out.ptr());
    return out;
}

}  // namespace cp
