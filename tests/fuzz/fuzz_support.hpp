// Shared by the fuzz targets: turning fuzz bytes into values (biased toward the codec's caps and
// the small numbers where off-by-one errors live) and failing loudly when a property breaks.
// No libFuzzer header is needed, so the same targets also build with g++ for corpus replay.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/codec.hpp"

namespace cp::fuzz {

// A property the target checks does not hold: print what and the state, then abort (libFuzzer
// saves the input as a crash artifact; the replay test fails).
[[noreturn]] inline void violated(const char* what, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz property violated: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
    std::abort();
}

inline void require(bool ok, const char* what, std::string_view detail = {}) {
    if (!ok) violated(what, detail);
}

// Reads fuzz bytes front to back; past the end every read gives 0 (the first choice).
class ByteReader {
public:
    ByteReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}

    uint8_t byte() { return p_ < end_ ? *p_++ : 0; }
    uint32_t u32() {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = v << 8 | byte();
        return v;
    }
    bool flag() { return byte() & 1; }
    // One of `choices`, by the next byte.
    template <class T>
    T pick(std::initializer_list<T> choices) {
        return choices.begin()[byte() % choices.size()];
    }
    // lo..hi inclusive.
    int64_t in_range(int64_t lo, int64_t hi) {
        const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
        return lo + static_cast<int64_t>(u32() % span);
    }
    // A value of lo..hi with the edges and small numbers far more likely than the middle.
    int64_t edgy(int64_t lo, int64_t hi) {
        switch (byte() % 8) {
            case 0: return lo;
            case 1: return hi;
            case 2: return hi - 1 >= lo ? hi - 1 : lo;
            case 3: case 4: return std::max(lo, std::min(hi, in_range(-3, 8)));
            case 5: return std::max(lo, std::min(hi, int64_t(1) << (byte() % 17)));
            default: return in_range(lo, hi);
        }
    }
    // Half the time `usual` (what makes a layer valid), else edgy(lo, hi): keeps most generated
    // layers valid so the arithmetic behind the first check runs too.
    int64_t mostly(int64_t usual, int64_t lo, int64_t hi) { return byte() & 1 ? edgy(lo, hi) : usual; }
    std::string_view rest() {
        std::string_view r(reinterpret_cast<const char*>(p_), static_cast<size_t>(end_ - p_));
        p_ = end_;
        return r;
    }

private:
    const uint8_t* p_;
    const uint8_t* end_;
};

}  // namespace cp::fuzz
