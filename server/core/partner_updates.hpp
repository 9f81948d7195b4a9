// Partner updates: time-boxed slots on a clock the server keeps (PROTOCOL.md, "Partner
// updates"). Pure: time is an argument. A running slot holds its deadline as an absolute
// server time, never a counter, so a restart or another instance reads the same remaining
// time from the log.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/draft.hpp"
#include "core/enums.hpp"

namespace rt::core {

struct PartnerSlot {
  std::string id;  // u<seq>
  std::string organisation;
  std::string speaker;
  uint64_t seconds = 0;           // allotted
  uint64_t extended_seconds = 0;  // added by extend_slot since it started
  SlotState state = SlotState::pending;
  int64_t deadline = 0;      // running: server epoch ms when the time is up
  int64_t remaining_ms = 0;  // paused: time left, negative once over
  bool expired = false;      // slot_expired recorded for the time-out now in force
  int64_t used_ms = 0;       // done or skipped
  int64_t overrun_ms = 0;    // done or skipped
  std::string end_reason;    // done or skipped: next, skip, time, meeting_ended

  bool active() const { return state == SlotState::running || state == SlotState::paused; }
  int64_t budget_ms() const;
  // Running or paused: the time left at `now_ms`, negative once over.
  int64_t remaining_at(int64_t now_ms) const;
};

struct PartnerUpdates {
  std::vector<PartnerSlot> slots;  // in agenda order
  bool auto_advance = false;

  const PartnerSlot* find(std::string_view slot_id) const;
  const PartnerSlot* active() const;
  const PartnerSlot* next_pending() const;
};

// The facilitator's commands (codec.cpp decodes them) and the clock's own (ExpireSlot).
struct AddSlot {
  std::string organisation;
  std::string speaker;
  uint64_t seconds = 0;
};
struct UpdateSlot {
  std::string slot_id;
  std::optional<std::string> organisation;
  std::optional<std::string> speaker;
  std::optional<uint64_t> seconds;
};
struct MoveSlot {
  std::string slot_id;
  uint64_t index = 0;
};
struct RemoveSlot {
  std::string slot_id;
};
struct StartSlot {
  std::string slot_id;
};
struct PauseSlot {
  std::string slot_id;
};
struct ResumeSlot {
  std::string slot_id;
};
struct ExtendSlot {
  std::string slot_id;
  uint64_t seconds = 0;
};
struct NextSlot {
  std::string slot_id;
};
struct SkipSlot {
  std::string slot_id;
};
struct SetAutoAdvance {
  bool on = false;
};
// Made by the server's clock when a running slot reaches its deadline, never by the codec.
struct ExpireSlot {
  std::string slot_id;
};
using SlotCommand =
    std::variant<AddSlot, UpdateSlot, MoveSlot, RemoveSlot, StartSlot, PauseSlot, ResumeSlot,
                 ExtendSlot, NextSlot, SkipSlot, SetAutoAdvance, ExpireSlot>;

// Refuses with bad_state, not_found, invalid_value, limit_reached or (ExpireSlot) not_due.
// `next_seq` names a new slot.
Drafts decide_slot(const PartnerUpdates& u, const SlotCommand& c, int64_t now_ms,
                   uint64_t next_seq);
// When the meeting ends: the active slot ends with it.
Drafts end_active_slot(const PartnerUpdates& u, int64_t now_ms);

// Folds a slot event (kind starts with "slot_" or is auto_advance_set); false when `kind`
// is none of them. Throws std::logic_error on an event that does not fit.
bool apply_slot_event(PartnerUpdates& u, const std::string& kind, const nlohmann::json& data,
                      int64_t at);

// The same document for snapshots and the stored state: nothing here is secret.
nlohmann::json updates_json(const PartnerUpdates& u);
PartnerUpdates updates_from_json(const nlohmann::json& j);

}  // namespace rt::core
