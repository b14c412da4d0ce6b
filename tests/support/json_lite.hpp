// A minimal JSON reader for the tests' golden fixtures (objects, arrays, strings, numbers,
// true/false/null). Not for untrusted input: the fixtures are ours.
#pragma once
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace jl {

struct Value {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<Value> arr;
    std::map<std::string, Value> obj;

    bool has(const std::string& k) const { return kind == Object && obj.count(k) > 0; }
    const Value& operator[](const std::string& k) const { return obj.at(k); }
    std::vector<int64_t> ints() const {
        std::vector<int64_t> v;
        for (const auto& x : arr) v.push_back(static_cast<int64_t>(x.num));
        return v;
    }
    std::vector<float> floats() const {
        std::vector<float> v;
        for (const auto& x : arr) v.push_back(static_cast<float>(x.num));
        return v;
    }
};

class Parser {
public:
    explicit Parser(const std::string& s) : s_(s) {}
    Value parse() {
        Value v = value();
        ws();
        if (i_ != s_.size()) throw std::runtime_error("trailing characters");
        return v;
    }

private:
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    Value value() {
        ws();
        if (i_ >= s_.size()) throw std::runtime_error("unexpected end");
        const char c = s_[i_];
        Value v;
        if (c == '{') {
            v.kind = Value::Object;
            ++i_;
            ws();
            if (s_[i_] == '}') return ++i_, v;
            for (;;) {
                ws();
                std::string k = string();
                ws();
                expect(':');
                v.obj[k] = value();
                ws();
                if (s_[i_] == ',') { ++i_; continue; }
                expect('}');
                return v;
            }
        }
        if (c == '[') {
            v.kind = Value::Array;
            ++i_;
            ws();
            if (s_[i_] == ']') return ++i_, v;
            for (;;) {
                v.arr.push_back(value());
                ws();
                if (s_[i_] == ',') { ++i_; continue; }
                expect(']');
                return v;
            }
        }
        if (c == '"') {
            v.kind = Value::String;
            v.str = string();
            return v;
        }
        if (s_.compare(i_, 4, "true") == 0) { i_ += 4; v.kind = Value::Bool; v.b = true; return v; }
        if (s_.compare(i_, 5, "false") == 0) { i_ += 5; v.kind = Value::Bool; return v; }
        if (s_.compare(i_, 4, "null") == 0) { i_ += 4; return v; }
        if (s_.compare(i_, 3, "NaN") == 0) { i_ += 3; v.kind = Value::Number; v.num = std::nan(""); return v; }
        char* end = nullptr;
        v.kind = Value::Number;
        v.num = std::strtod(s_.c_str() + i_, &end);
        if (end == s_.c_str() + i_) throw std::runtime_error("bad value at " + std::to_string(i_));
        i_ = static_cast<size_t>(end - s_.c_str());
        return v;
    }
    std::string string() {
        expect('"');
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            char c = s_[i_++];
            if (c == '\\') {
                char e = s_[i_++];
                switch (e) {
                    case 'n': out += '\n'; break;
                    case 't': out += '\t'; break;
                    case 'r': out += '\r'; break;
                    case 'b': out += '\b'; break;
                    case 'f': out += '\f'; break;
                    case 'u': {
                        unsigned cp = std::stoul(s_.substr(i_, 4), nullptr, 16);
                        i_ += 4;
                        if (cp < 0x80) out += static_cast<char>(cp);
                        else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
                        else out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                                 out += static_cast<char>(0x80 | (cp & 0x3F));
                        break;
                    }
                    default: out += e;
                }
            } else {
                out += c;
            }
        }
        expect('"');
        return out;
    }
    void expect(char c) {
        if (i_ >= s_.size() || s_[i_] != c) throw std::runtime_error(std::string("expected ") + c + " at " + std::to_string(i_));
        ++i_;
    }
    const std::string& s_;
    size_t i_ = 0;
};

inline Value parse(const std::string& s) { return Parser(s).parse(); }

// One JSON value per non-empty line.
inline std::vector<Value> read_jsonl(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw std::runtime_error("cannot open " + path);
    std::vector<Value> out;
    std::string line;
    while (std::getline(f, line))
        if (!line.empty()) out.push_back(parse(line));
    return out;
}

}  // namespace jl
