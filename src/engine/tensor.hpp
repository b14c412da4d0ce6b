// Tensor: a shape and float32 data in NCHW order (batch first, then channels, then space).
#pragma once
#include <cstdint>
#include <vector>

#include "core/shapes.hpp"

namespace cp {

struct Tensor {
    Dims shape;
    std::vector<float> data;

    Tensor() = default;
    explicit Tensor(Dims s) : shape(std::move(s)), data(static_cast<size_t>(count(shape)), 0.0f) {}

    static int64_t count(const Dims& d) {
        int64_t n = 1;
        for (int64_t v : d) n *= v;
        return n;
    }
    int64_t numel() const { return static_cast<int64_t>(data.size()); }
    float* ptr() { return data.data(); }
    const float* ptr() const { return data.data(); }
};

}  // namespace cp
