#include "net/client_limits.hpp"

#include <algorithm>

namespace rt::net {

namespace {

std::optional<core::KeyedLimiter> per_second(double count, double seconds) {
  if (count <= 0) return std::nullopt;
  return core::KeyedLimiter(count / seconds, count);
}

std::string key_of(const boost::asio::ip::address& a) {
  if (a.is_v6() && !a.to_v6().is_v4_mapped()) {
    auto bytes = a.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
  }
  if (a.is_v6())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).to_string();
  return a.to_string();
}

}  // namespace

ClientLimits::ClientLimits(int meetings_per_hour, int failed_joins_per_minute)
    : meetings_(per_second(meetings_per_hour, 3600)),
      wrong_codes_(per_second(failed_joins_per_minute, 60)) {}

std::optional<int64_t> ClientLimits::refuse_meeting(const std::string& client, int64_t now_ms) {
  if (!meetings_) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (meetings_->take(client, now_ms)) return std::nullopt;
  return meetings_->wait_ms(client, now_ms);
}

bool ClientLimits::may_try_code(const std::string& client, int64_t now_ms) {
  if (!wrong_codes_) return true;
  std::lock_guard lock(mutex_);
  return wrong_codes_->available(client, now_ms);
}

void ClientLimits::wrong_code(const std::string& client, int64_t now_ms) {
  if (!wrong_codes_) return;
  std::lock_guard lock(mutex_);
  wrong_codes_->take(client, now_ms);
}

std::string client_key(const boost::asio::ip::address& peer, std::string_view real_ip_header,
                       const std::vector<std::string>& trusted_proxies) {
  std::string peer_text = peer.to_string();
  bool trusted =
      std::find(trusted_proxies.begin(), trusted_proxies.end(), peer_text) != trusted_proxies.end();
  if (trusted && !real_ip_header.empty()) {
    boost::system::error_code ec;
    auto real = boost::asio::ip::make_address(std::string(real_ip_header), ec);
    if (!ec) return key_of(real);
  }
  return key_of(peer);
}

}  // namespace rt::net
