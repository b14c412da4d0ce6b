// Fuzz target: the .npy reader (`convplay run --npy`). Property: any bytes give a tensor whose
// data matches its shape, or a message; never a crash, an overflow or an allocation the bytes
// do not justify.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/npy.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cp::fuzz;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    auto t = cp::parse_npy(bytes, "fuzz.npy");
    if (!t) {
        require(!t.status().message.empty(), "a refused .npy has no message");
        return 0;
    }
    require(static_cast<int64_t>(t->data.size()) == cp::Tensor::count(t->shape), "data size differs from the shape");
    require(t->data.size() * 4 <= size, "more data than bytes");
    auto again = cp::parse_npy(cp::encode_npy(*t));
    require(again.ok() && again->shape == t->shape, "encode_npy does not read back");
    return 0;
}
