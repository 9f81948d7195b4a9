// Commands: what a participant asks of a meeting, already decoded and type-checked at the
// edge (codec.hpp). Whether the command is allowed is decided by the reducer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/enums.hpp"

namespace rt::core {

// The role is granted by the credential the connection joined with (join code or
// facilitator token), which the caller has verified.
struct Join {
  std::string name;
  Attendance attendance = Attendance::remote;
  std::string organisation;
  Role role = Role::member;
};
struct SetTitle {
  std::string title;
};
struct SetGoal {
  std::string goal;
};
struct SetPhase {
  Phase phase = Phase::lobby;
};
struct AddItem {
  std::string title;
  std::string owner;
  std::string due;
  ItemStatus status = ItemStatus::proposed;
};
struct UpdateItem {
  std::string item_id;
  std::optional<std::string> title;
  std::optional<std::string> owner;
  std::optional<std::string> due;
  std::optional<ItemStatus> status;
};
struct MoveItem {
  std::string item_id;
  uint64_t index = 0;
};
struct DeleteItem {
  std::string item_id;
};
struct UpdateProfile {
  std::optional<std::string> name;
  std::optional<Attendance> attendance;
  std::optional<std::string> organisation;
};

using Command = std::variant<Join, SetTitle, SetGoal, SetPhase, AddItem, UpdateItem, MoveItem,
                             DeleteItem, UpdateProfile>;

}  // namespace rt::core
