// Configuration from flags, with a matching environment variable for each
// (ROUNDTABLE_PORT for --port, ...); a flag wins over the environment.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/embedded_redis.hpp"

namespace rt::app {

struct Config {
  int port = 8080;
  std::string bind = "127.0.0.1";
  std::string redis_url;  // empty: start an embedded redis-server
  std::string data_dir = "./data";
  // The embedded Redis' fsync policy (--durability everysec, strict or none): everysec loses
  // up to about a second of acked commands if the machine or Redis crashes; strict
  // (appendfsync always) loses none and costs a disk flush per commit; none (benchmarks only)
  // writes nothing to disk, so that the load generator can show what durability costs.
  Persistence durability = Persistence::everysec;
  std::string web_root = "./web-client";
  int threads = 0;        // 0: one per core
  int away_after_s = 60;  // a participant gone this long is logged as having left
  std::vector<std::string> allowed_origins;
  int meetings_per_ip_hour = 500;       // 0: no limit
  int failed_joins_per_ip_minute = 20;  // 0: no limit
  // Commands per connection: a person types and clicks a few times per second; 20/s
  // sustained with bursts of 40 leaves room for a reconnect's resent backlog.
  int commands_per_second = 20;
  // core/commit_window.hpp: 20 us, about twice what one event write costs a 2-core machine.
  int commit_window_per_connection_us = 20;
  int unload_after_s = 300;  // an idle meeting leaves memory after this; 0: never
  std::vector<std::string> trusted_proxies;
  // Both set: serve HTTPS and WSS with this PEM certificate chain and private key.
  std::string tls_cert;
  std::string tls_key;
  std::string log_level = "info";
  std::string secret;  // empty: shared secret kept in Redis
  std::string redis_server = "redis-server";
};

struct ParseResult {
  std::optional<Config> config;  // nullopt: exit with `exit_code` after printing `output`
  int exit_code = 0;
  std::string output;
};

// `environ_get` reads one environment variable (nullptr when unset).
ParseResult parse_config(int argc, const char* const* argv,
                         const char* (*environ_get)(const char*));

std::string usage();

}  // namespace rt::app
