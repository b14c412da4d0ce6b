// Which kernel serves which layer. A LayerKernel is planned once (weights packed, scratch sized)
// and run many times with no allocation. select_kernel picks the fastest kernel that covers the
// layer and falls back to the reference kernel, saying so in name().
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "core/layer.hpp"
#include "core/shapes.hpp"
#include "kernels/geometry.hpp"

namespace cp {

class LayerKernel {
public:
    virtual ~LayerKernel() = default;
    virtual const char* name() const = 0;     // e.g. "ref::conv2d", "f32_conv2d_2x16" CP_SIMD_SUFFIX
    virtual size_t scratch_floats() const { return 0; }
    // in: the layer's input [N, C, ...], out: its output; scratch: scratch_floats() floats.
    virtual void run(const float* in, float* out, float* scratch) const = 0;
    // Threads (kernels/thread_pool.hpp): the output splits into parts() pieces (rows, channels)
    // that run_parts computes independently, parts [first, last) with scratch of its own; a part
    // comes out the same whatever range it is computed in. A kernel of one part does not split.
    virtual int64_t parts() const { return 1; }
    virtual void run_parts(const float* in, float* out, float* scratch, int64_t first, int64_t last) const {
        if (first < last) run(in, out, scratch);
    }
    virtual size_t packed_bytes() const { return 0; }  // memory held for packed weights
    // Why this kernel serves the layer when it is not the fast path (empty otherwise).
    const std::string& note() const { return note_; }
    void set_note(std::string n) { note_ = std::move(n); }

private:
    std::string note_;
};

struct KernelRequest {
    const Layer* layer = nullptr;
    const LayerInfo* info = nullptr;
    const float* weight = nullptr;  // PyTorch layout (conv/convT only)
    const float* bias = nullptr;    // nullptr when the layer has no bias
    bool reference_only = false;    // the oracle, for tests and the benchmark's checks
};

std::unique_ptr<LayerKernel> select_kernel(const KernelRequest& req);

}  // namespace cp
