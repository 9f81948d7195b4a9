// What the server's own clock owes a meeting: the commands it submits when a deadline passes
// (a vote's time limit, a running partner update's time-out). The room schedules them; the
// reducer decides them like any command, so a duty recorded by another instance or before a
// restart is refused (not_due, vote_closed) instead of recorded twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/meeting.hpp"

namespace rt::core {

struct ClockDuty {
  std::string key;  // names the duty, so that one already queued is not queued again
  Command command;
};

// The duties whose deadline is at or before `now_ms`.
std::vector<ClockDuty> due_duties(const Meeting& m, int64_t now_ms);
// The earliest deadline still to be met, if any.
std::optional<int64_t> next_duty_at(const Meeting& m);

}  // namespace rt::core
