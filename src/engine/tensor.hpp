// Tensor: a shape and float32 data in NCHW order (batch first, then channels, then space).
#pragma once
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "core/shapes.hpp"

namespace cp {

// An allocator whose resize() leaves new floats unset (a constructor or resize with a value
// still sets them): buffers that are about to be overwritten whole (an output arriving from the
// engine Worker, an uploaded image) are not zeroed first, a pass over every byte of them.
template <class T>
struct UninitAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = UninitAllocator<U>;
    };
    UninitAllocator() = default;
    template <class U>
    UninitAllocator(const UninitAllocator<U>&) noexcept {}
    template <class U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

struct Tensor {
    using Data = std::vector<float, UninitAllocator<float>>;
    Dims shape;
    Data data;  // resize() does not zero (UninitAllocator)

    Tensor() = default;
    explicit Tensor(Dims s) : shape(std::move(s)), data(static_cast<size_t>(count(shape)), 0.0f) {}
    // Values left unset: only for a buffer that is written whole before it is read.
    static Tensor unset(Dims s) {
        Tensor t;
        t.data.resize(static_cast<size_t>(count(s)));
        t.shape = std::move(s);
        return t;
    }

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
