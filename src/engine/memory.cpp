// check_memory (see memory.hpp).
#include "engine/memory.hpp"

#include <cstdlib>

#include "core/limits.hpp"

namespace cp {

namespace {

// Compilers may drop a malloc/free pair whose pointer is only tested for null, and call the
// test true: the pointer is published through a volatile so the allocation really happens.
void* volatile g_probe = nullptr;

}  // namespace

Status memory_error(const std::string& what) {
    return Status::error("not enough memory for " + what, "the browser gave this page no more memory: close other tabs, or ask for less");
}

Status check_memory(int64_t bytes, const std::string& what) {
    if (bytes <= 0) return {};
    const int64_t ask = sat_add(bytes, bytes / 64 + (int64_t(1) << 20));
    g_probe = uint64_t(ask) <= uint64_t(SIZE_MAX) ? std::malloc(size_t(ask)) : nullptr;
    if (!g_probe) return memory_error(what + " (" + bytes_text(bytes) + ")");
    std::free(g_probe);
    g_probe = nullptr;
    return {};
}

}  // namespace cp
