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
    if (!available(now_ms)) return false;
    tokens_ -= 1.0;
    return true;
  }
  // Whether a token is there now, without taking it.
  bool available(int64_t now_ms) {
    refill(now_ms);
    return tokens_ >= 1.0;
  }
  // Milliseconds until a token is there (0: now).
  int64_t wait_ms(int64_t now_ms) {
    refill(now_ms);
    return tokens_ >= 1.0 ? 0 : static_cast<int64_t>((1.0 - tokens_) * 1000.0 / rate_) + 1;
  }
  // Refilled to the brim: as good as never used.
  bool full(int64_t now_ms) {
    refill(now_ms);
    return tokens_ >= burst_;
  }

 private:
  void refill(int64_t now_ms) {
    if (last_ms_ != 0 && now_ms > last_ms_) {
      tokens_ += static_cast<double>(now_ms - last_ms_) * rate_ / 1000.0;
      if (tokens_ > burst_) tokens_ = burst_;
    }
    if (now_ms > last_ms_) last_ms_ = now_ms;
  }

  double rate_;
  double burst_;
  double tokens_;
  int64_t last_ms_ = 0;
};

}  // namespace rt::core
