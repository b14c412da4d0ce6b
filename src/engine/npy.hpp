// NumPy .npy files (format 1.0/2.0, little-endian float32, C order): what `convplay run` reads
// and writes so anyone can re-run the same numbers in PyTorch.
#pragma once
#include <string>

#include "core/status.hpp"
#include "engine/tensor.hpp"

namespace cp {

Result<Tensor> read_npy(const std::string& path);
Result<Tensor> parse_npy(const std::string& bytes, const std::string& name = "npy");
std::string encode_npy(const Tensor& t);

}  // namespace cp
