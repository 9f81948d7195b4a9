// A meeting as the protocol vectors set it up: created at seq 1, then the facilitator
// (p2), a member (p3) and an observer (p4) joined. Commands go through the real reducer.
#pragma once

#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/meeting.hpp"
#include "core/reducer.hpp"

namespace rt::test {

inline constexpr int64_t kNow = 1'790'000'000'000;

struct MeetingFixture {
  core::Meeting m;
  std::string fac, member, observer;
  std::vector<std::string> log;  // every applied event as the Redis log stores it

  MeetingFixture();
  // Joins a participant through the reducer; returns its id.
  std::string join(const std::string& name, core::Role role);
  // decide() at `now`; on Accepted, applies the events to m.
  core::Decision run(const std::string& actor, const std::string& cid, const core::Command& c,
                     int64_t now = kNow);
  // run() that must be accepted; returns the seq of its last event.
  uint64_t ok(const std::string& actor, const std::string& cid, const core::Command& c,
              int64_t now = kNow);
};

// The rejection code, or "" when the decision was not a rejection.
std::string rejection_code(const core::Decision& d);

}  // namespace rt::test
