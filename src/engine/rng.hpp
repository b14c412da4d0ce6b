// A small seeded generator (splitmix64): the same seed gives the same weights and noise on
// every platform, natively and in wasm.
#pragma once
#include <cstdint>

namespace cp {

class Rng {
public:
    // The seed goes through the mixing function before it becomes the state: the state advances
    // by the same constant every draw, so a state of seed * constant made seed s + 1's stream
    // seed s's one draw later (layer i's default weights, seeded state.seed + i, were layer 0's
    // shifted by i). Mixed, nearby seeds start far apart.
    explicit Rng(uint64_t seed) : s_(mix(seed + 0x632BE59BD9B4E019ull)) {}
    uint64_t next() { return mix(s_ += 0x9E3779B97F4A7C15ull); }
    // Uniform in [lo, hi).
    float uniform(float lo, float hi) {
        const double u = static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
        return static_cast<float>(lo + (hi - lo) * u);
    }

private:
    static uint64_t mix(uint64_t z) {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t s_;
};

}  // namespace cp
