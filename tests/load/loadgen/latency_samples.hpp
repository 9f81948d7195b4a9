// Every latency sample of a run, kept exactly (microseconds as uint32: 4 bytes a delivery,
// 30 MB for 7.5 million), so percentiles are the real ones and not a histogram's estimate.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace loadgen {

struct LatencySummary {
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  size_t count = 0;
};

class LatencySamples {
 public:
  void reserve(size_t n) { us_.reserve(n); }
  void add(std::chrono::steady_clock::duration d) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    us_.push_back(us < 0 ? 0u : static_cast<uint32_t>(us));
  }
  size_t size() const { return us_.size(); }
  // Nearest-rank percentiles, as tests/load/load_support.mjs computes them. Sorts the samples.
  LatencySummary summarize();

 private:
  std::vector<uint32_t> us_;
};

}  // namespace loadgen
