// The receptive field (core/receptive_field.hpp) against brute force on random small stacks:
// perturb input cells, run the reference kernels, and see which outputs change. Weights are
// positive, biases off and the base input zero, so every op is monotone and a changed output is
// exactly an influenced one (sigmoid is left out: it maps the zero base to 0.5, where a change
// as small as a linear upsample's tiny weights would round away; it maps cell to cell anyway).
#include <gtest/gtest.h>

#include <random>

#include "core/codec.hpp"
#include "core/receptive_field.hpp"
#include "engine/net.hpp"

namespace {

using cp::Dims;

std::string random_stack(std::mt19937& rng) {
    auto pick = [&](std::initializer_list<const char*> v) { return *(v.begin() + rng() % v.size()); };
    auto num = [&](int lo, int hi) { return std::to_string(lo + int(rng() % unsigned(hi - lo + 1))); };
    const bool one_d = rng() % 3 == 0;
    std::string s = "v=1&in=" + num(1, 3) + "x" + num(2, 9) + (one_d ? "" : "x" + num(2, 9)) + "&net=";
    const std::string d = one_d ? "1d" : "2d";
    const int layers = 1 + int(rng() % 4);
    for (int i = 0; i < layers; ++i) {
        if (i) s += ";";
        switch (rng() % 8) {
            case 0:
            case 1: {
                const bool t = rng() % 2 == 0;
                s += (t ? "convT" : "conv") + d + "(out=" + num(1, 4) + ",k=" + num(1, 4) + ",bias=0";
                if (rng() % 2) s += ",s=" + num(1, 3);
                if (rng() % 2) s += ",p=" + std::string(rng() % 3 ? num(0, 2) : pick({"same", "valid", "full", "tfsame"}));
                if (!t && rng() % 4 == 0) s += ",p=" + num(-1, 2) + ":" + num(-1, 2) + (one_d ? "" : "x" + num(-1, 2) + ":" + num(-1, 2));
                if (rng() % 3 == 0) s += ",d=" + num(1, 3);
                if (rng() % 3 == 0) s += ",g=" + num(1, 2);
                if (t && rng() % 3 == 0) s += ",op=" + num(0, 2);
                if (!t && rng() % 3 == 0) s += std::string(",pm=") + pick({"reflect", "replicate", "circular"});
                s += ")";
                break;
            }
            case 2:
                s += std::string(rng() % 2 ? "max" : "avg") + "pool" + d + "(k=" + num(1, 3);
                if (rng() % 2) s += ",s=" + num(1, 3);
                if (rng() % 2) s += ",p=" + num(0, 1);
                if (rng() % 3 == 0) s += ",ceil=1";
                s += ")";
                break;
            case 3:
                s += "upsample(";
                s += rng() % 3 ? "scale=" + std::string(pick({"0.5", "1", "1.5", "2", "2.5", "3"})) : "size=" + num(1, 9);
                s += std::string(",mode=") + (rng() % 2 ? "nearest" : (one_d ? "linear" : "bilinear"));
                if (rng() % 3 == 0) s += ",ac=" + num(0, 1);
                s += ")";
                break;
            case 4:
                s += "crop" + d + "(c=" + num(0, 1) + ":" + num(0, 2) + (one_d ? "" : "x" + num(0, 2) + ":" + num(0, 1)) + ")";
                break;
            default: s += pick({"relu", "tanh", "leakyrelu(slope=0.2)"});
        }
    }
    return s;
}

// Positive weights everywhere (0.5 .. 1), so no path cancels.
void positive_weights(cp::State& s, const cp::NetInfo& info, std::mt19937& rng) {
    std::uniform_real_distribution<float> u(0.5f, 1.0f);
    for (size_t i = 0; i < s.net.size(); ++i) {
        cp::Layer& L = s.net[i];
        if (!L.has_weights()) continue;
        const cp::LayerInfo& li = info.layers[i];
        int64_t n = L.op == cp::Op::ConvT ? li.in[1] * (li.out[1] / L.groups) : li.out[1] * (li.in[1] / L.groups);
        for (int a = 0; a < li.axes; ++a) n *= li.axis[size_t(a)].kernel;
        L.weight_values.resize(size_t(n));
        for (float& w : L.weight_values) w = u(rng);
    }
}

// Every layer's output for `input` (reference kernels).
std::vector<cp::Tensor> run(const cp::State& s, const cp::Tensor& input) {
    cp::RunOptions opt;
    opt.reference_only = true;
    auto r = cp::run_net(s, input, opt);
    EXPECT_TRUE(r.ok()) << r.status().message;
    std::vector<cp::Tensor> out;
    if (r)
        for (auto& l : r->layers) out.push_back(l.output);
    return out;
}

// Flat index of (c, y, x) in a [1, C, spatial...] tensor (1-d: y = 0).
int64_t at(const Dims& d, int64_t c, int64_t y, int64_t x) {
    return d.size() == 4 ? (c * d[2] + y) * d[3] + x : c * d[2] + x;
}
int64_t h_of(const Dims& d) { return d.size() == 4 ? d[2] : 1; }
int64_t w_of(const Dims& d) { return d.back(); }

bool in_region(const cp::RfMap& m, const Dims& d, int64_t c, int64_t y, int64_t x) {
    const bool two = d.size() == 4;
    return c >= m.c_first && c <= m.c_last && (!two || m.axis[0].cells[size_t(y)]) && m.axis[two ? 1 : 0].cells[size_t(x)];
}

// Whether any cell of `region` (of the tensor shaped d) differs between a and b.
bool changed(const cp::Tensor& a, const cp::Tensor& b, const cp::RfMap& region) {
    const Dims& d = a.shape;
    for (int64_t c = 0; c < d[1]; ++c)
        for (int64_t y = 0; y < h_of(d); ++y)
            for (int64_t x = 0; x < w_of(d); ++x)
                if (in_region(region, d, c, y, x) && a.data[size_t(at(d, c, y, x))] != b.data[size_t(at(d, c, y, x))]) return true;
    return false;
}

std::string describe(const cp::State& s, const cp::RfQuery& q) {
    return cp::print_state(s) + "\n  map " + std::to_string(q.map + 1) + " cells " + std::to_string(q.first[0]) + ".." +
           std::to_string(q.last[0]) + " x " + std::to_string(q.first[1]) + ".." + std::to_string(q.last[1]) + " channels " +
           std::to_string(q.c_first) + ".." + std::to_string(q.c_last);
}

// Backward: for the suffix of the stack from layer `from`, perturbing each cell (all channels) and
// each channel (all cells) of its input changes the queried outputs exactly where rf.maps[from] says.
void check_backward(const cp::State& s, const cp::ReceptiveField& rf, int from, const cp::RfMap& query, const std::string& what) {
    cp::State sub = s;
    sub.net.assign(s.net.begin() + from, s.net.begin() + query.layer + 1);
    const cp::RfMap& want = rf.maps[size_t(from)];
    Dims in{1, want.channels};
    for (int a = 0; a < rf.axes; ++a) in.push_back(want.axis[size_t(a)].size);
    sub.in_shape.assign(in.begin() + 1, in.end());
    const cp::Tensor zero(in);
    const auto base = run(sub, zero);
    if (base.empty()) return;
    bool any_cell = false;
    for (int64_t y = 0; y < h_of(in); ++y)
        for (int64_t x = 0; x < w_of(in); ++x) {
            cp::Tensor t = zero;
            for (int64_t c = 0; c < in[1]; ++c) t.data[size_t(at(in, c, y, x))] = 1;
            const bool got = changed(run(sub, t).back(), base.back(), query);
            const bool expect = (rf.axes == 1 || want.axis[0].cells[size_t(y)]) && want.axis[rf.axes == 2 ? 1 : 0].cells[size_t(x)];
            any_cell = any_cell || expect;
            ASSERT_EQ(got, expect) << what << "\n  map " << from << " cell (" << y << ", " << x << ")";
        }
    for (int64_t c = 0; c < in[1]; ++c) {
        cp::Tensor t = zero;
        for (int64_t y = 0; y < h_of(in); ++y)
            for (int64_t x = 0; x < w_of(in); ++x) t.data[size_t(at(in, c, y, x))] = 1;
        const bool got = changed(run(sub, t).back(), base.back(), query);
        ASSERT_EQ(got, any_cell && c >= want.c_first && c <= want.c_last) << what << "\n  map " << from << " channel " << c;
    }
}

TEST(ReceptiveField, EqualsBruteForceOnRandomStacks) {
    std::mt19937 rng(20261201);
#ifdef __EMSCRIPTEN__
    const int want_states = 60;  // the same check within the wasm suite's time
#else
    const int want_states = 300;
#endif
    int tested = 0, padded = 0, holes = 0;
    for (int attempt = 0; attempt < 20000 && tested < want_states; ++attempt) {
        auto parsed = cp::parse_state(random_stack(rng));
        if (!parsed) continue;
        cp::State s = *parsed;
        cp::NetInfo info = cp::net_info(s);
        if (!info.ok()) continue;
        int64_t biggest = 0, smallest = INT64_MAX;
        for (const auto& l : info.layers) {
            biggest = std::max(biggest, cp::Tensor::count(l.out));
            smallest = std::min(smallest, cp::Tensor::count(l.out));
        }
        if (biggest > 2000 || smallest == 0) continue;  // an empty map (PyTorch allows a pool's 0) has no cell to trace
        positive_weights(s, info, rng);
        info = cp::net_info(s);
        ASSERT_TRUE(info.ok()) << cp::print_state(s);

        cp::RfQuery q;
        q.map = int(rng() % s.net.size());
        const Dims& out = info.layers[size_t(q.map)].out;
        for (int a = 0; a < int(out.size()) - 2; ++a) {
            const int64_t n = out[size_t(2 + a)];
            q.first[size_t(a)] = int64_t(rng() % uint64_t(n));
            q.last[size_t(a)] = rng() % 3 ? q.first[size_t(a)] : q.first[size_t(a)] + int64_t(rng() % uint64_t(n - q.first[size_t(a)]));
        }
        if (rng() % 2) {
            q.c_first = int64_t(rng() % uint64_t(out[1]));
            q.c_last = q.c_first + int64_t(rng() % uint64_t(out[1] - q.c_first));
        }
        const std::string what = describe(s, q);
        auto rf = cp::receptive_field(s, info, q);
        ASSERT_TRUE(rf.ok()) << what << "\n  " << rf.status().message;
        ASSERT_EQ(rf->maps.size(), size_t(q.map + 2)) << what;
        for (int from = 0; from <= q.map; ++from) {
            check_backward(s, *rf, from, rf->maps.back(), what);
            if (::testing::Test::HasFatalFailure()) return;
        }
        for (const auto& m : rf->maps) {
            padded += m.pads();
            for (int a = 0; a < rf->axes; ++a) holes += m.axis[size_t(a)].count < m.axis[size_t(a)].span();
        }

        // Forward: perturbing the region of the input reaches exactly what reach() says, in every map.
        cp::RfQuery f;
        f.map = -1;
        for (int a = 0; a < rf->axes; ++a) {
            const int64_t n = info.input[size_t(2 + a)];
            f.first[size_t(a)] = int64_t(rng() % uint64_t(n));
            f.last[size_t(a)] = rng() % 2 ? f.first[size_t(a)] : n - 1;
        }
        auto fw = cp::reach(s, info, f);
        ASSERT_TRUE(fw.ok()) << what << "\n  " << fw.status().message;
        ASSERT_EQ(fw->maps.size(), s.net.size() + 1);
        cp::Tensor t(info.input);
        const auto base = run(s, t);
        for (int64_t c = 0; c < info.input[1]; ++c)
            for (int64_t y = 0; y < h_of(info.input); ++y)
                for (int64_t x = 0; x < w_of(info.input); ++x)
                    if (in_region(fw->maps[0], info.input, c, y, x)) t.data[size_t(at(info.input, c, y, x))] = 1;
        const auto hit = run(s, t);
        ASSERT_EQ(hit.size(), s.net.size());
        for (size_t l = 0; l < hit.size(); ++l) {
            const Dims& d = hit[l].shape;
            for (int64_t c = 0; c < d[1]; ++c)
                for (int64_t y = 0; y < h_of(d); ++y)
                    for (int64_t x = 0; x < w_of(d); ++x) {
                        const size_t i = size_t(at(d, c, y, x));
                        ASSERT_EQ(hit[l].data[i] != base[l].data[i], in_region(fw->maps[l + 1], d, c, y, x))
                            << cp::print_state(s) << "\n  forward from input cells " << f.first[0] << ".." << f.last[0] << " x "
                            << f.first[1] << ".." << f.last[1] << ": layer " << l + 1 << " (" << c << ", " << y << ", " << x << ")";
                    }
        }
        ++tested;
    }
    std::printf("[ receptive field ] %d random stacks; %d maps where padding enters, %d axes with holes\n", tested, padded, holes);
    EXPECT_EQ(tested, want_states);
    EXPECT_GT(padded, want_states / 10);  // the generator reaches padding and holes often enough to matter
    EXPECT_GT(holes, want_states / 20);
}

TEST(ReceptiveField, ClassicConvStackNumbersAndPadding) {
    // Three 3x3 convs, the middle one with stride 2: one output cell of the last sees 3 cells of
    // the second's output, (3 - 1)*2 + 3 = 7 of the first's and 7 + 2 = 9 input cells per axis.
    auto s = cp::parse_state("v=1&in=1x32x32&net=conv2d(out=1,k=3,p=1);conv2d(out=1,k=3,s=2,p=1);conv2d(out=1,k=3,p=1)");
    ASSERT_TRUE(s.ok());
    const cp::NetInfo info = cp::net_info(*s);
    cp::RfQuery q;
    q.map = 2;
    q.first = q.last = {8, 8};
    auto rf = cp::receptive_field(*s, info, q);
    ASSERT_TRUE(rf.ok());
    EXPECT_EQ(rf->maps[2].axis[0].first, 7);
    EXPECT_EQ(rf->maps[1].axis[0].first, 13);
    EXPECT_EQ(rf->maps[1].axis[0].last, 19);
    EXPECT_EQ(rf->maps[0].axis[0].first, 12);
    EXPECT_EQ(rf->maps[0].axis[0].last, 20);
    EXPECT_EQ(rf->maps[0].axis[1].span(), 9);
    EXPECT_FALSE(rf->maps[0].pads());
    // The corner cell: padding enters on the top and left of every layer's input.
    q.first = q.last = {0, 0};
    rf = cp::receptive_field(*s, info, q);
    ASSERT_TRUE(rf.ok());
    EXPECT_EQ(rf->maps[0].axis[0].first, 0);
    EXPECT_EQ(rf->maps[0].axis[0].last, 4);
    EXPECT_EQ(rf->maps[0].beyond[0], 1);
    EXPECT_EQ(rf->maps[0].beyond[1], 0);
    EXPECT_NE(rf->maps[2].via[0].find("(1 - 1)*1 + 1*(3 - 1) + 1 = 3 cells"), std::string::npos) << rf->maps[2].via[0];
    const auto text = cp::rf_text(*s, info, *rf);
    ASSERT_FALSE(text.empty());
    EXPECT_NE(text.back().find("padding enters"), std::string::npos) << text.back();
}

TEST(ReceptiveField, RefusesBadQueries) {
    auto s = cp::parse_state("v=1&in=1x8x8&net=conv2d(out=2,k=3);conv2d(out=2,k=9)");
    ASSERT_TRUE(s.ok());
    const cp::NetInfo info = cp::net_info(*s);
    ASSERT_FALSE(info.ok());
    cp::RfQuery q;
    q.map = 1;
    auto rf = cp::receptive_field(*s, info, q);
    ASSERT_FALSE(rf.ok());
    EXPECT_NE(rf.status().message.find("layer 2 is not computed"), std::string::npos) << rf.status().message;
    q.map = 0;
    q.first = q.last = {6, 0};
    rf = cp::receptive_field(*s, info, q);
    ASSERT_FALSE(rf.ok());
    EXPECT_NE(rf.status().message.find("not within 0..5"), std::string::npos) << rf.status().message;
    q.first = q.last = {0, 0};
    q.c_first = 1, q.c_last = 2;
    EXPECT_FALSE(cp::receptive_field(*s, info, q).ok());
}

}  // namespace
