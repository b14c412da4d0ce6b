// Undo / redo of states (core/history.hpp): order, redo dropped by a new step, bounds.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/history.hpp"

namespace {

cp::State st(const char* text) {
    auto s = cp::parse_state(text);
    EXPECT_TRUE(s.ok()) << text;
    return s.ok() ? *s : cp::State{};
}

TEST(History, UndoRedoInOrderAndANewStepDropsRedo) {
    const cp::State a = st("v=1&in=1x8x8&net=relu"), b = st("v=1&in=1x9x9&net=relu"), c = st("v=1&in=1x10x10&net=relu"),
                    d = st("v=1&in=1x11x11&net=relu");
    cp::History h;
    h.reset(a);
    EXPECT_FALSE(h.can_undo());
    EXPECT_FALSE(h.undo());
    h.commit(b);
    h.commit(b);  // the same state again: no step
    h.commit(c);
    EXPECT_EQ(h.undo_steps(), 2u);
    EXPECT_EQ(*h.undo(), b);
    EXPECT_EQ(*h.undo(), a);
    EXPECT_FALSE(h.undo());
    EXPECT_EQ(h.current(), a);
    EXPECT_EQ(*h.redo(), b);
    h.commit(b);  // what redo returned, applied and committed: still no step
    EXPECT_EQ(h.redo_steps(), 1u);
    EXPECT_EQ(*h.redo(), c);
    EXPECT_FALSE(h.redo());
    EXPECT_EQ(*h.undo(), b);
    h.commit(d);  // a new edit after an undo: c cannot come back
    EXPECT_FALSE(h.can_redo());
    EXPECT_EQ(*h.undo(), b);
    EXPECT_EQ(*h.undo(), a);
}

TEST(History, BoundedInStepsAndBytes) {
    cp::History h(5);
    cp::State s = st("v=1&in=1x8x8&net=relu");
    h.reset(s);
    for (int i = 0; i < 20; ++i) {
        s.seed = uint32_t(i + 1);
        h.commit(s);
    }
    EXPECT_EQ(h.undo_steps(), 5u);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(h.undo());
    EXPECT_EQ(h.current().seed, 15u);  // the oldest kept step
    // Big states (explicit weights) are dropped by bytes, oldest first; the current one stays.
    cp::State w = st("v=1&in=1x8x8&net=conv2d(out=1,k=3)");
    w.net[0].weight_values.assign(100000, 0.5f);  // about 400 kB
    cp::History hb(100, 1 << 20);
    hb.reset(w);
    for (int i = 0; i < 10; ++i) {
        w.seed = uint32_t(i + 1);
        hb.commit(w);
    }
    EXPECT_LE(hb.undo_steps(), 2u);
    EXPECT_GE(hb.undo_steps(), 1u);
    EXPECT_EQ(hb.current().seed, 10u);
}

}  // namespace
