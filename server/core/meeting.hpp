// The materialized state of one meeting: a fold of its events (see event.hpp).
// Who is online is not here: presence is a fact about connections, not about the meeting,
// so it is passed in when a snapshot is rendered for clients.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/enums.hpp"
#include "core/partner_updates.hpp"
#include "core/speaking_queue.hpp"
#include "core/text_ot.hpp"
#include "core/vote.hpp"

namespace rt::core {

struct Participant {
  std::string id;
  std::string name;
  Role role = Role::member;
  Attendance attendance = Attendance::remote;
  std::string organisation;
  bool away = false;     // participant_left is the last word on them (for the minutes)
  bool removed = false;  // by the facilitator: may no longer act, resume or be counted
  // (cid, seq of the last event it produced), newest last: the at-most-once memory. A vector,
  // not a deque: a deque allocates ~600 bytes up front, for each of 500 participants in each
  // copy of the state, where most people send a handful of commands.
  std::vector<std::pair<std::string, uint64_t>> recent_cids;
};

// Where an action item carried over from an earlier meeting of the series came from.
struct CarriedFrom {
  std::string meeting_id;
  std::string item_id;
};

struct ActionItem {
  std::string id;
  std::string title;
  std::string owner;
  std::string notes;  // collaborative text, like the title
  std::string due;    // YYYY-MM-DD or empty
  ItemStatus status = ItemStatus::proposed;
  std::string created_by;
  std::optional<CarriedFrom> carried_from;
};

// The meeting this one follows in a series (series.hpp).
struct PreviousMeeting {
  std::string id;
  std::string title;
  int64_t created_at = 0;
};

// The agenda sections, in shared-agenda order: the goal on top, the action items as the
// body, partner updates after them, wrap-up last. The facilitator may reorder all but the
// goal (partner updates first is allowed, with a warning: updates then eat the meeting).
struct Section {
  std::string_view id;
  std::string_view title;
};
inline constexpr Section kAgendaSections[] = {{"goal", "Goal"},
                                              {"action_items", "Action items"},
                                              {"partner_updates", "Partner updates"},
                                              {"wrap_up", "Wrap-up"}};
std::vector<std::string> default_section_order();
// The section with this id, or nullptr.
const Section* find_section(std::string_view id);

// The recent ops of one text field, so that an edit made on an older version can be
// transformed over what was committed since. Ops up to `floor` are forgotten: an edit based
// before it is `stale`.
struct TextHistory {
  uint64_t floor = 0;
  std::deque<std::pair<uint64_t, TextOp>> ops;  // (seq, op), oldest first
};

struct Meeting {
  std::string id;
  std::string title;
  std::string goal;
  std::string join_code;
  Phase phase = Phase::lobby;
  int64_t created_at = 0;
  std::optional<PreviousMeeting> previous;
  uint64_t version = 0;  // seq of the last applied event
  std::vector<Participant> participants;
  std::vector<ActionItem> items;                                // in agenda order
  std::map<std::string, TextHistory> text_history;              // by text_key()
  std::vector<Vote> votes;                                      // oldest first
  std::vector<std::string> sections = default_section_order();  // section ids, goal first
  // The section the meeting is on, empty before it first goes live: the minutes' time report
  // is the time spent in each. Going live starts on the first section after the goal, a
  // partner update that starts moves to partner updates, and section_entered anywhere.
  std::string current_section;
  PartnerUpdates updates;
  SpeakingQueue queue;

  const Vote* find_vote(std::string_view vote_id) const;
  Vote* find_vote(std::string_view vote_id);

  const Participant* find_participant(std::string_view pid) const;
  Participant* find_participant(std::string_view pid);
  // Index into items, or items.size() when absent.
  size_t item_index(std::string_view item_id) const;
};

// "goal", or "<itemId>.title" / "<itemId>.notes".
std::string text_key(TextField field, const std::string& item_id);

using IsOnline = std::function<bool(const std::string& participant_id)>;

// What `viewer` (a participant id) sees (protocol "Snapshot"): no remembered cids, presence
// filled in, votes as public_vote_json shows them to that viewer.
nlohmann::json public_snapshot(const Meeting& m, const IsOnline& is_online,
                               const std::string& viewer);

// The whole state, for the Redis snapshot, and back. from_state_json throws
// nlohmann::json::exception on a malformed document.
nlohmann::json state_to_json(const Meeting& m);
Meeting state_from_json(const nlohmann::json& j);

// The series links as events and states carry them ({"meetingId","title","createdAt"} and an
// item's optional "carriedFrom": {"meetingId","itemId"}).
nlohmann::json previous_json(const PreviousMeeting& p);
PreviousMeeting previous_from_json(const nlohmann::json& j);
nlohmann::json carried_from_json(const CarriedFrom& c);
// The "carriedFrom" of an item's JSON (an event's data or a stored item), if it has one.
std::optional<CarriedFrom> carried_from_of(const nlohmann::json& item);

}  // namespace rt::core
