// How soon a meeting may start its next group commit after the previous one started.
//
// Every commit costs one write to each of the meeting's connections (its fan-out), and on a
// loopback profile of issue 7's workload 1 (500 members, 500 commands/s) those writes were
// more than half of the server's CPU: a commit every 4 ms meant 125,000 writes/s, and
// latency was mostly waiting for a core. Waiting out a window proportional to the fan-out
// lets the commands of a busy big meeting share one commit and one write per connection.
// A meeting that was quiet commits at once (the window counts from the previous commit's
// start), and a small one barely waits: 10 connections, 0.12 ms.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace rt::core {

// About what one event write costs the server on a shared 2-core machine (workload 1: 11
// CPU-s for 1.3 million frames, ~8.5 us each, plus the kernel's delivery to the reader).
// --commit-window-per-connection-us sets another figure.
inline constexpr std::chrono::microseconds kCommitWindowPerConnection{12};
// A town hall of thousands still hears within a screen refresh or two.
inline constexpr std::chrono::microseconds kMaxCommitWindow{10'000};

constexpr std::chrono::microseconds commit_window(size_t connections,
                                                  std::chrono::microseconds per_connection) {
  std::chrono::microseconds window =
      per_connection * static_cast<std::chrono::microseconds::rep>(connections);
  return std::min(window, kMaxCommitWindow);
}

}  // namespace rt::core
