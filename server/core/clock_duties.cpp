#include "core/clock_duties.hpp"

#include <functional>

namespace rt::core {
namespace {

// Calls `visit(deadline, duty)` for every deadline the meeting is waiting for.
void for_each_deadline(
    const Meeting& m,
    const std::function<void(int64_t, const std::function<ClockDuty()>&)>& visit) {
  for (const auto& v : m.votes) {
    if (v.closed || !v.deadline) continue;
    visit(*v.deadline, [&] { return ClockDuty{"close:" + v.id, CloseVote{v.id, true}}; });
  }
  if (const PartnerSlot* s = m.updates.active();
      s && s->state == SlotState::running && !s->expired) {
    visit(s->deadline, [&] {
      return ClockDuty{"expire:" + s->id + "@" + std::to_string(s->deadline),
                       SlotCommand{ExpireSlot{s->id}}};
    });
  }
}

}  // namespace

std::vector<ClockDuty> due_duties(const Meeting& m, int64_t now_ms) {
  std::vector<ClockDuty> due;
  for_each_deadline(m, [&](int64_t deadline, const std::function<ClockDuty()>& duty) {
    if (deadline <= now_ms) due.push_back(duty());
  });
  return due;
}

std::optional<int64_t> next_duty_at(const Meeting& m) {
  std::optional<int64_t> next;
  for_each_deadline(m, [&](int64_t deadline, const std::function<ClockDuty()>&) {
    if (!next || deadline < *next) next = deadline;
  });
  return next;
}

}  // namespace rt::core
