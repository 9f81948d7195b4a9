// What every connection of this process shares: configuration, the store, metrics and the
// live meetings. Owned by app/main.cpp, outlives every session.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/commit_window.hpp"
#include "net/client_limits.hpp"
#include "store/meeting_store.hpp"
#include "support/metrics.hpp"

namespace rt::net {

class MeetingRegistry;

struct ServerContext {
  boost::asio::io_context& ioc;
  store::MeetingStore& store;
  Metrics& metrics;
  MeetingRegistry& registry;
  std::string secret;                        // token-signing key
  std::vector<std::string> allowed_origins;  // empty: same origin only
  std::string web_root;
  // How long a participant must be gone to be logged as having left (MeetingRoom).
  std::chrono::milliseconds away_after{60'000};
  ClientLimits& limits;
  // Proxies whose X-Real-IP is believed (ClientLimits count that address, not theirs).
  std::vector<std::string> trusted_proxies;
  // Commands one connection may send per second, in bursts of twice that (--commands-per-second).
  double commands_per_second = 20;
  // A busy meeting's commits wait this long per connection of it (core/commit_window.hpp).
  std::chrono::microseconds commit_window_per_connection = core::kCommitWindowPerConnection;
  // Set when the server speaks TLS (--tls-cert, --tls-key): every connection is then TLS.
  boost::asio::ssl::context* tls = nullptr;
  // This process among the instances sharing the Redis (presence messages say who speaks).
  std::string instance_id = {};
  // A meeting with nobody connected here and nothing to do unloads after this; 0: never.
  std::chrono::milliseconds unload_after{300'000};
};

int64_t now_ms();  // wall clock, epoch ms: event times and token expiry

}  // namespace rt::net
