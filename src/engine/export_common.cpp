// What every exporter shares: the model made once (shapes, weights, input) and small encoders.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/codec.hpp"
#include "core/limits.hpp"
#include "core/report.hpp"
#include "engine/export.hpp"
#include "engine/samples.hpp"

namespace cp {

Result<ExportModel> prepare_export(const State& state) {
    ExportModel m;
    m.state = state;
    m.info = net_info(state);
    if (auto st = first_error_status(state, m.info); !st) return st;
    int64_t params = 0;
    for (const LayerInfo& L : m.info.layers) params += L.params;
    if (params > Limits::max_export_params)
        return Status::error("this stack has " + std::to_string(params) + " weights; export writes at most " +
                                 std::to_string(Limits::max_export_params),
                             "use fewer channels or smaller kernels");
    for (size_t i = 0; i < state.net.size(); ++i) {
        const Layer& L = state.net[i];
        m.weights.push_back(L.has_weights() ? make_weights(L, m.info.layers[i], layer_seed(state, static_cast<int>(i)))
                                            : LayerWeights{});
    }
    if (state.image != InputImage::Upload && Tensor::count(m.info.input) <= Limits::max_export_input_values) {
        auto x = make_sample(state);
        if (!x) return x.status();
        m.input = std::move(*x);
    }
    return m;
}

std::string input_note(const ExportModel& m) {
    if (!m.input.data.empty() && m.state.image == InputImage::Upload)
        return "the uploaded image as convplay holds it (scaled to [0, 1], downscaled to the pixel budget)";
    if (!m.input.data.empty())
        return "the built-in '" + std::string(image_name(m.state.image)) + "' image exactly as convplay draws it (values in [0, 1])";
    if (m.state.image == InputImage::Upload)
        return "a random stand-in: this state's image was uploaded (img=upload) and is not in the state";
    return "a random stand-in: the built-in '" + std::string(image_name(m.state.image)) + "' image has more than " +
           std::to_string(Limits::max_export_input_values) +
           " values, too many to embed (`convplay run <state> --out DIR --dump` writes it as DIR/input.npy)";
}

std::string base64_encode(const void* data, size_t bytes) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto* p = static_cast<const unsigned char*>(data);
    std::string out;
    out.reserve((bytes + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes; i += 3) {
        const uint32_t v = uint32_t(p[i]) << 16 | uint32_t(p[i + 1]) << 8 | p[i + 2];
        for (int s = 18; s >= 0; s -= 6) out += k[(v >> s) & 63];
    }
    if (i < bytes) {
        const uint32_t v = uint32_t(p[i]) << 16 | (i + 1 < bytes ? uint32_t(p[i + 1]) << 8 : 0);
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += i + 1 < bytes ? k[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string float32_le_bytes(std::span<const float> v) {
    std::string b(v.size() * 4, '\0');
    for (size_t i = 0; i < v.size(); ++i) {
        uint32_t u;
        std::memcpy(&u, &v[i], 4);
        for (int k = 0; k < 4; ++k) b[4 * i + size_t(k)] = static_cast<char>((u >> (8 * k)) & 0xff);
    }
    return b;
}

std::string python_float(float v) {
    // The shortest float text is not always safe: Python reads it as a double, and rounding that
    // double to float32 can land on a neighbour. The double's own shortest text always is.
    if (!std::isfinite(v)) return std::isnan(v) ? "float('nan')" : v > 0 ? "float('inf')" : "float('-inf')";
    std::string s = format_float(v);
    if (static_cast<float>(std::strtod(s.c_str(), nullptr)) != v) s = format_double(static_cast<double>(v));
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

std::string python_double(double v) {
    std::string s = format_double(v);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

std::string python_sizes(const std::vector<int64_t>& v) {
    bool same = true;
    for (int64_t x : v) same &= x == v[0];
    if (same) return std::to_string(v[0]);
    std::string s = "(";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + ")";
}

}  // namespace cp
