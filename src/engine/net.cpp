// Net execution with the reference kernels; the explain recipe for transposed convs.
#include "engine/net.hpp"

#include <chrono>

#include "engine/plan.hpp"
#include "kernels/registry.hpp"

#include "kernels/geometry.hpp"
#include "kernels/reference.hpp"

namespace cp {

Tensor run_layer(const Layer& L, const LayerInfo& info, const LayerWeights& w, const Tensor& in,
                 std::string* kernel_name) {
    KernelRequest req;
    req.layer = &L;
    req.info = &info;
    req.weight = w.weight.data.empty() ? nullptr : w.weight.ptr();
    req.bias = w.bias.data.empty() ? nullptr : w.bias.ptr();
    req.reference_only = true;
    auto k = select_kernel(req);
    std::vector<float> scratch(k->scratch_floats());
    Tensor out(info.out);
    k->run(in.ptr(), out.ptr(), scratch.data());
    if (kernel_name) *kernel_name = k->name();
    return out;
}

Result<NetRun> run_net(const State& state, const Tensor& input, const RunOptions& opt) {
    if (input.shape != input_dims(state))
        return Status::error("the input tensor has shape " + shape_text(input.shape) + " but the state says " +
                             shape_text(input_dims(state)));
    PlanOptions po;
    po.max_bytes = opt.max_bytes;
    po.reference_only = opt.reference_only;
    auto plan = Plan::create(state, po);
    if (!plan) return plan.status();
    Plan& p = **plan;
    p.input().data = input.data;
    p.run();
    NetRun run;
    run.info = p.info();
    run.bytes = p.bytes();
    for (size_t i = 0; i < state.net.size(); ++i) {
        LayerRun& lr = run.layers.emplace_back();
        lr.info = run.info.layers[i];
        if (static_cast<int>(i) >= p.runnable()) continue;
        lr.weights = p.weights(static_cast<int>(i));
        lr.output = p.output(static_cast<int>(i));
        lr.kernel = p.kernel(static_cast<int>(i));
        lr.kernel_note = p.kernel_note(static_cast<int>(i));
        lr.bytes = p.layer_bytes(static_cast<int>(i));
        lr.ms = p.ms(static_cast<int>(i));
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
