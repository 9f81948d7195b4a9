// Minutes: one projection of a meeting's event log into what the collaboration decided, who
// owns what by when and how the time was spent, with the goal on top. Every export format
// (render.hpp) renders this one model, so a new kind of event adds one section here and one
// in each renderer, never a second reading of the log.
//
// The minutes of an ended meeting are final: the projection reads the log only up to the end
// (the phase_set that ended it and the events of that same command), so people who open the
// meeting later cannot change them, and the same request gives the same bytes every time.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/enums.hpp"
#include "core/meeting.hpp"
#include "core/stages.hpp"

namespace rt::minutes {

struct Attendee {
  std::string id;
  std::string name;
  std::string organisation;
  core::Role role = core::Role::member;
  core::Attendance attendance = core::Attendance::remote;
  int64_t joined_at = 0;
  std::optional<int64_t> left_at;  // last left and not back before the end (or now)
};

struct Item {
  std::string id;
  std::string title;
  std::string owner;
  std::string due;  // YYYY-MM-DD or empty
  std::string notes;
  core::ItemStatus status = core::ItemStatus::proposed;
  std::optional<core::CarriedFrom> carried_from;
};

struct Decision {
  std::string vote_id;
  core::VoteMethod method = core::VoteMethod::consent;
  core::VoteVisibility visibility = core::VoteVisibility::open;
  std::string question;
  std::vector<std::pair<std::string, std::string>> items;  // (id, title when it closed)
  int64_t opened_at = 0;
  int64_t closed_at = 0;
  std::string close_reason;  // facilitator, deadline, all_voted, meeting_ended
  uint64_t eligible = 0;
  uint64_t voted = 0;
  std::optional<uint64_t> quorum;
  bool quorum_met = true;
  nlohmann::json tallies;                   // as in vote_closed (PROTOCOL.md)
  std::optional<core::ItemStatus> outcome;  // accepted as this item status (vote_resolved)
};

struct Slot {
  std::string id;
  std::string organisation;
  std::string speaker;
  int64_t allotted_ms = 0;  // including extensions
  int64_t used_ms = 0;
  int64_t overrun_ms = 0;
  core::SlotState state = core::SlotState::pending;
  std::string end_reason;  // done or skipped: next, skip, time, meeting_ended
};

// Live time only, split by the section the meeting was on (section_entered).
struct TimeReport {
  int64_t live_ms = 0;
  int64_t action_items_ms = 0;
  int64_t partner_updates_ms = 0;
  int64_t other_ms = 0;  // goal, wrap-up
  // The share of live time that partner updates took, 0..1 (0 when nothing was live).
  double partner_update_share() const;
};

// The answers of one meeting's stage check-in (the last one closed), counts by kStages.
struct StageCheckIn {
  std::string meeting_id;
  std::string title;
  int64_t date = 0;  // the meeting's creation
  std::array<uint64_t, core::kStages.size()> counts{};
};

struct Minutes {
  std::string meeting_id;
  std::string title;
  std::string goal;
  int64_t created_at = 0;
  std::optional<int64_t> started_at;  // first live
  std::optional<int64_t> ended_at;
  bool final = false;  // ended: these minutes will not change
  int64_t as_of = 0;   // the end, or the time of the request while the meeting runs
  std::optional<core::PreviousMeeting> previous;
  std::vector<Attendee> attendees;
  std::vector<Item> items;  // in agenda order
  std::vector<Decision> decisions;
  std::vector<Slot> slots;  // in agenda order
  TimeReport time;
  std::optional<StageCheckIn> stage;  // this meeting's check-in
  // The series' check-ins, oldest first, this meeting's last when it had one (filled in by
  // whoever can read the earlier meetings: the projection sees one log).
  std::vector<StageCheckIn> stage_history;
};

// Projects a meeting's log (stored form, seq order, from seq 1) at `now_ms`, reading no
// event after `until` when given (an earlier meeting of a series, as it was when a later one
// ended, so that the later one's final minutes stay final). Throws like core::apply on a
// malformed or out-of-order log.
Minutes project(const std::vector<std::string>& stored_log, int64_t now_ms,
                std::optional<int64_t> until = std::nullopt);

}  // namespace rt::minutes
