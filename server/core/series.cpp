#include "core/series.hpp"

#include <utility>

#include "core/partner_updates.hpp"
#include "core/reducer.hpp"

namespace rt::core {
namespace {

// Appends a server-made event (no actor, no cid) to `out` and folds it into `draft`.
void append_event(std::vector<Event>& out, Meeting& draft, int64_t now_ms, Draft d) {
  Event e;
  e.seq = draft.version + 1;
  e.at = now_ms;
  e.kind = std::move(d.kind);
  e.data = std::move(d.data);
  apply(draft, e);
  out.push_back(std::move(e));
}

}  // namespace

bool is_open(const ActionItem& item) {
  return item.status != ItemStatus::done && item.status != ItemStatus::dropped;
}

std::vector<Event> next_meeting_events(const Meeting& previous, const NextMeeting& next) {
  std::vector<Event> out;
  Meeting draft;
  out.push_back(meeting_created(next.id, next.title, next.goal, next.join_code, next.now_ms,
                                PreviousMeeting{previous.id, previous.title, previous.created_at}));
  apply(draft, out.back());
  for (const auto& slot : previous.updates.slots) {
    AddSlot add{slot.organisation, slot.speaker, slot.seconds};
    for (auto& d : decide_slot(draft.updates, add, next.now_ms, draft.version + 1)) {
      append_event(out, draft, next.now_ms, std::move(d));
    }
  }
  for (const auto& item : previous.items) {
    if (!is_open(item)) continue;
    auto data = item_added_data(draft, {item.title, item.owner, item.due, item.status, item.notes});
    data["carriedFrom"] = carried_from_json(CarriedFrom{previous.id, item.id});
    append_event(out, draft, next.now_ms, {"item_added", std::move(data)});
  }
  return out;
}

}  // namespace rt::core
