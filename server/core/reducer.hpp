// The reducer: (state, actor, command) -> events | rejection. Pure and deterministic: the
// time and the actor come in as arguments, ids derive from the seq of the creating event
// (p<seq>, i<seq>), so the same inputs always give the same events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/codec.hpp"
#include "core/command.hpp"
#include "core/event.hpp"
#include "core/meeting.hpp"
#include "core/rejection.hpp"

namespace rt::core {

struct Accepted {
  std::vector<Event> events;  // seq version+1, version+2, ...; not yet applied
};
// The cid was already applied: answer with the seq it produced, apply nothing.
struct Duplicate {
  uint64_t seq = 0;
};
using Decision = std::variant<Accepted, Duplicate, Rejection>;

// `actor` is the participant id of the connection; empty for Join (not yet a participant).
Decision decide(const Meeting& m, const std::string& actor, const std::string& cid,
                const Command& command, int64_t now_ms);

// The data of the item_added event that appends the item `c` describes to `m`'s items: the
// reducer's add_item, and each item a meeting of a series carries over (series.cpp).
nlohmann::json item_added_data(const Meeting& m, const AddItem& c);

// What a removed participant gets for anything they try: a command, a focus, a resume.
Rejection removed_rejection();

// Whether `actor` may say it is editing what `focus` names (it changes no state).
std::optional<Rejection> check_focus(const Meeting& m, const std::string& actor,
                                     const FocusRequest& focus);

}  // namespace rt::core
