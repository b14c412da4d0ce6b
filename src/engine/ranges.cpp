// Per-plane value ranges (see ranges.hpp).
#include "engine/ranges.hpp"

#include <algorithm>

namespace cp {

int64_t plane_count(const Dims& shape) { return shape.size() < 2 ? 1 : shape[0] * shape[1]; }

int64_t plane_size(const Dims& shape) {
    int64_t n = 1;
    for (size_t i = 2; i < shape.size(); ++i) n *= shape[i];
    return shape.size() < 2 ? Tensor::count(shape) : n;
}

void plane_ranges(const float* data, int64_t planes, int64_t size, float* lo, float* hi) {
    for (int64_t p = 0; p < planes; ++p) {
        if (size <= 0) {
            lo[p] = hi[p] = 0;
            continue;
        }
        const auto [mn, mx] = std::minmax_element(data + p * size, data + (p + 1) * size);
        lo[p] = *mn;
        hi[p] = *mx;
    }
}

std::vector<float> plane_ranges(const Tensor& t) {
    const int64_t P = plane_count(t.shape);
    std::vector<float> r(size_t(2 * P));
    plane_ranges(t.ptr(), P, plane_size(t.shape), r.data(), r.data() + P);
    return r;
}

}  // namespace cp
