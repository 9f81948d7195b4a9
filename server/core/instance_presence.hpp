// Who is connected to the other instances serving a meeting, as each of them last said.
//
// Every instance says its whole list of connected participants on the meeting's presence
// channel whenever it changes, and again every kPresenceHeartbeatMs while it is not empty;
// an instance not heard from for kPresenceExpiryMs (killed, cut off from Redis) is gone, and
// its participants with it. Whole lists rather than joined/left deltas: a lost message is
// mended by the next one, and nothing depends on the order they arrive in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rt::core {

inline constexpr int64_t kPresenceHeartbeatMs = 5000;
inline constexpr int64_t kPresenceExpiryMs = 3 * kPresenceHeartbeatMs;
// Changes within this long go out as one list: a wave of 500 joins would otherwise publish 500
// growing lists (125,000 ids, ~2 MB) that every instance parses.
inline constexpr int64_t kPresenceCoalesceMs = 50;

class InstancePresence {
 public:
  // What `instance` said at `now`. Returns the participants whose being online elsewhere
  // changed (sorted).
  std::vector<std::string> heard(const std::string& instance,
                                 const std::vector<std::string>& online, int64_t now);
  // Forgets the instances silent for kPresenceExpiryMs; returns whose being online elsewhere
  // changed (sorted), each with when their instance was last heard: about when they went.
  std::vector<std::pair<std::string, int64_t>> expire(int64_t now);
  // Connected to another instance.
  bool online(const std::string& participant_id) const { return listed_by_.count(participant_id); }
  // No other instance has said anyone is connected to it.
  bool empty() const { return instances_.empty(); }

 private:
  struct Said {
    std::set<std::string> online;
    int64_t at = 0;
  };
  // Applies one instance's new list (empty: forgotten), collecting who changed.
  void replace(const std::string& instance, std::set<std::string> online, int64_t now,
               std::set<std::string>& changed);

  std::map<std::string, Said> instances_;
  std::map<std::string, int> listed_by_;  // participant -> instances listing them
};

}  // namespace rt::core
