// Memory for big buffers, asked for before they are made. The wasm builds have no C++
// exceptions: there a failed operator new calls abort(), which stops the whole page. malloc
// itself returns null (memory growth is on, so malloc does not abort), so before making buffers
// whose size a user chose, the engine asks malloc for their total once: when that fails, the
// caller says so and keeps what it had. Wasm memory never shrinks and Emscripten's dlmalloc
// never gives its top back, so memory obtained once stays there for the buffers made next.
#pragma once
#include <cstdint>
#include <string>

#include "core/status.hpp"

namespace cp {

// Ok when `bytes` (plus room for the allocator's headers and small allocations made alongside)
// can be allocated now; else "not enough memory for <what> (<bytes>)".
Status check_memory(int64_t bytes, const std::string& what);
// "not enough memory for <what>", for an allocation that failed elsewhere (a decoder's).
Status memory_error(const std::string& what);

}  // namespace cp
