// SIMD128 element-wise activations. exp for sigmoid/tanh: Cody-Waite range reduction
// x = n*ln2 + r and a degree-6 polynomial for e^r (relative error about 2e-7 over the float range
// that matters), scaled by 2^n through the exponent bits.
#include <algorithm>
#include <cmath>

#include "kernels/simd.hpp"
#include "kernels/simd_kernels.hpp"

namespace cp {

namespace {

inline v128_t exp_f32x4(v128_t x) {
    x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.0f)), wasm_f32x4_splat(88.0f));
    const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
    v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
    r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
    // e^r ~ 1 + r + r^2/2! + ... + r^6/6! for |r| <= ln2/2, Horner form
    v128_t p = wasm_f32x4_splat(1.0f / 720.0f);
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120.0f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24.0f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6.0f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
    // 2^n: n + 127 into the exponent field
    const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
    return wasm_f32x4_mul(p, scale);
}

class ActSimd final : public LayerKernel {
public:
    ActSimd(Op op, float slope, int64_t n) : op_(op), slope_(slope), n_(n) {}
    const char* name() const override {
        switch (op_) {
            case Op::ReLU: return "f32_relu" CP_SIMD_SUFFIX;
            case Op::LeakyReLU: return "f32_leakyrelu" CP_SIMD_SUFFIX;
            case Op::Sigmoid: return "f32_sigmoid" CP_SIMD_SUFFIX;
            default: return "f32_tanh" CP_SIMD_SUFFIX;
        }
    }
    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    // Parts of kPart values (thread_pool.hpp): element-wise, so any split gives the same bits.
    int64_t parts() const override { return (n_ + kPart - 1) / kPart; }
    void run_parts(const float* in, float* out, float*, int64_t first, int64_t last) const override {
        const int64_t end = std::min(n_, last * kPart);
        int64_t i = first * kPart;
        const v128_t zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f), two = wasm_f32x4_splat(2.0f);
        const v128_t slope = wasm_f32x4_splat(slope_);
        const auto apply = [&](v128_t x) -> v128_t {
            switch (op_) {
                case Op::ReLU: return wasm_f32x4_pmax(x, zero);  // x < 0 ? 0 : x: NaN and -0 stay, as torch.relu
                case Op::LeakyReLU: return wasm_v128_bitselect(x, wasm_f32x4_mul(x, slope), wasm_f32x4_gt(x, zero));
                case Op::Sigmoid: return wasm_f32x4_div(one, wasm_f32x4_add(one, exp_f32x4(wasm_f32x4_neg(x))));
                default: {
                    // tanh(x) = sign(x) * (1 - 2 / (e^{2|x|} + 1)), no overflow, no cancellation for large |x|
                    const v128_t ax = wasm_f32x4_abs(x);
                    const v128_t t = wasm_f32x4_sub(one, wasm_f32x4_div(two, wasm_f32x4_add(exp_f32x4(wasm_f32x4_add(ax, ax)), one)));
                    return wasm_v128_or(t, wasm_v128_and(x, wasm_i32x4_splat(int32_t(0x80000000u))));
                }
            }
        };
        for (; i + 4 <= end; i += 4) wasm_v128_store(out + i, apply(wasm_v128_load(in + i)));
        if (i < end) {
            // The last < 4 values through the same lanes, so a value gives the same output wherever
            // it is (a scalar tail had its own sigmoid and tanh, and the compiler may turn
            // `v < 0 ? 0 : v` into a max that makes -0 a +0).
            float buf[4] = {0, 0, 0, 0};
            std::copy(in + i, in + end, buf);
            wasm_v128_store(buf, apply(wasm_v128_load(buf)));
            std::copy(buf, buf + (end - i), out + i);
        }
    }

private:
    static constexpr int64_t kPart = 16384;  // 64 KB: a chunk is a few of them, not a wake-up per vector
    Op op_;
    float slope_;
    int64_t n_;
};

}  // namespace

std::unique_ptr<LayerKernel> make_activation_simd(Op op, float slope, int64_t n) {
    return std::make_unique<ActSimd>(op, slope, n);
}

}  // namespace cp
