// The commit window: how long a meeting's next group commit waits, by its fan-out.
#include "core/commit_window.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace std::chrono_literals;
using rt::core::commit_window;
using rt::core::kCommitWindowPerConnection;

TEST(CommitWindow, GrowsWithTheConnectionsAFanOutWritesTo) {
  EXPECT_EQ(commit_window(0, kCommitWindowPerConnection), 0us);
  EXPECT_EQ(commit_window(1, kCommitWindowPerConnection), 20us);
  EXPECT_EQ(commit_window(10, kCommitWindowPerConnection), 200us);  // nothing a person notices
  EXPECT_EQ(commit_window(250, kCommitWindowPerConnection), 5ms);
  EXPECT_EQ(commit_window(500, 2us), 1ms);  // a faster machine's figure
}

TEST(CommitWindow, IsCappedForTheBiggestMeetings) {
  EXPECT_EQ(commit_window(499, kCommitWindowPerConnection), 9980us);
  EXPECT_EQ(commit_window(500, kCommitWindowPerConnection),
            rt::core::kMaxCommitWindow);  // issue 7's town hall
  EXPECT_EQ(commit_window(501, kCommitWindowPerConnection), 10ms);
  EXPECT_EQ(commit_window(100'000, kCommitWindowPerConnection), 10ms);
  EXPECT_EQ(commit_window(50, 10'000us), 10ms);  // the largest the flag takes
}

TEST(CommitWindow, ZeroPerConnectionTurnsItOff) {
  EXPECT_EQ(commit_window(500, 0us), 0us);
}
