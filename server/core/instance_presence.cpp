#include "core/instance_presence.hpp"

namespace rt::core {

void InstancePresence::replace(const std::string& instance, std::set<std::string> online,
                               int64_t now, std::set<std::string>& changed) {
  auto& said = instances_[instance];
  for (const auto& pid : said.online) {
    if (online.count(pid)) continue;
    if (--listed_by_[pid] == 0) {
      listed_by_.erase(pid);
      changed.insert(pid);
    }
  }
  for (const auto& pid : online) {
    if (said.online.count(pid)) continue;
    if (++listed_by_[pid] == 1) changed.insert(pid);
  }
  if (online.empty()) {
    instances_.erase(instance);
  } else {
    said.online = std::move(online);
    said.at = now;
  }
}

std::vector<std::string> InstancePresence::heard(const std::string& instance,
                                                 const std::vector<std::string>& online,
                                                 int64_t now) {
  std::set<std::string> changed;
  replace(instance, {online.begin(), online.end()}, now, changed);
  return {changed.begin(), changed.end()};
}

std::vector<std::pair<std::string, int64_t>> InstancePresence::expire(int64_t now) {
  std::vector<std::pair<std::string, int64_t>> silent;  // instance, last heard
  for (const auto& [instance, said] : instances_) {
    if (now - said.at >= kPresenceExpiryMs) silent.emplace_back(instance, said.at);
  }
  std::map<std::string, int64_t> gone;
  for (const auto& [instance, at] : silent) {
    std::set<std::string> changed;
    replace(instance, {}, now, changed);
    for (const auto& pid : changed) gone.emplace(pid, at);
  }
  return {gone.begin(), gone.end()};
}

}  // namespace rt::core
