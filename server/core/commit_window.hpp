// How soon a meeting may start its next group commit after the previous one started.
//
// Every commit costs one write to each of the meeting's connections (its fan-out), and on a
// loopback profile of issue 7's workload 1 (500 members, 500 commands/s) those writes were
// more than half of the server's CPU: a commit every 4 ms meant 125,000 writes/s, and
// latency was mostly waiting for a core. Waiting out a window proportional to the fan-out
// lets the commands of a busy big meeting share one commit and one write per connection.
// A meeting that was quiet commits at once (the window counts from the previous commit's
// start), and a small one barely waits: 10 connections, 0.2 ms.
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

}  // namespace rt::core
