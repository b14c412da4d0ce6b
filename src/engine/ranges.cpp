// Per-plane value ranges (see ranges.hpp).
#include "engine/ranges.hpp"

#include <algorithm>
#include <limits>

#include "kernels/simd.hpp"

namespace cp {

int64_t plane_count(const Dims& shape) { return shape.size() < 2 ? 1 : shape[0] * shape[1]; }

int64_t plane_size(const Dims& shape) {
    int64_t n = 1;
    for (size_t i = 2; i < shape.size(); ++i) n *= shape[i];
    return shape.size() < 2 ? Tensor::count(shape) : n;
}

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// The smallest and largest of n values, NaN skipped: (inf, -inf) when there is none. SIMD128
// (the Worker scans every output it sends: a scalar minmax_element cost about as much as
// computing the default stack's layers); pmin/pmax keep the accumulator unless the value is
// smaller/larger, so NaN values are skipped in every lane, as in the scalar tail.
void scan(const float* d, int64_t n, float& lo, float& hi) {
    v128_t l0 = wasm_f32x4_splat(kInf), l1 = l0, h0 = wasm_f32x4_splat(-kInf), h1 = h0;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const v128_t a = wasm_v128_load(d + i), b = wasm_v128_load(d + i + 4);
        l0 = wasm_f32x4_pmin(l0, a), h0 = wasm_f32x4_pmax(h0, a);
        l1 = wasm_f32x4_pmin(l1, b), h1 = wasm_f32x4_pmax(h1, b);
    }
    alignas(16) float ls[8], hs[8];
    wasm_v128_store(ls, l0), wasm_v128_store(ls + 4, l1), wasm_v128_store(hs, h0), wasm_v128_store(hs + 4, h1);
    float mn = kInf, mx = -kInf;
    for (int k = 0; k < 8; ++k) mn = ls[k] < mn ? ls[k] : mn, mx = hs[k] > mx ? hs[k] : mx;
    for (; i < n; ++i) mn = d[i] < mn ? d[i] : mn, mx = d[i] > mx ? d[i] : mx;
    lo = mn, hi = mx;
}

// The scan as a kernel of parts (thread_pool.hpp's run_kernel hands them to the threads): each
// plane is cut into pieces of kPiece values, part k = piece k % per of plane k / per, and its
// output is the pieces' raw ranges, lo of every part then hi. Pieces, not planes: the default
// stack's last layer has 3 planes, which would keep one of 2 threads idle half the time.
class PieceRanges final : public LayerKernel {
public:
    static constexpr int64_t kPiece = 16384;
    PieceRanges(int64_t planes, int64_t size) : planes_(planes), size_(size), per_(std::max<int64_t>(1, (size + kPiece - 1) / kPiece)) {}
    const char* name() const override { return "plane_ranges"; }
    int64_t parts() const override { return planes_ * per_; }
    int64_t per() const { return per_; }  // pieces of each plane
    void run(const float* in, float* out, float* scratch) const override { run_parts(in, out, scratch, 0, parts()); }
    void run_parts(const float* in, float* out, float*, int64_t first, int64_t last) const override {
        for (int64_t k = first; k < last; ++k) {
            const int64_t at = (k % per_) * kPiece;
            scan(in + (k / per_) * size_ + at, std::min(kPiece, size_ - at), out[k], out[parts() + k]);
        }
    }

private:
    int64_t planes_, size_, per_;
};

}  // namespace

void plane_ranges(const float* data, int64_t planes, int64_t size, float* lo, float* hi, ThreadPool* pool) {
    const PieceRanges k(planes, size);
    const int64_t parts = k.parts(), per = k.per();
    std::vector<float> pieces(size_t(2 * parts));
    run_kernel(k, data, pieces.data(), nullptr, pool);
    for (int64_t p = 0; p < planes; ++p) {
        float mn = kInf, mx = -kInf;
        for (int64_t j = p * per; j < (p + 1) * per; ++j) {
            mn = pieces[size_t(j)] < mn ? pieces[size_t(j)] : mn;
            mx = pieces[size_t(parts + j)] > mx ? pieces[size_t(parts + j)] : mx;
        }
        if (mn > mx) mn = mx = size > 0 ? std::numeric_limits<float>::quiet_NaN() : 0.0f;  // nothing but NaN, or empty
        lo[p] = mn;
        hi[p] = mx;
    }
}

std::vector<float> plane_ranges(const Tensor& t, ThreadPool* pool) {
    const int64_t P = plane_count(t.shape);
    std::vector<float> r(size_t(2 * P));
    plane_ranges(t.ptr(), P, plane_size(t.shape), r.data(), r.data() + P, pool);
    return r;
}

}  // namespace cp
