#include "latency_samples.hpp"

#include <algorithm>

namespace loadgen {

LatencySummary LatencySamples::summarize() {
  LatencySummary s;
  s.count = us_.size();
  if (us_.empty()) return s;
  std::sort(us_.begin(), us_.end());
  auto at = [&](double p) {
    size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(us_.size()));
    return static_cast<double>(us_[std::min(i, us_.size() - 1)]) / 1000.0;
  };
  s.p50_ms = at(50);
  s.p95_ms = at(95);
  s.p99_ms = at(99);
  s.max_ms = static_cast<double>(us_.back()) / 1000.0;
  return s;
}

}  // namespace loadgen
