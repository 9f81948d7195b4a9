// Commands: what a participant asks of a meeting, already decoded and type-checked at the
// edge (codec.hpp). Whether the command is allowed is decided by the reducer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/enums.hpp"
#include "core/partner_updates.hpp"
#include "core/speaking_queue.hpp"
#include "core/text_ot.hpp"
#include "core/vote.hpp"

namespace rt::core {

// The role is granted by the credential the connection joined with (join code or
// facilitator token), which the caller has verified.
struct Join {
  std::string name;
  Attendance attendance = Attendance::remote;
  std::string organisation;
  Role role = Role::member;
  // The join code it came with (none with the facilitator token): a replaced code is refused.
  std::optional<std::string> code = std::nullopt;
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
  std::string notes = {};
};
struct UpdateItem {
  std::string item_id;
  std::optional<std::string> title;  // whole-field sets; character edits use EditText
  std::optional<std::string> owner;
  std::optional<std::string> due;
  std::optional<ItemStatus> status;
  std::optional<std::string> notes = std::nullopt;
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

// A character-level edit of a text field, made on the field as it was at meeting version
// `version` (the seq of the last event the client had applied).
struct EditText {
  TextField field = TextField::goal;
  std::string item_id;  // empty for the goal
  uint64_t version = 0;
  TextOp op;
};

// Live votes (PROTOCOL.md "Live votes"). Ballots are checked against the vote's method by the
// reducer, which knows the vote.
struct OpenVote {
  VoteSettings settings;
};
struct CastBallot {
  std::string vote_id;
  nlohmann::json ballot;
};
// A show of hands the facilitator records for an in-room participant or a named person
// without a device (exactly one of the two).
struct RecordBallot {
  std::string vote_id;
  std::optional<std::string> participant_id;
  std::optional<std::string> name;
  nlohmann::json ballot;
};
struct CloseVote {
  std::string vote_id;
  // Set by the server's own timer, never by the codec: closes only once the deadline passed.
  bool on_deadline = false;
};
struct ResolveVote {
  std::string vote_id;
  ItemStatus status = ItemStatus::agreed;
};

// The agenda's sections other than the goal, which stays on top.
struct MoveSection {
  std::string section;
  uint64_t index = 0;
};

// The facilitator moves the meeting on to a section (section_entered).
struct EnterSection {
  std::string section;
};

// The facilitator removes a member or an observer: their connections close, their token
// stops working, and they cannot join again with it (a new join with the code is a new
// participant: rotate the code to keep them out).
struct RemoveParticipant {
  std::string participant_id;
};

// The facilitator replaces the join code: the old one stops working at once. `code` is
// drawn and claimed by the server (net/meeting_room), never sent by the client.
struct RotateJoinCode {
  std::string code;
};

// The server's own record that a participant left (their last connection closed at `since`
// and they stayed away) or came back after that: never decoded from a client.
struct MarkPresence {
  std::string participant_id;
  bool online = false;
  int64_t since = 0;  // when they left, epoch ms
};

// Partner-update slots and the speaking queue are families of commands decided by their
// own modules (partner_updates.hpp, speaking_queue.hpp).
using Command =
    std::variant<Join, SetTitle, SetGoal, SetPhase, AddItem, UpdateItem, MoveItem, DeleteItem,
                 UpdateProfile, EditText, OpenVote, CastBallot, RecordBallot, CloseVote,
                 ResolveVote, MoveSection, EnterSection, MarkPresence, RemoveParticipant,
                 RotateJoinCode, SlotCommand, QueueCommand>;

}  // namespace rt::core
