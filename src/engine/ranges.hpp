// Per-plane value ranges of a tensor: the min and max of each of its N*C planes, what the
// playground's colormap maps to its ends. The engine Worker computes them beside each output it
// sends (web/engine_worker.js), and the page's map cache (app/gl_maps.cpp) only when none came
// with the values: one function, so both give the same bits.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/tensor.hpp"
#include "kernels/thread_pool.hpp"

namespace cp {

// Planes of an [N, C, H, W] or [N, C, L] tensor (N*C) and the values in each (H*W or L).
int64_t plane_count(const Dims& shape);
int64_t plane_size(const Dims& shape);

// lo[p] and hi[p] for each plane p (n*C + c) of `planes` planes of `size` floats at `data`:
// the smallest and largest value, NaN values skipped (a plane of NaN only: NaN, NaN; an empty
// plane: 0, 0). Which zero (+0 or -0) is the end of a range is not specified. With a pool the
// planes' pieces are scanned on its threads (the same result).
void plane_ranges(const float* data, int64_t planes, int64_t size, float* lo, float* hi, ThreadPool* pool = nullptr);

// Ranges of every plane of `t`: lo[0..P) then hi[0..P), P = plane_count(t.shape).
std::vector<float> plane_ranges(const Tensor& t, ThreadPool* pool = nullptr);

}  // namespace cp
