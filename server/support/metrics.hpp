// Process metrics, rendered in the Prometheus text format at GET /metrics.
// Counters and gauges are atomics so hot paths never take a lock; labelled counters
// (rejections by code) take a short lock because their label set grows at runtime.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace rt {

class Histogram {
 public:
  // Upper bounds in seconds, chosen around a loopback Redis commit (~0.1-1 ms).
  static constexpr std::array<double, 10> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                     0.005,  0.01,    0.025,  0.1,   1.0};
  void observe(double seconds);
  void render(std::string& out, const std::string& name) const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

class LabelledCounter {
 public:
  void inc(const std::string& label_value);
  // Renders `name{<fixed>,<label>="value"} count` lines; `fixed` may be empty.
  void render(std::string& out, const std::string& name, const std::string& fixed,
              const std::string& label) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> values_;
};

struct Metrics {
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> meetings_live{0};
  std::atomic<int64_t> meeting_rooms{0};  // alive, in the registry or not yet freed
  std::atomic<int64_t> redis_up{0};
  std::atomic<uint64_t> commands_accepted{0};
  LabelledCounter commands_rejected;  // by reject code
  std::atomic<uint64_t> events_committed{0};
  std::atomic<uint64_t> commits{0};
  // Commits refused because another instance moved the meeting's log first (then retried).
  std::atomic<uint64_t> commit_conflicts{0};
  std::atomic<uint64_t> slow_consumer_disconnects{0};
  std::atomic<uint64_t> http_requests{0};
  // TLS handshakes that failed or timed out (plain HTTP to a TLS port, scanners, bad clients).
  std::atomic<uint64_t> tls_handshake_failures{0};
  LabelledCounter client_limit_refusals;  // by limit: meetings_per_hour, wrong_codes_per_minute
  Histogram commit_seconds;

  std::string render() const;
};

}  // namespace rt
