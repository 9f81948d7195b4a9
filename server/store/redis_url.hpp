// Where Redis is: `redis://host:port/db` (port 6379 and db 0 by default), or
// `redis-cluster://host:port`, any node of a Redis Cluster (which has only db 0).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rt::store {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  bool cluster = false;
};

// nullopt for anything that is not such a URL with a valid port (and db).
std::optional<RedisEndpoint> parse_redis_url(std::string_view url);

}  // namespace rt::store
