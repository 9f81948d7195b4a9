#include "core/codec.hpp"

#include <set>

#include "core/limits.hpp"
#include "core/text.hpp"

namespace rt::core {
namespace {

// Reads the fields of one message, remembering which were read, so that any field the
// message type does not define is reported instead of silently ignored.
class Fields {
 public:
  Fields(const nlohmann::json& obj, std::string_view type) : obj_(obj), type_(type) {}

  std::string text(const char* key, size_t min_len, size_t max_len) {
    auto v = optional_text(key, min_len, max_len);
    if (!v) missing(key);
    return *v;
  }
  std::optional<std::string> optional_text(const char* key, size_t min_len, size_t max_len) {
    const nlohmann::json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) refuse("bad_message", field(key) + " must be a string");
    const auto& s = v->get_ref<const std::string&>();
    size_t n = code_points(s);
    if (n > max_len) {
      refuse("too_long", field(key) + " is " + std::to_string(n) + " characters; the limit is " +
                             std::to_string(max_len));
    }
    if (n < min_len) refuse("bad_message", field(key) + " must not be empty");
    return s;
  }
  std::optional<uint64_t> optional_count(const char* key) {
    const nlohmann::json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_number_unsigned()) {
      refuse("bad_message", field(key) + " must be a whole number, 0 or more");
    }
    return v->get<uint64_t>();
  }
  uint64_t count(const char* key) {
    auto v = optional_count(key);
    if (!v) missing(key);
    return *v;
  }
  template <class E, class Parse>
  std::optional<E> optional_enum(const char* key, Parse parse, const char* allowed) {
    const nlohmann::json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) refuse("bad_message", field(key) + " must be a string");
    auto e = parse(v->get_ref<const std::string&>());
    if (!e) refuse("invalid_value", field(key) + " must be one of " + allowed);
    return e;
  }
  std::optional<std::string> optional_due(const char* key) {
    auto v = optional_text(key, 0, 10);
    if (v && !v->empty() && !is_calendar_date(*v)) {
      refuse("invalid_value", field(key) + " must be a date YYYY-MM-DD or empty");
    }
    return v;
  }
  std::optional<bool> optional_bool(const char* key) {
    const nlohmann::json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) refuse("bad_message", field(key) + " must be true or false");
    return v->get<bool>();
  }
  std::vector<std::string> id_list(const char* key, size_t max_len) {
    const nlohmann::json* v = find(key);
    if (!v) return {};
    if (!v->is_array()) refuse("bad_message", field(key) + " must be an array of ids");
    if (v->size() > max_len) {
      refuse("invalid_value", field(key) + " has more than " + std::to_string(max_len) + " ids");
    }
    std::vector<std::string> ids;
    for (const auto& id : *v) {
      if (!id.is_string() || id.get_ref<const std::string&>().empty() ||
          id.get_ref<const std::string&>().size() > limits::kId) {
        refuse("bad_message", field(key) + " must be an array of ids");
      }
      ids.push_back(id.get<std::string>());
    }
    return ids;
  }
  // The value as it is (the caller checks it); missing is an error.
  const nlohmann::json& raw(const char* key) {
    const nlohmann::json* v = find(key);
    if (!v) missing(key);
    return *v;
  }
  void expect_no_other_fields() const {
    for (const auto& [key, value] : obj_.items()) {
      if (!read_.count(key)) refuse("bad_message", type_ + " has no field '" + key + "'");
    }
  }

 private:
  const nlohmann::json* find(const char* key) {
    read_.insert(key);
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &*it;
  }
  [[noreturn]] void missing(const char* key) const {
    refuse("bad_message", type_ + " needs the field '" + key + "'");
  }
  std::string field(const char* key) const { return type_ + "." + key; }

  const nlohmann::json& obj_;
  std::string type_;
  std::set<std::string> read_{"type", "cid"};
};

constexpr const char* kStatuses = "proposed, agreed, in_progress, done, dropped";
constexpr const char* kAttendances = "room, remote";

