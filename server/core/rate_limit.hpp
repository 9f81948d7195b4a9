// A token bucket: `rate` tokens per second, holding at most `burst`. Time is passed in, so
// the limiter is deterministic under test.
#pragma once

#include <cstdint>

namespace rt::core {

class TokenBucket {
 public:
  TokenBucket(double rate_per_second, double burst)
      : rate_(rate_per_second), burst_(burst), tokens_(burst) {}

  // Takes one token if there is one.
  bool take(int64_t now_ms) {
    if (last_ms_ != 0 && now_ms > last_ms_) {
      tokens_ += static_cast<double>(now_ms - last_ms_) * rate_ / 1000.0;
      if (tokens_ > burst_) tokens_ = burst_;
    }
    if (now_ms > last_ms_) last_ms_ = now_ms;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  int64_t last_ms_ = 0;
};

}  // namespace rt::core
