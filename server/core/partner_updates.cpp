#include "core/partner_updates.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/find_by_id.hpp"
#include "core/limits.hpp"
#include "core/move_within.hpp"
#include "core/rejection.hpp"

namespace rt::core {
namespace {

int64_t ms(uint64_t seconds) {
  return static_cast<int64_t>(seconds) * 1000;
}

std::string describe(const PartnerSlot& s) {
  return s.id + " (" + s.organisation + ")";
}

[[noreturn]] void wrong_state(const PartnerSlot& s, const std::string& wanted) {
  refuse("bad_state",
         "slot " + describe(s) + " is " + std::string(name_of(s.state)) + "; " + wanted);
}

nlohmann::json started(const PartnerSlot& s, int64_t now_ms) {
  return {{"slotId", s.id}, {"deadline", now_ms + ms(s.seconds)}};
}

// The end of slot `s` at `now_ms`: its time used and overrun, for the minutes. A slot that
// never ran (a pending one skipped) used nothing.
Draft ended(const PartnerSlot& s, SlotState state, const char* reason, int64_t now_ms) {
  int64_t remaining = s.active() ? s.remaining_at(now_ms) : s.budget_ms();
  return {"slot_ended",
          {{"slotId", s.id},
           {"state", name_of(state)},
           {"reason", reason},
           {"usedMs", s.budget_ms() - remaining},
           {"overrunMs", std::max<int64_t>(0, -remaining)}}};
}

// Ends the active slot `s` and starts the next pending one, if any.
Drafts end_and_advance(const PartnerUpdates& u, const PartnerSlot& s, SlotState state,
                       const char* reason, int64_t end_at, int64_t now_ms) {
  Drafts out{ended(s, state, reason, end_at)};
  if (const PartnerSlot* next = u.next_pending()) {
    out.push_back({"slot_started", started(*next, now_ms)});
  }
  return out;
}

void check_seconds(uint64_t seconds, const char* what) {
  if (seconds < limits::kSlotMinSeconds || seconds > limits::kSlotMaxSeconds) {
    refuse("invalid_value", std::string(what) + " must be " +
                                std::to_string(limits::kSlotMinSeconds) + " to " +
                                std::to_string(limits::kSlotMaxSeconds) + " seconds");
  }
}

class SlotDecider {
 public:
  SlotDecider(const PartnerUpdates& u, int64_t now_ms, uint64_t next_seq)
      : u_(u), now_ms_(now_ms), next_seq_(next_seq) {}

  Drafts operator()(const AddSlot& c) const {
    if (u_.slots.size() >= limits::kSlots) {
      refuse_over_limit(limits::kSlots, "partner-update slots");
    }
    check_seconds(c.seconds, "a slot");
    return one("slot_added", {{"slotId", "u" + std::to_string(next_seq_)},
                              {"organisation", c.organisation},
                              {"speaker", c.speaker},
                              {"seconds", c.seconds},
                              {"index", u_.slots.size()}});
  }
  Drafts operator()(const UpdateSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    nlohmann::json data = {{"slotId", s.id}};
    if (c.organisation) data["organisation"] = *c.organisation;
    if (c.speaker) data["speaker"] = *c.speaker;
    if (c.seconds) {
      if (!waiting(s)) wrong_state(s, "its time can change only before it runs (extend it)");
      check_seconds(*c.seconds, "a slot");
      data["seconds"] = *c.seconds;
    }
    return one("slot_updated", std::move(data));
  }
  Drafts operator()(const MoveSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    uint64_t last = u_.slots.size() - 1;
    return one("slot_moved", {{"slotId", s.id}, {"index", std::min(c.index, last)}});
  }
  Drafts operator()(const RemoveSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    // A slot skipped before it ran has nothing to record; one that ran stays for the minutes.
    bool ran = !waiting(s) || s.used_ms > 0;
    if (ran) wrong_state(s, "a slot that ran stays for the minutes");
    return one("slot_removed", {{"slotId", s.id}});
  }
  Drafts operator()(const StartSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    if (!waiting(s)) wrong_state(s, "only a pending or skipped slot can start");
    if (const PartnerSlot* a = u_.active()) {
      wrong_state(*a, "one slot runs at a time: next or skip it first");
    }
    return one("slot_started", started(s, now_ms_));
  }
  Drafts operator()(const PauseSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    if (s.state != SlotState::running) wrong_state(s, "only a running slot can pause");
    return one("slot_paused", {{"slotId", s.id}, {"remainingMs", s.remaining_at(now_ms_)}});
  }
  Drafts operator()(const ResumeSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    if (s.state != SlotState::paused) wrong_state(s, "only a paused slot can resume");
    return one("slot_resumed", {{"slotId", s.id}, {"deadline", now_ms_ + s.remaining_ms}});
  }
  Drafts operator()(const ExtendSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    if (!s.active()) wrong_state(s, "only a running or paused slot can be extended");
    check_seconds(c.seconds, "an extension");
    nlohmann::json data = {{"slotId", s.id}, {"seconds", c.seconds}};
    if (s.state == SlotState::running) {
      data["deadline"] = s.deadline + ms(c.seconds);
    } else {
      data["remainingMs"] = s.remaining_ms + ms(c.seconds);
    }
    return one("slot_extended", std::move(data));
  }
  Drafts operator()(const NextSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    if (!s.active()) wrong_state(s, "only the running or paused slot can be ended");
    return end_and_advance(u_, s, SlotState::done, "next", now_ms_, now_ms_);
  }
  Drafts operator()(const SkipSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    if (s.active()) return end_and_advance(u_, s, SlotState::skipped, "skip", now_ms_, now_ms_);
    if (s.state != SlotState::pending)
      wrong_state(s, "only a pending or active slot can be skipped");
    return {ended(s, SlotState::skipped, "skip", now_ms_)};
  }
  Drafts operator()(const SetAutoAdvance& c) const {
    return one("auto_advance_set", {{"on", c.on}});
  }
  Drafts operator()(const ExpireSlot& c) const {
    const PartnerSlot& s = require(c.slot_id);
    if (s.state != SlotState::running || s.expired || now_ms_ < s.deadline) {
      refuse("not_due", "slot " + s.id + " has no time-out due");
    }
    Drafts out = one("slot_expired", {{"slotId", s.id}, {"deadline", s.deadline}});
    if (u_.auto_advance) {
      // Auto-advance cuts the slot at its deadline, however late the clock records it.
      for (auto& d : end_and_advance(u_, s, SlotState::done, "time", s.deadline, now_ms_)) {
        out.push_back(std::move(d));
      }
    }
    return out;
  }