void check_version(Fields& f) {
  auto v = f.optional_count("v");
  if (!v) refuse("bad_message", "join and resume need the protocol version 'v'");
  if (*v != static_cast<uint64_t>(kProtocolVersion)) {
    refuse("unsupported_version",
           "this server speaks protocol version 1, not " + std::to_string(*v));
  }
}

JoinRequest decode_join(Fields& f, std::string cid) {
  JoinRequest r;
  r.cid = std::move(cid);
  check_version(f);
  r.code = f.optional_text("code", 1, limits::kId);
  r.facilitator_token = f.optional_text("facilitatorToken", 1, limits::kToken);
  if (r.code.has_value() == r.facilitator_token.has_value()) {
    refuse("bad_message", "join needs exactly one of 'code' or 'facilitatorToken'");
  }
  r.join.name = f.text("name", 1, limits::kName);
  auto attendance = f.optional_enum<Attendance>("attendance", parse_attendance, kAttendances);
  if (!attendance) refuse("bad_message", "join needs the field 'attendance'");
  r.join.attendance = *attendance;
  r.join.organisation = f.optional_text("organisation", 0, limits::kOrganisation).value_or("");
  auto role = f.optional_enum<Role>("role", parse_role, "member, observer");
  if (role == Role::facilitator) {
    refuse("invalid_value",
           "join.role must be member or observer; the facilitator joins "
           "with the facilitator token");
  }
  r.join.role = role.value_or(Role::member);
  r.batch = f.optional_bool("batch").value_or(false);
  return r;
}

ResumeRequest decode_resume(Fields& f, std::string cid) {
  ResumeRequest r;
  r.cid = std::move(cid);
  check_version(f);
  r.token = f.text("token", 1, limits::kToken);
  r.last_seq = f.optional_count("lastSeq");
  r.batch = f.optional_bool("batch").value_or(false);
  return r;
}

VoteSettings decode_vote_settings(Fields& f) {
  VoteSettings s;
  auto method =
      f.optional_enum<VoteMethod>("method", parse_vote_method, "consent, fist, dots, stage");
  if (!method) refuse("bad_message", "open_vote needs the field 'method'");
  s.method = *method;
  s.question = f.optional_text("question", 0, limits::kVoteQuestion).value_or("");
  s.item_ids = f.id_list("itemIds", limits::kVoteItems);
  s.visibility =
      f.optional_enum<VoteVisibility>("visibility", parse_vote_visibility, "open, anonymous")
          .value_or(VoteVisibility::open);
  s.results = f.optional_enum<VoteResults>("results", parse_vote_results, "live, hidden")
                  .value_or(VoteResults::live);
  s.allow_block = f.optional_bool("allowBlock").value_or(false);
  auto budget = f.optional_count("dotBudget");
  auto per_item = f.optional_count("dotsPerItem");
  if ((budget || per_item) && s.method != VoteMethod::dots) {
    refuse("invalid_value", "dotBudget and dotsPerItem are for dot votes");
  }
  s.dot_budget = budget.value_or(0);
  s.dots_per_item = per_item.value_or(s.dot_budget);
  s.quorum = f.optional_count("quorum");
  s.time_limit_s = f.optional_count("timeLimit");
  s.close_when_all_voted = f.optional_bool("closeWhenAllVoted").value_or(false);
  check_settings(s);
  return s;
}

