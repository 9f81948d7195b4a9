#include "core/clock_duties.hpp"

#include <algorithm>

namespace rt::core {
namespace {

struct Awaited {
  int64_t deadline;
  ClockDuty duty;
};

// Every deadline the meeting is waiting for, with the duty it brings: a handful at most
// (10 open votes, one running slot).
std::vector<Awaited> awaited(const Meeting& m) {
  std::vector<Awaited> out;
  for (const auto& v : m.votes) {
    if (v.closed || !v.deadline) continue;
    out.push_back({*v.deadline, {"close:" + v.id, CloseVote{v.id, true}}});
  }
  if (const PartnerSlot* s = m.updates.active();
      s && s->state == SlotState::running && !s->expired) {
    out.push_back(
        {s->deadline,
         {"expire:" + s->id + "@" + std::to_string(s->deadline), SlotCommand{ExpireSlot{s->id}}}});
  }
  return out;
}

}  // namespace

std::vector<ClockDuty> due_duties(const Meeting& m, int64_t now_ms) {
  std::vector<ClockDuty> due;
  for (auto& a : awaited(m)) {
    if (a.deadline <= now_ms) due.push_back(std::move(a.duty));
  }
  return due;
}

std::optional<int64_t> next_duty_at(const Meeting& m) {
  std::optional<int64_t> next;
  for (const auto& a : awaited(m)) next = std::min(next.value_or(a.deadline), a.deadline);
  return next;
}

}  // namespace rt::core
