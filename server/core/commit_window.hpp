// How soon a meeting may start its next group commit after the previous one started.
//
// Every commit costs one write to each of the meeting's connections (its fan-out), and on a
// loopback profile of issue 7's workload 1 (500 members, 500 commands/s) those writes were
// more than half of the server's CPU: a commit every 4 ms meant 125,000 writes/s, and
// latency was mostly waiting for a core. Waiting out a window proportional to the fan-out
// lets the commands of a busy big meeting share one commit and one write per connection.
// A meeting that was quiet commits at once (the window counts from the previous commit's
// start), and a small one barely waits: 10 connections, 0.2 ms. A window is waited only
// while commands come at least two per window (CommandArrivals): slower, a delayed commit
// would still take one command, and every command would wait out a window for nothing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace rt::core {

// One event write costs the server ~8.5 us of CPU on a shared 2-core machine (workload 1: 11
// CPU-s for 1.3 million frames), plus the kernel's delivery to the reader. Of 12, 16 and 20 us
// per connection, 20 (a 10 ms window for 500) gave workload 1 the lowest median p99 over
// runs on a noisy machine: the CPU it frees matters more than the wait it adds.
// --commit-window-per-connection-us sets another figure.
inline constexpr std::chrono::microseconds kCommitWindowPerConnection{20};
// A town hall of thousands still hears within a screen refresh or two.
inline constexpr std::chrono::microseconds kMaxCommitWindow{10'000};

constexpr std::chrono::microseconds commit_window(size_t connections,
                                                  std::chrono::microseconds per_connection) {
  std::chrono::microseconds window =
      per_connection * static_cast<std::chrono::microseconds::rep>(connections);
  return std::min(window, kMaxCommitWindow);
}

// How fast a meeting's commands arrive: a running average of the gaps between them. At 100
// commands/s in a meeting of 500 (one per 10 ms window) waiting merged nothing (1.01 commands
// per commit) and doubled delivery p50, 4.5 -> 8.7 ms; at 500/s it merges five.
class CommandArrivals {
 public:
  using Clock = std::chrono::steady_clock;

  void arrived(Clock::time_point now) {
    if (seen_any_) {
      const auto gap =
          std::min(std::chrono::duration_cast<std::chrono::microseconds>(now - last_), kLongestGap);
      mean_gap_ += (gap - mean_gap_) / kAveragedOver;
    }
    seen_any_ = true;
    last_ = now;
  }

  // Whether commands arrive at least two per `window`, so that waiting it out merges some.
  bool busy(std::chrono::microseconds window) const { return mean_gap_ * 2 <= window; }

 private:
  // A pause counts as this long, and the last four gaps or so weigh most: a burst after a
  // quiet hour is busy from its twelfth command on.
  static constexpr std::chrono::microseconds kLongestGap{100'000};
  static constexpr int kAveragedOver = 4;

  std::chrono::microseconds mean_gap_{kLongestGap};
  Clock::time_point last_{};
  bool seen_any_ = false;
};

}  // namespace rt::core
