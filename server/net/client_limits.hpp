// Limits per client address, across all its connections: meetings created per hour, and wrong
// join codes per minute (a join code cannot be guessed at that pace). Thread-safe: every
// session of the process consults the same buckets.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/keyed_limiter.hpp"

namespace rt::net {

class ClientLimits {
 public:
  // 0 turns a limit off.
  ClientLimits(int meetings_per_hour, int failed_joins_per_minute);

  // Counts one meeting created by `client`; when over the limit, how long to wait (ms).
  std::optional<int64_t> refuse_meeting(const std::string& client, int64_t now_ms);
  // Whether `client` may try a join code now; a wrong code counts against it.
  bool may_try_code(const std::string& client, int64_t now_ms);
  void wrong_code(const std::string& client, int64_t now_ms);

 private:
  std::mutex mutex_;
  std::optional<core::KeyedLimiter> meetings_;
  std::optional<core::KeyedLimiter> wrong_codes_;
};

// The key a client is limited by: its address, or for IPv6 its /64 (what one household or
// machine gets). When the peer is one of `trusted_proxies` and says whose request it passes
// on (X-Real-IP, as deploy/nginx.conf.example sets it), that address instead.
std::string client_key(const boost::asio::ip::address& peer, std::string_view real_ip_header,
                       const std::vector<std::string>& trusted_proxies);

}  // namespace rt::net