// Partner-update slots; nullopt when `type` is not one of theirs.
std::optional<SlotCommand> decode_slot_command(Fields& f, const std::string& type) {
  auto slot_id = [&] { return f.text("slotId", 1, limits::kId); };
  if (type == "add_slot") {
    AddSlot c;
    c.organisation = f.text("organisation", 1, limits::kOrganisation);
    c.speaker = f.optional_text("speaker", 0, limits::kName).value_or("");
    c.seconds = f.count("seconds");  // bounds: partner_updates.cpp
    return c;
  }
  if (type == "update_slot") {
    UpdateSlot c;
    c.slot_id = slot_id();
    c.organisation = f.optional_text("organisation", 1, limits::kOrganisation);
    c.speaker = f.optional_text("speaker", 0, limits::kName);
    c.seconds = f.optional_count("seconds");
    if (!c.organisation && !c.speaker && !c.seconds) {
      refuse("bad_message", "update_slot needs at least one of organisation, speaker, seconds");
    }
    return c;
  }
  if (type == "move_slot") return MoveSlot{slot_id(), f.count("index")};
  if (type == "remove_slot") return RemoveSlot{slot_id()};
  if (type == "start_slot") return StartSlot{slot_id()};
  if (type == "pause_slot") return PauseSlot{slot_id()};
  if (type == "resume_slot") return ResumeSlot{slot_id()};
  if (type == "extend_slot") return ExtendSlot{slot_id(), f.count("seconds")};
  if (type == "next_slot") return NextSlot{slot_id()};
  if (type == "skip_slot") return SkipSlot{slot_id()};
  if (type == "set_auto_advance") {
    auto on = f.optional_bool("on");
    if (!on) refuse("bad_message", "set_auto_advance needs the field 'on'");
    return SetAutoAdvance{*on};
  }
  return std::nullopt;
}

// The speaking queue; nullopt when `type` is not one of its commands.
std::optional<QueueCommand> decode_queue_command(Fields& f, const std::string& type) {
  if (type == "raise_hand") return RaiseHand{};
  if (type == "lower_hand") return LowerHand{f.optional_text("participantId", 1, limits::kId)};
  if (type == "call_next") return CallNext{f.optional_text("participantId", 1, limits::kId)};
  if (type == "clear_queue") return ClearQueue{};
  if (type == "set_queue_order") {
    auto order = f.optional_enum<QueueOrder>("order", parse_queue_order, "raised, fewest_turns");
    if (!order) refuse("bad_message", "set_queue_order needs the field 'order'");
    return SetQueueOrder{*order};
  }
  return std::nullopt;
}

