// Meeting series: the next meeting of a partnership starts where the last one left off. It
// inherits the partner-update slots and every open action item (not done, not dropped), each
// linked back to the item it continues, so the plan follows the collaboration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/meeting.hpp"

namespace rt::core {

struct NextMeeting {
  std::string id;
  std::string title;
  std::string goal;
  std::string join_code;
  int64_t now_ms = 0;
};

// Whether an item is still to be worked on, and so carried into the next meeting.
bool is_open(const ActionItem& item);

// The first events of `next`, a meeting that follows `previous`: meeting_created (naming
// `previous`), then one slot_added per slot and one item_added per open item, in order.
std::vector<Event> next_meeting_events(const Meeting& previous, const NextMeeting& next);

}  // namespace rt::core
