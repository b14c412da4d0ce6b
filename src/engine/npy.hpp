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
std::string npy_header(const Dims& shape);  // what precedes the float32 data in encode_npy

// A whole file, refused when larger than Limits::max_file_bytes (before reading it).
Result<std::string> read_file_within_budget(const std::string& path);

}  // namespace cp
