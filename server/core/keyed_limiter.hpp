// A token bucket per key (a client's address), for limits that must hold across connections:
// meetings created per hour, wrong join codes per minute. Memory is bounded: at max_keys, the
// buckets that have refilled completely (as good as unused) are forgotten; if every one is
// still in use, all are (an attacker with that many addresses gains one fresh start each).
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <unordered_map>

#include "core/rate_limit.hpp"

namespace rt::core {

class KeyedLimiter {
 public:
  KeyedLimiter(double rate_per_second, double burst, size_t max_keys = 65536)
      : rate_(rate_per_second), burst_(burst), max_keys_(max_keys) {}

  bool take(const std::string& key, int64_t now_ms) { return bucket(key, now_ms).take(now_ms); }
  bool available(const std::string& key, int64_t now_ms) {
    auto it = buckets_.find(key);
    return it == buckets_.end() || it->second.available(now_ms);
  }
  int64_t wait_ms(const std::string& key, int64_t now_ms) {
    auto it = buckets_.find(key);
    return it == buckets_.end() ? 0 : it->second.wait_ms(now_ms);
  }
  size_t keys() const { return buckets_.size(); }

 private:
  TokenBucket& bucket(const std::string& key, int64_t now_ms) {
    auto it = buckets_.find(key);
    if (it != buckets_.end()) return it->second;
    if (buckets_.size() >= max_keys_) {
      for (auto at = buckets_.begin(); at != buckets_.end();) {
        at = at->second.full(now_ms) ? buckets_.erase(at) : std::next(at);
      }
      if (buckets_.size() >= max_keys_) buckets_.clear();
    }
    return buckets_.emplace(key, TokenBucket(rate_, burst_)).first->second;
  }

  double rate_;
  double burst_;
  size_t max_keys_;
  std::unordered_map<std::string, TokenBucket> buckets_;
};

}  // namespace rt::core
