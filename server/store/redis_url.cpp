#include "store/redis_url.hpp"

#include <charconv>

namespace rt::store {
namespace {

std::optional<int> parse_int(std::string_view s, int min, int max) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) return std::nullopt;
  return v;
}

}  // namespace

std::optional<RedisEndpoint> parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://", kClusterScheme = "redis-cluster://";
  RedisEndpoint ep;
  std::string_view rest;
  if (url.substr(0, kScheme.size()) == kScheme) {
    rest = url.substr(kScheme.size());
  } else if (url.substr(0, kClusterScheme.size()) == kClusterScheme) {
    rest = url.substr(kClusterScheme.size());
    ep.cluster = true;
  } else {
    return std::nullopt;
  }
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      auto v = parse_int(db, 0, 15);
      if (!v) return std::nullopt;
      ep.db = *v;
    }
    rest = rest.substr(0, slash);
  }
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    auto port = parse_int(rest.substr(colon + 1), 1, 65535);
    if (!port) return std::nullopt;
    ep.port = *port;
    rest = rest.substr(0, colon);
  }
  if (rest.empty() || (ep.cluster && ep.db != 0)) return std::nullopt;
  ep.host = std::string(rest);
  return ep;
}

}  // namespace rt::store
