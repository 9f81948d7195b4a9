// Events: the only way meeting state changes. Every accepted command becomes one or more
// events; the state is their fold (apply), and the Redis log stores them in the form clients
// receive (`{"type":"event",...}`), so an event is serialized once.
//
// The one exception is what must stay on the server: a ballot's voter and value in an
// anonymous or hidden vote. That part is `sealed`: stored in the log (so a restart still
// counts each voter once) as a "sealed" member that wire_form() strips before any client
// sees the event.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/meeting.hpp"

namespace rt::core {

struct Event {
  uint64_t seq = 0;
  int64_t at = 0;     // server time, epoch ms
  std::string actor;  // participant id; empty for meeting_created
  std::string cid;    // command that caused it; empty for meeting_created
  std::string kind;
  nlohmann::json data = nlohmann::json::object();
  nlohmann::json sealed;   // null when nothing is sealed
  bool anonymous = false;  // actor and cid are sealed too

  // Whether the stored form differs from what clients receive.
  bool has_sealed_part() const { return !sealed.is_null() || anonymous; }
};

// What clients receive.
nlohmann::json to_json(const Event& e);
// What the log stores: the client form plus "sealed" when there is something sealed.
std::string to_stored(const Event& e);
// Throws nlohmann::json::exception on a malformed event. Reads the stored form.
Event event_from_json(const nlohmann::json& j);
// The client form of a stored event.
std::string wire_form(const std::string& stored);

// The first event of every meeting (seq 1); `previous` when it is the next of a series.
Event meeting_created(const std::string& meeting_id, const std::string& title,
                      const std::string& goal, const std::string& join_code, int64_t now_ms,
                      const std::optional<PreviousMeeting>& previous = std::nullopt);

// Folds one event into the state. Events come from decide() or from our own log, so they
// are trusted; seq must be version + 1. Throws std::logic_error otherwise, or on an event
// that does not fit the state: a corrupted log is loud, never silently skipped.
void apply(Meeting& m, const Event& e);

}  // namespace rt::core
