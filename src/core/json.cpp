// JsonWriter (see json.hpp).
#include "core/json.hpp"

#include <cmath>
#include <cstdio>

#include "core/codec.hpp"

namespace cp {

std::string json_string(const std::string& s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': o += "\\\""; break;
            case '\\': o += "\\\\"; break;
            case '\n': o += "\\n"; break;
            case '\r': o += "\\r"; break;
            case '\t': o += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    o += buf;
                } else {
                    o += static_cast<char>(c);
                }
        }
    }
    return o + "\"";
}

void JsonWriter::comma() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_.back()) out_ += ",";
    first_.back() = false;
}

JsonWriter& JsonWriter::begin_object() {
    comma();
    out_ += "{";
    first_.push_back(true);
    return *this;
}
JsonWriter& JsonWriter::end_object() {
    out_ += "}";
    first_.pop_back();
    return *this;
}
JsonWriter& JsonWriter::begin_array() {
    comma();
    out_ += "[";
    first_.push_back(true);
    return *this;
}
JsonWriter& JsonWriter::end_array() {
    out_ += "]";
    first_.pop_back();
    return *this;
}
JsonWriter& JsonWriter::key(const std::string& k) {
    comma();
    out_ += json_string(k) + ":";
    after_key_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(const std::string& s) {
    comma();
    out_ += json_string(s);
    return *this;
}
JsonWriter& JsonWriter::value(int64_t v) {
    comma();
    out_ += std::to_string(v);
    return *this;
}
JsonWriter& JsonWriter::value(double v) {
    comma();
    out_ += std::isfinite(v) ? format_double(v) : "null";
    return *this;
}
JsonWriter& JsonWriter::value(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return *this;
}
JsonWriter& JsonWriter::null() {
    comma();
    out_ += "null";
    return *this;
}
JsonWriter& JsonWriter::raw(const std::string& json) {
    comma();
    out_ += json;
    return *this;
}
JsonWriter& JsonWriter::value(const std::vector<int64_t>& v) {
    begin_array();
    for (int64_t x : v) value(x);
    return end_array();
}

}  // namespace cp