Command decode_command(Fields& f, const std::string& type) {
  if (type == "set_title") return SetTitle{f.text("title", 1, limits::kMeetingTitle)};
  if (type == "set_goal") return SetGoal{f.text("goal", 1, limits::kGoal)};
  if (type == "set_phase") {
    auto phase = f.optional_enum<Phase>("phase", parse_phase, "lobby, live, ended");
    if (!phase) refuse("bad_message", "set_phase needs the field 'phase'");
    return SetPhase{*phase};
  }
  if (type == "add_item") {
    AddItem c;
    c.title = f.text("title", 1, limits::kItemTitle);
    c.notes = f.optional_text("notes", 0, limits::kNotes).value_or("");
    c.owner = f.optional_text("owner", 0, limits::kOwner).value_or("");
    c.due = f.optional_due("due").value_or("");
    c.status = f.optional_enum<ItemStatus>("status", parse_item_status, kStatuses)
                   .value_or(ItemStatus::proposed);
    return c;
  }
  if (type == "update_item") {
    UpdateItem c;
    c.item_id = f.text("itemId", 1, limits::kId);
    c.title = f.optional_text("title", 1, limits::kItemTitle);
    c.notes = f.optional_text("notes", 0, limits::kNotes);
    c.owner = f.optional_text("owner", 0, limits::kOwner);
    c.due = f.optional_due("due");
    c.status = f.optional_enum<ItemStatus>("status", parse_item_status, kStatuses);
    if (!c.title && !c.notes && !c.owner && !c.due && !c.status) {
      refuse("bad_message", "update_item needs at least one of title, notes, owner, due, status");
    }
    return c;
  }
  if (type == "rotate_join_code") return RotateJoinCode{};
  if (type == "remove_participant") {
    return RemoveParticipant{f.text("participantId", 1, limits::kId)};
  }
  if (type == "move_item") return MoveItem{f.text("itemId", 1, limits::kId), f.count("index")};
  if (type == "delete_item") return DeleteItem{f.text("itemId", 1, limits::kId)};
  if (type == "update_profile") {
    UpdateProfile c;
    c.name = f.optional_text("name", 1, limits::kName);
    c.attendance = f.optional_enum<Attendance>("attendance", parse_attendance, kAttendances);
    c.organisation = f.optional_text("organisation", 0, limits::kOrganisation);
    if (!c.name && !c.attendance && !c.organisation) {
      refuse("bad_message", "update_profile needs at least one of name, attendance, organisation");
    }
    return c;
  }
  if (type == "edit_text") {
    EditText c;
    auto field = f.optional_enum<TextField>("field", parse_text_field, "goal, title, notes");
    if (!field) refuse("bad_message", "edit_text needs the field 'field'");
    c.field = *field;
    auto item_id = f.optional_text("itemId", 1, limits::kId);
    if (item_id.has_value() == (c.field == TextField::goal)) {
      refuse("bad_message", c.field == TextField::goal
                                ? "the goal belongs to no item: no itemId"
                                : "edit_text of a title or notes needs itemId");
    }
    c.item_id = item_id.value_or("");
    c.version = f.count("version");
    auto op = text_op_from_json(f.raw("op"));
    if (auto* r = std::get_if<Rejection>(&op)) refuse(r->code, r->message);
    c.op = std::get<TextOp>(std::move(op));
    if (c.op.empty()) refuse("bad_op", "an empty op changes nothing; do not send it");
    return c;
  }
  if (type == "open_vote") return OpenVote{decode_vote_settings(f)};
  if (type == "cast_ballot") return CastBallot{f.text("voteId", 1, limits::kId), f.raw("ballot")};
  if (type == "record_ballot") {
    RecordBallot c;
    c.vote_id = f.text("voteId", 1, limits::kId);
    c.participant_id = f.optional_text("participantId", 1, limits::kId);
    c.name = f.optional_text("name", 1, limits::kName);
    if (c.participant_id.has_value() == c.name.has_value()) {
      refuse("bad_message", "record_ballot needs exactly one of 'participantId' or 'name'");
    }
    c.ballot = f.raw("ballot");
    return c;
  }
  if (type == "close_vote") return CloseVote{f.text("voteId", 1, limits::kId)};
  if (type == "resolve_vote") {
    auto status = f.optional_enum<ItemStatus>("status", parse_item_status, kStatuses);
    if (!status) refuse("bad_message", "resolve_vote needs the field 'status'");
    return ResolveVote{f.text("voteId", 1, limits::kId), *status};
  }
  if (type == "move_section")
    return MoveSection{f.text("section", 1, limits::kId), f.count("index")};
  if (type == "enter_section") return EnterSection{f.text("section", 1, limits::kId)};
  if (auto slot = decode_slot_command(f, type)) return *slot;
  if (auto queue = decode_queue_command(f, type)) return *queue;
  refuse("unknown_type", "unknown message type '" + type + "'");
}

std::optional<Rejection> check_text(const std::string& s, const char* what, size_t max_len) {
  size_t n = code_points(s);
  if (n == 0) return Rejection{"bad_request", std::string(what) + " must not be empty"};
  if (n > max_len) {
    return Rejection{"too_long", std::string(what) + " is " + std::to_string(n) +
                                     " characters; the limit is " + std::to_string(max_len)};
  }
  return std::nullopt;
}

}  // namespace

