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

using rt::core::CommandArrivals;

namespace {
// `count` commands `gap` apart from `from`; the time of the last.
CommandArrivals::Clock::time_point arrive(CommandArrivals& arrivals,
                                          CommandArrivals::Clock::time_point from, int count,
                                          std::chrono::microseconds gap) {
  for (int i = 0; i < count; ++i) arrivals.arrived(from + i * gap);
  return from + (count - 1) * gap;
}
}  // namespace

TEST(CommandArrivals, AMeetingIsQuietUntilCommandsComeTwoPerWindow) {
  CommandArrivals arrivals;
  EXPECT_FALSE(arrivals.busy(10ms));
  const auto start = CommandArrivals::Clock::time_point{} + 1h;
  // Workload 1 at 100/s: one per 10 ms window; waiting would merge nothing.
  auto t = arrive(arrivals, start, 200, 10ms);
  EXPECT_FALSE(arrivals.busy(10ms));
  // At 500/s, five per window: the window merges them.
  t = arrive(arrivals, t + 2ms, 200, 2ms);
  EXPECT_TRUE(arrivals.busy(10ms));
  // Either side of two per 10 ms window.
  t = arrive(arrivals, t + 4800us, 200, 4800us);
  EXPECT_TRUE(arrivals.busy(10ms));
  t = arrive(arrivals, t + 5200us, 200, 5200us);
  EXPECT_FALSE(arrivals.busy(10ms));
  t = arrive(arrivals, t + 6ms, 200, 6ms);
  EXPECT_FALSE(arrivals.busy(10ms));
  EXPECT_TRUE(arrivals.busy(12ms));  // a bigger meeting's window
}

TEST(CommandArrivals, ABurstAfterAQuietHourIsBusyFromItsTwelfthCommand) {
  CommandArrivals arrivals;
  const auto start = CommandArrivals::Clock::time_point{} + 1h;
  auto t = arrive(arrivals, start, 10, 1min);
  EXPECT_FALSE(arrivals.busy(10ms));
  t = arrive(arrivals, t + 1h, 11, 0us);  // a room joining at once
  EXPECT_FALSE(arrivals.busy(10ms));
  arrivals.arrived(t);
  EXPECT_TRUE(arrivals.busy(10ms));
  // A lull is over as soon as the gaps say so.
  arrive(arrivals, t + 1s, 10, 1s);
  EXPECT_FALSE(arrivals.busy(10ms));
}
