// Where Redis is: `redis://host:port/db` (port 6379 and db 0 by default).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rt::store {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
};

// nullopt for anything that is not a redis:// URL with a valid port and db.
std::optional<RedisEndpoint> parse_redis_url(std::string_view url);

}  // namespace rt::store
