// The gallery: every entry is a canonical, valid state whose shapes (input, then after each layer)
// equal PyTorch's (tests/fixtures/gallery.jsonl, made by gen_fixtures.py with python3-torch), and
// every "fixed" entry round-trips its encoder's size.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/codec.hpp"
#include "core/gallery.hpp"
#include "core/shapes.hpp"
#include "core/solver.hpp"
#include "support/json_lite.hpp"

namespace {

TEST(Gallery, EntriesAreValidCanonicalAndDistinct) {
    const auto& g = cp::gallery();
    ASSERT_GE(g.size(), 20u);
    std::set<std::string> ids, states;
    std::set<std::string> groups;
    for (const auto& e : g) {
        EXPECT_TRUE(ids.insert(e.id).second) << "duplicate id " << e.id;
        EXPECT_TRUE(states.insert(e.state).second) << "duplicate state " << e.state;
        groups.insert(e.group);
        EXPECT_EQ(e.note.rfind("error:", 0), std::string::npos) << e.id << ": " << e.note;
        auto st = cp::parse_state(e.state);
        ASSERT_TRUE(st.ok()) << e.id << ": " << st.status().message;
        EXPECT_EQ(cp::print_state(*st), e.state) << e.id << " is not canonical";
        const cp::NetInfo info = cp::net_info(*st);
        EXPECT_TRUE(info.ok()) << e.id << ": " << info.layers[size_t(std::max(0, info.first_error))].status.message;
        for (char c : e.id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-') << e.id;
    }
    EXPECT_EQ(groups.size(), 3u);
}

TEST(Gallery, FixedEntriesRestoreTheEncodersSize) {
    int fixed = 0;
    const auto& g = cp::gallery();
    for (size_t i = 0; i < g.size(); ++i) {
        if (g[i].id.size() < 6 || g[i].id.substr(g[i].id.size() - 6) != "-fixed") continue;
        ++fixed;
        ASSERT_GT(i, 0u);
        EXPECT_EQ(g[i].id, g[i - 1].id + "-fixed");
        auto broken = cp::parse_state(g[i - 1].state);
        auto st = cp::parse_state(g[i].state);
        ASSERT_TRUE(broken.ok() && st.ok());
        EXPECT_FALSE(cp::solve_net(*broken).mismatches.empty()) << g[i - 1].id << " should show a mismatch";
        EXPECT_TRUE(cp::solve_net(*st).mismatches.empty()) << g[i].id;
        const cp::NetInfo info = cp::net_info(*st);
        EXPECT_EQ(info.layers.back().out, info.input) << g[i].id;
        EXPECT_NE(g[i].title.find("op=1"), std::string::npos) << g[i].title;
    }
    EXPECT_EQ(fixed, 2);
}

TEST(Gallery, ShapesAgreeWithPyTorch) {
    const auto rows = jl::read_jsonl(std::string(CONVPLAY_FIXTURES) + "/gallery.jsonl");
    std::map<std::string, const jl::Value*> by_state;
    for (const auto& r : rows) by_state[r["state"].str] = &r;
    const auto& g = cp::gallery();
    EXPECT_EQ(rows.size(), g.size()) << "gallery.jsonl is stale: regenerate it (tests/fixtures/README.md)";
    for (const auto& e : g) {
        auto it = by_state.find(e.state);
        if (it == by_state.end()) {
            ADD_FAILURE() << e.id << " has no PyTorch row in gallery.jsonl: regenerate it";
            continue;
        }
        const jl::Value& row = *it->second;
        ASSERT_FALSE(row.has("error")) << e.id << ": PyTorch says " << row["error"].str;
        const cp::NetInfo info = cp::net_info(*cp::parse_state(e.state));
        const auto& shapes = row["shapes"].arr;
        ASSERT_EQ(shapes.size(), info.layers.size() + 1) << e.id;
        EXPECT_EQ(shapes[0].ints(), info.input) << e.id;
        for (size_t l = 0; l < info.layers.size(); ++l)
            EXPECT_EQ(shapes[l + 1].ints(), info.layers[l].out) << e.id << " layer " << l + 1;
    }
}

TEST(Gallery, JsonListsEveryEntry) {
    const auto v = jl::Parser(cp::gallery_json()).parse();
    ASSERT_EQ(v.kind, jl::Value::Array);
    ASSERT_EQ(v.arr.size(), cp::gallery().size());
    EXPECT_EQ(v.arr[0]["state"].str, cp::gallery()[0].state);
    EXPECT_EQ(v.arr[0]["title"].str, cp::gallery()[0].title);
}

}  // namespace