 private:
  static Drafts one(const char* kind, nlohmann::json data) {
    return {Draft{kind, std::move(data)}};
  }
  static bool waiting(const PartnerSlot& s) {
    return s.state == SlotState::pending || s.state == SlotState::skipped;
  }
  const PartnerSlot& require(const std::string& id) const {
    const PartnerSlot* s = u_.find(id);
    if (!s) refuse("not_found", "there is no partner-update slot " + id);
    return *s;
  }

  const PartnerUpdates& u_;
  int64_t now_ms_;
  uint64_t next_seq_;
};

PartnerSlot& slot_at(PartnerUpdates& u, const nlohmann::json& data) {
  PartnerSlot* s = find_by_id(u.slots, data.at("slotId").get<std::string>());
  if (!s) throw std::logic_error("event names an unknown slot");
  return *s;
}

SlotState state_field(const nlohmann::json& j) {
  auto state = parse_slot_state(j.at("state").get<std::string>());
  if (!state) throw std::invalid_argument("unknown slot state");
  return *state;
}

}  // namespace

int64_t PartnerSlot::budget_ms() const {
  return ms(seconds + extended_seconds);
}

int64_t PartnerSlot::remaining_at(int64_t now_ms) const {
  return state == SlotState::running ? deadline - now_ms : remaining_ms;
}

const PartnerSlot* PartnerUpdates::find(std::string_view slot_id) const {
  return find_by_id(slots, slot_id);
}

const PartnerSlot* PartnerUpdates::active() const {
  for (const auto& s : slots) {
    if (s.active()) return &s;
  }
  return nullptr;
}

const PartnerSlot* PartnerUpdates::next_pending() const {
  for (const auto& s : slots) {
    if (s.state == SlotState::pending) return &s;
  }
  return nullptr;
}

Drafts decide_slot(const PartnerUpdates& u, const SlotCommand& c, int64_t now_ms,
                   uint64_t next_seq) {
  return std::visit(SlotDecider(u, now_ms, next_seq), c);
}

Drafts end_active_slot(const PartnerUpdates& u, int64_t now_ms) {
  if (const PartnerSlot* s = u.active()) {
    return {ended(*s, SlotState::done, "meeting_ended", now_ms)};
  }
  return {};
}

bool apply_slot_event(PartnerUpdates& u, const std::string& kind, const nlohmann::json& d,
                      int64_t at) {
  if (kind == "slot_added") {
    PartnerSlot s;
    s.id = d.at("slotId").get<std::string>();
    s.organisation = d.at("organisation").get<std::string>();
    s.speaker = d.at("speaker").get<std::string>();
    s.seconds = d.at("seconds").get<uint64_t>();
    size_t index = std::min<size_t>(d.at("index").get<size_t>(), u.slots.size());
    u.slots.insert(u.slots.begin() + static_cast<std::ptrdiff_t>(index), std::move(s));
  } else if (kind == "slot_updated") {
    PartnerSlot& s = slot_at(u, d);
    if (d.contains("organisation")) s.organisation = d["organisation"].get<std::string>();
    if (d.contains("speaker")) s.speaker = d["speaker"].get<std::string>();
    if (d.contains("seconds")) s.seconds = d["seconds"].get<uint64_t>();
  } else if (kind == "slot_moved") {
    auto from = static_cast<size_t>(&slot_at(u, d) - u.slots.data());
    move_within(u.slots, from, d.at("index").get<size_t>());
  } else if (kind == "slot_removed") {
    const PartnerSlot& s = slot_at(u, d);
    u.slots.erase(u.slots.begin() + (&s - u.slots.data()));
  } else if (kind == "slot_started") {
    PartnerSlot& s = slot_at(u, d);
    // A skipped slot started later gets a fresh time-box.
    PartnerSlot fresh;
    fresh.id = s.id;
    fresh.organisation = s.organisation;
    fresh.speaker = s.speaker;
    fresh.seconds = s.seconds;
    s = std::move(fresh);
    s.state = SlotState::running;
    s.deadline = d.at("deadline").get<int64_t>();
  } else if (kind == "slot_paused") {
    PartnerSlot& s = slot_at(u, d);
    s.state = SlotState::paused;
    s.remaining_ms = d.at("remainingMs").get<int64_t>();
  } else if (kind == "slot_resumed") {
    PartnerSlot& s = slot_at(u, d);
    s.state = SlotState::running;
    s.deadline = d.at("deadline").get<int64_t>();
  } else if (kind == "slot_extended") {
    PartnerSlot& s = slot_at(u, d);
    s.extended_seconds += d.at("seconds").get<uint64_t>();
    if (d.contains("deadline")) {
      s.deadline = d["deadline"].get<int64_t>();
    } else {
      s.remaining_ms = d.at("remainingMs").get<int64_t>();
    }
    // Time given back after the time-out: the next time-out is recorded again.
    if (s.remaining_at(at) > 0) s.expired = false;
  } else if (kind == "slot_expired") {
    slot_at(u, d).expired = true;
  } else if (kind == "slot_ended") {
    PartnerSlot& s = slot_at(u, d);
    s.state = state_field(d);
    s.used_ms = d.at("usedMs").get<int64_t>();
    s.overrun_ms = d.at("overrunMs").get<int64_t>();
    s.end_reason = d.at("reason").get<std::string>();
    s.deadline = 0;
    s.remaining_ms = 0;
  } else if (kind == "auto_advance_set") {
    u.auto_advance = d.at("on").get<bool>();
  } else {
    return false;
  }
  return true;
}

nlohmann::json updates_json(const PartnerUpdates& u) {
  nlohmann::json slots = nlohmann::json::array();
  for (const auto& s : u.slots) {
    nlohmann::json j = {{"id", s.id},
                        {"organisation", s.organisation},
                        {"speaker", s.speaker},
                        {"seconds", s.seconds},
                        {"extendedSeconds", s.extended_seconds},
                        {"state", name_of(s.state)}};
    if (s.state == SlotState::running) j["deadline"] = s.deadline;
    if (s.state == SlotState::paused) j["remainingMs"] = s.remaining_ms;
    if (s.active()) j["expired"] = s.expired;
    if (s.state == SlotState::done || s.state == SlotState::skipped) {
      j["usedMs"] = s.used_ms;
      j["overrunMs"] = s.overrun_ms;
      j["endReason"] = s.end_reason;
    }
    slots.push_back(std::move(j));
  }
  return {{"autoAdvance", u.auto_advance}, {"slots", std::move(slots)}};
}

PartnerUpdates updates_from_json(const nlohmann::json& j) {
  PartnerUpdates u;
  u.auto_advance = j.at("autoAdvance").get<bool>();
  for (const auto& sj : j.at("slots")) {
    PartnerSlot s;
    s.id = sj.at("id").get<std::string>();
    s.organisation = sj.at("organisation").get<std::string>();
    s.speaker = sj.at("speaker").get<std::string>();
    s.seconds = sj.at("seconds").get<uint64_t>();
    s.extended_seconds = sj.at("extendedSeconds").get<uint64_t>();
    s.state = state_field(sj);
    s.deadline = sj.value("deadline", int64_t{0});
    s.remaining_ms = sj.value("remainingMs", int64_t{0});
    s.expired = sj.value("expired", false);
    s.used_ms = sj.value("usedMs", int64_t{0});
    s.overrun_ms = sj.value("overrunMs", int64_t{0});
    s.end_reason = sj.value("endReason", "");
    u.slots.push_back(std::move(s));
  }
  return u;
}

}  // namespace rt::core
