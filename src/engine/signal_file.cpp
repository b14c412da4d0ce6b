// 1-d signals from CSV and .npy files (see signal_file.hpp).
#include "engine/signal_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <span>
#include <vector>

#include "core/shapes.hpp"
#include "engine/npy.hpp"

namespace cp {

namespace {

bool ends_with(const std::string& s, const char* tail) {
    const std::string t = tail;
    if (s.size() < t.size()) return false;
    return std::equal(t.rbegin(), t.rend(), s.rbegin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

// The numbers of one line split at commas, semicolons, tabs or spaces, into `out`; the count of
// fields that are not float32 numbers, with what is wrong with the first in `bad`.
int numbers_of(std::string_view line, std::vector<float>& out, std::string& bad) {
    out.clear();
    int wrong = 0;
    const auto fail = [&](std::string why) {
        if (wrong++ == 0) bad = std::move(why);
    };
    size_t i = 0;
    const auto sep = [](char c) { return c == ',' || c == ';' || c == '\t' || c == ' ' || c == '\r'; };
    while (i < line.size()) {
        while (i < line.size() && sep(line[i]) && line[i] != ',' && line[i] != ';') ++i;  // spaces around fields
        size_t j = i;
        while (j < line.size() && !sep(line[j])) ++j;
        const std::string_view field = line.substr(i, j - i);
        if (field.empty()) {
            if (j < line.size() && (line[j] == ',' || line[j] == ';')) fail("an empty field is not a number");
            i = j + 1;
            continue;
        }
        // strtod (Emscripten's libc++ has no from_chars for floating point); no hex, inf or nan.
        const std::string f(field);
        char* end = nullptr;
        const double v = f.find_first_not_of("0123456789.+-eE") == std::string::npos ? std::strtod(f.c_str(), &end) : 0;
        if (end != f.c_str() + f.size() || !std::isfinite(v))
            fail("'" + std::string(field.substr(0, 24)) + "' is not a number");
        else if (std::fabs(v) > double(std::numeric_limits<float>::max()))  // would be inf
            fail("'" + std::string(field.substr(0, 24)) + "' is beyond float32's range (about 3.4e38)");
        else
            out.push_back(float(v));
        i = j;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        if (i < line.size() && (line[i] == ',' || line[i] == ';')) ++i;
    }
    return wrong;
}

Result<Decoded> from_columns(std::span<const float> rows, int64_t L, int64_t C) {
    Decoded d;
    d.tensor = Tensor(Dims{1, C, L});
    for (int64_t x = 0; x < L; ++x)
        for (int64_t c = 0; c < C; ++c) d.tensor.data[size_t(c * L + x)] = rows[size_t(x * C + c)];
    return d;
}

std::string budget_error(const std::string& name, int64_t values, int64_t max_values) {
    return name + " has " + std::to_string(values) + " values: too many for a signal (at most " + std::to_string(max_values) + ")";
}

Result<Decoded> decode_csv(std::string_view text, const std::string& name, int64_t max_values) {
    std::vector<float> values, row;
    int64_t columns = -1, line_no = 0, rows = 0;
    std::string bad;
    size_t at = 0;
    while (at <= text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(at, end - at);
        at = end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        if (numbers_of(line, row, bad) > 0) {
            // A header names the columns: the first line, with no number in it ("1,2x" is a typo,
            // not a header, and dropping it would lose a sample).
            if (rows == 0 && columns < 0 && row.empty()) {
                columns = 0;
                continue;
            }
            return Status::error(name + " line " + std::to_string(line_no) + ": " + bad);
        }
        if (columns <= 0) columns = int64_t(row.size());
        if (int64_t(row.size()) != columns)
            return Status::error(name + " line " + std::to_string(line_no) + " has " + std::to_string(row.size()) +
                                 " values; the lines before have " + std::to_string(columns));
        if (int64_t(values.size()) + columns > max_values) return Status::error(budget_error(name, int64_t(values.size()) + columns, max_values));
        values.insert(values.end(), row.begin(), row.end());
        ++rows;
    }
    if (rows == 0) return Status::error(name + " has no numbers: a signal file has one column per channel, one line per sample");
    return from_columns(values, rows, columns);
}

}  // namespace

bool is_signal_file(std::string_view bytes, const std::string& name) {
    return bytes.substr(0, 6) == "\x93NUMPY" || ends_with(name, ".csv") || ends_with(name, ".tsv");
}

Result<Decoded> decode_signal(std::string_view bytes, const std::string& name, int64_t max_values) {
    if (bytes.substr(0, 6) != "\x93NUMPY") return decode_csv(bytes, name, max_values);
    auto t = parse_npy(std::string(bytes), name);
    if (!t) return t.status();
    const Dims& s = t->shape;
    if (s.empty() || s.size() > 2)
        return Status::error(name + ": a .npy signal is (L) or (L, C), one column per channel; this one is " +
                             (s.empty() ? std::string("0-d (one value)") : shape_text(s)));
    const int64_t L = s[0], C = s.size() == 2 ? s[1] : 1;
    if (L * C == 0) return Status::error(name + " is empty (" + shape_text(s) + ")");
    if (L * C > max_values) return Status::error(budget_error(name, L * C, max_values));
    return from_columns(t->data, L, C);
}

Result<Decoded> decode_upload(std::string_view bytes, int channels, const DecodeLimits& lim, const std::string& name) {
    if (is_signal_file(bytes, name)) return decode_signal(bytes, name, lim.max_pixels);
    return decode_image(bytes, channels, lim, name);
}

}  // namespace cp
