// A minimal protobuf (proto3 wire format) writer: varints, 32-bit floats, and length-delimited
// strings, bytes and nested messages. Enough to write ONNX models without the protobuf library.
// Field numbers come from the caller (export_onnx.cpp names them after onnx.proto).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace cp::pb {

class Writer {
public:
    // Wire types: 0 varint, 2 length-delimited, 5 fixed 32-bit.
    Writer& varint(int field, uint64_t v) {
        tag(field, 0);
        put_varint(v);
        return *this;
    }
    // int64 fields encode negative numbers as ten-byte two's complement varints.
    Writer& int64(int field, int64_t v) { return varint(field, static_cast<uint64_t>(v)); }
    Writer& float32(int field, float v) {
        tag(field, 5);
        uint32_t u;
        std::memcpy(&u, &v, 4);
        for (int i = 0; i < 4; ++i) out_ += static_cast<char>((u >> (8 * i)) & 0xff);
        return *this;
    }
    Writer& bytes(int field, const std::string& b) {
        tag(field, 2);
        put_varint(b.size());
        out_ += b;
        return *this;
    }
    Writer& message(int field, const Writer& m) { return bytes(field, m.out_); }
    // A packed repeated int64 field (one length-delimited record).
    Writer& packed_int64(int field, const std::vector<int64_t>& v) {
        Writer body;
        for (int64_t x : v) body.put_varint(static_cast<uint64_t>(x));
        return bytes(field, body.out_);
    }
    const std::string& str() const { return out_; }

private:
    void tag(int field, int wire) { put_varint(static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire)); }
    void put_varint(uint64_t v) {
        while (v >= 0x80) {
            out_ += static_cast<char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        out_ += static_cast<char>(v);
    }
    std::string out_;
};

}  // namespace cp::pb