Decoded decode_client_message(std::string_view frame) {
  Decoded out;
  // Containers nested too deep are left out unbuilt, and the message is refused below (with
  // its cid, which sits at the top).
  bool too_deep = false;
  auto depth_guard = [&too_deep](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (depth >= limits::kMessageNesting && (event == nlohmann::json::parse_event_t::object_start ||
                                             event == nlohmann::json::parse_event_t::array_start)) {
      too_deep = true;
      return false;
    }
    return true;
  };
  nlohmann::json obj = nlohmann::json::parse(frame, depth_guard, /*allow_exceptions=*/false);
  if (obj.is_discarded() || !obj.is_object()) {
    out.result = Rejection{"bad_json", "a message must be one JSON object"};
    return out;
  }
  try {
    auto cid_it = obj.find("cid");
    if (cid_it == obj.end() || !cid_it->is_string() ||
        cid_it->get_ref<const std::string&>().empty() ||
        code_points(cid_it->get_ref<const std::string&>()) > limits::kCid) {
      refuse("bad_message", "every message needs a 'cid' string of 1 to " +
                                std::to_string(limits::kCid) + " characters");
    }
    out.cid = cid_it->get<std::string>();
    if (too_deep) {
      refuse("bad_message", "arrays and objects nest at most " +
                                std::to_string(limits::kMessageNesting) +
                                " levels deep in a message");
    }
    auto type_it = obj.find("type");
    if (type_it == obj.end() || !type_it->is_string()) {
      refuse("bad_message", "every message needs a 'type' string");
    }
    const auto& type = type_it->get_ref<const std::string&>();
    Fields f(obj, type);
    if (type == "join") {
      out.result = decode_join(f, *out.cid);
    } else if (type == "resume") {
      out.result = decode_resume(f, *out.cid);
    } else if (type == "clock") {
      const nlohmann::json& t = f.raw("t");
      if (!t.is_number()) refuse("bad_message", "clock.t must be the client's time, a number");
      out.result = ClockRequest{*out.cid, t};
    } else if (type == "focus") {
      FocusRequest focus{
          *out.cid, f.optional_text("itemId", 1, limits::kId),
          f.optional_enum<TextField>("field", parse_text_field, "goal, title, notes")};
      if (focus.field && (*focus.field == TextField::goal) == focus.item_id.has_value()) {
        refuse("bad_message", "focus on the goal has no itemId; on a title or notes it needs one");
      }
      if (!focus.field && focus.item_id)
        refuse("bad_message", "focus with an itemId needs a field");
      out.result = std::move(focus);
    } else {
      out.result = CommandRequest{*out.cid, decode_command(f, type)};
    }
    f.expect_no_other_fields();
  } catch (const Refused& e) {
    out.result = e.rejection;
  }
  return out;
}

std::optional<Rejection> check_meeting_title(const std::string& title) {
  return check_text(title, "title", limits::kMeetingTitle);
}

std::optional<Rejection> check_goal(const std::string& goal) {
  return check_text(goal, "goal", limits::kGoal);
}

std::string encode_ack(const std::string& cid, uint64_t seq) {
  return nlohmann::json{{"type", "ack"}, {"cid", cid}, {"seq", seq}}.dump();
}

std::string encode_reject(const std::optional<std::string>& cid, const Rejection& r) {
  nlohmann::json j = {
      {"type", "reject"}, {"cid", nullptr}, {"code", r.code}, {"message", r.message}};
  if (cid) j["cid"] = *cid;
  return j.dump();
}

std::string encode_clock(const ClockRequest& request, int64_t server_ms) {
  return nlohmann::json{
      {"type", "clock"}, {"cid", request.cid}, {"t", request.t}, {"serverTime", server_ms}}
      .dump();
}

std::string encode_presence(const std::string& participant_id, bool online) {
  return nlohmann::json{{"type", "presence"}, {"participantId", participant_id}, {"online", online}}
      .dump();
}

nlohmann::json editing_json(const std::string& participant_id, const FocusRequest& focus) {
  return {{"participantId", participant_id},
          {"itemId", focus.item_id ? nlohmann::json(*focus.item_id) : nlohmann::json(nullptr)},
          {"field", focus.field ? nlohmann::json(name_of(*focus.field)) : nlohmann::json(nullptr)}};
}

std::string encode_editing(const std::string& participant_id, const FocusRequest& focus) {
  nlohmann::json j = editing_json(participant_id, focus);
  j["type"] = "editing";
  return j.dump();
}

std::string encode_error(const std::string& code, const std::string& message) {
  return nlohmann::json{{"type", "error"}, {"code", code}, {"message", message}}.dump();
}

}  // namespace rt::core
