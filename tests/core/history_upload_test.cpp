// History's upload number (core/history.hpp): two uploads of one size print the same state, so
// a step is also told apart by the upload it shows, and undo / redo give that number back.
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/history.hpp"

TEST(History, AStepKeepsItsUploadAndTheSameTextWithAnotherUploadIsANewStep) {
    auto parsed = cp::parse_state("v=1&in=3x30x40&img=upload&net=relu");
    ASSERT_TRUE(parsed.ok());
    const cp::State sample = cp::parse_state("v=1&in=3x32x32&net=relu").value(), upload = *parsed;
    cp::History h;
    h.reset(sample);
    EXPECT_EQ(h.current_upload(), 0u);
    h.commit(upload, 1);
    h.commit(upload, 1);  // the same state and upload: no step
    h.commit(upload, 2);  // the same text, another file: a step
    EXPECT_EQ(h.undo_steps(), 2u);
    EXPECT_EQ(*h.undo(), upload);
    EXPECT_EQ(h.current_upload(), 1u);
    h.commit(upload, 1);  // what undo returned, applied and committed: no step, redo kept
    EXPECT_TRUE(h.can_redo());
    EXPECT_EQ(*h.undo(), sample);
    EXPECT_EQ(h.current_upload(), 0u);
    EXPECT_EQ(*h.redo(), upload);
    EXPECT_EQ(*h.redo(), upload);
    EXPECT_EQ(h.current_upload(), 2u);
}
