// Shared by the tests that hold convplay's values to PyTorch's (tests/fixtures/outputs.jsonl and
// stack_outputs.jsonl): a row's input as a tensor, and one rule for an output against PyTorch's,
// 1e-5 of the larger of 1 and PyTorch's largest magnitude.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/tensor.hpp"
#include "support/json_lite.hpp"

namespace cp::test {

// PyTorch's input of a row, in a tensor of `shape` (its data as many values as the row has).
inline Tensor fixture_input(const jl::Value& row, const Dims& shape) {
    Tensor in(shape);
    const auto v = row["input"].floats();
    in.data.assign(v.begin(), v.end());
    return in;
}

// Compares each row's output with PyTorch's and keeps the worst error relative to its scale.
struct ValueCheck {
    int failures = 0;
    double worst = 0;

    // One row (`text`, its state): `out` against PyTorch's `want`, a failure when more than
    // 1e-5 of the scale off. False once more than 20 rows failed: the caller stops there.
    bool check(const std::string& text, const float* out, const std::vector<float>& want) {
        float scale = 1.0f;
        for (float v : want) scale = std::max(scale, std::fabs(v));
        double max_err = 0;
        for (size_t i = 0; i < want.size(); ++i) max_err = std::max(max_err, double(std::fabs(out[i] - want[i])));
        worst = std::max(worst, max_err / scale);
        if (max_err <= 1e-5 * scale) return true;
        ADD_FAILURE() << text << "\n  max |convplay - PyTorch| = " << max_err << " (scale " << scale << ")";
        return ++failures <= 20;
    }
};

}  // namespace cp::test
