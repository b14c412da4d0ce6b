// .npy reading and writing. Only '<f4' (float32) is accepted: a different dtype is a clear error
// rather than a silent conversion, so the numbers compared with PyTorch are the numbers given.
#include "engine/npy.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

#include "core/limits.hpp"

namespace cp {

namespace {

// The value of 'key': in the header dict, as raw text up to the next top-level ',' or '}'.
std::string dict_value(const std::string& h, const std::string& key) {
    size_t k = h.find("'" + key + "'");
    if (k == std::string::npos) return {};
    size_t c = h.find(':', k);
    if (c == std::string::npos) return {};
    size_t i = c + 1;
    while (i < h.size() && h[i] == ' ') ++i;
    int depth = 0;
    size_t j = i;
    for (; j < h.size(); ++j) {
        if (h[j] == '(') ++depth;
        if (h[j] == ')') --depth;
        if (depth == 0 && (h[j] == ',' || h[j] == '}')) break;
        if (depth < 0) break;
    }
    if (j < h.size() && h[j] == ')') ++j;
    return h.substr(i, j - i);
}

}  // namespace

Result<Tensor> parse_npy(const std::string& b, const std::string& name) {
    if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0)
        return Status::error(name + ": not a .npy file (no \\x93NUMPY magic)");
    const int major = static_cast<unsigned char>(b[6]);
    size_t header_len, start;
    if (major == 1) {
        header_len = static_cast<unsigned char>(b[8]) | (static_cast<unsigned char>(b[9]) << 8);
        start = 10;
    } else if (major == 2 || major == 3) {
        if (b.size() < 12) return Status::error(name + ": truncated .npy header");
        header_len = 0;
        for (int i = 0; i < 4; ++i) header_len |= size_t(static_cast<unsigned char>(b[8 + i])) << (8 * i);
        start = 12;
    } else {
        return Status::error(name + ": unsupported .npy version " + std::to_string(major));
    }
    if (start + header_len > b.size()) return Status::error(name + ": truncated .npy header");
    const std::string h = b.substr(start, header_len);
    std::string descr = dict_value(h, "descr");
    if (descr != "'<f4'" && descr != "'float32'")
        return Status::error(name + ": dtype " + (descr.empty() ? "?" : descr) +
                             " is not supported; convplay reads float32 ('<f4'): save it with x.astype(np.float32)");
    if (dict_value(h, "fortran_order") != "False")
        return Status::error(name + ": Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
    std::string shape_s = dict_value(h, "shape");
    if (shape_s.size() < 2 || shape_s.front() != '(' || shape_s.back() != ')')
        return Status::error(name + ": cannot read the shape in the .npy header");
    Dims shape;
    std::stringstream ss(shape_s.substr(1, shape_s.size() - 2));
    std::string item;
    while (std::getline(ss, item, ',')) {
        size_t p = item.find_first_not_of(' ');
        if (p == std::string::npos) continue;
        char* end = nullptr;
        const long long v = std::strtoll(item.c_str() + p, &end, 10);
        if (end == item.c_str() + p || v < 0 || v > Limits::max_geometry * Limits::max_geometry)
            return Status::error(name + ": bad shape " + shape_s);
        shape.push_back(v);
    }
    const int64_t n = sat_count(shape);
    const size_t data_start = start + header_len;
    if (n > Limits::max_layer_bytes / 4)
        return Status::error(name + ": shape " + shape_s + " is " + bytes_text(sat_mul(n, 4)) + " of float32 (at most " +
                             bytes_text(Limits::max_layer_bytes) + " per tensor)");
    if (b.size() - data_start != static_cast<size_t>(n) * 4)
        return Status::error(name + ": data size does not match shape " + shape_s + " (" +
                             std::to_string(b.size() - data_start) + " bytes after the header)");
    Tensor t;
    t.shape = shape;
    t.data.resize(static_cast<size_t>(n));
    if (n > 0) std::memcpy(t.data.data(), b.data() + data_start, static_cast<size_t>(n) * 4);  // empty: data() may be null
    return t;
}

Result<std::string> read_file_within_budget(const std::string& path) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) return Status::error(path + ": cannot open (" + std::strerror(errno) + ")");
    const std::streamoff size = f.tellg();
    if (size < 0) return Status::error(path + ": cannot read its size");
    if (size > Limits::max_file_bytes)
        return Status::error(path + " is " + bytes_text(size) + " (at most " + bytes_text(Limits::max_file_bytes) + ")");
    std::string bytes(static_cast<size_t>(size), '\0');
    f.seekg(0);
    if (!f.read(bytes.data(), size)) return Status::error(path + ": read error");
    return bytes;
}

Result<Tensor> read_npy(const std::string& path) {
    auto bytes = read_file_within_budget(path);
    if (!bytes) return bytes.status();
    return parse_npy(*bytes, path);
}

std::string encode_npy(const Tensor& t) {
    std::string out = npy_header(t.shape);
    out.append(reinterpret_cast<const char*>(t.data.data()), t.data.size() * 4);
    return out;
}

std::string npy_header(const Dims& dims) {
    std::string shape = "(";
    for (size_t i = 0; i < dims.size(); ++i) shape += std::to_string(dims[i]) + (dims.size() == 1 ? "," : (i + 1 < dims.size() ? ", " : ""));
    shape += ")";
    std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    // pad so that the data starts on a 64-byte boundary, header ends with '\n'
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(h.size() & 0xff);
    out += static_cast<char>((h.size() >> 8) & 0xff);
    out += h;
    return out;
}

}  // namespace cp
