// A tiny JSON writer (strings escaped, no DOM): enough for the CLI's --json and the JS API.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cp {

std::string json_string(const std::string& s);

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(const std::string& k);
    JsonWriter& value(const std::string& s);
    JsonWriter& value(const char* s) { return value(std::string(s)); }
    JsonWriter& value(int64_t v);
    JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(double v);
    JsonWriter& value(bool b);
    JsonWriter& null();
    JsonWriter& raw(const std::string& json);
    JsonWriter& value(const std::vector<int64_t>& v);
    const std::string& str() const { return out_; }

private:
    void comma();
    std::string out_;
    std::vector<bool> first_{true};
    bool after_key_ = false;
};

}  // namespace cp
