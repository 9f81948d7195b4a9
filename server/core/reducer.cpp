#include "core/reducer.hpp"

#include <type_traits>

#include "core/limits.hpp"
#include "core/text.hpp"

namespace rt::core {
namespace {

void require_role(const Participant& p, Role needed, const char* what) {
  if (p.role == Role::facilitator) return;
  if (needed == Role::member && p.role == Role::member) return;
  refuse("forbidden", std::string(needed == Role::facilitator ? "only the facilitator can "
                                                              : "observers cannot ") +
                          what);
}

class Decider {
 public:
  Decider(const Meeting& m, const Participant* self) : m_(m), self_(self) {}

  nlohmann::json operator()(const Join& c) const {
    if (m_.participants.size() >= limits::kParticipants) {
      refuse("limit_reached", "this meeting has reached its limit of " +
                                  std::to_string(limits::kParticipants) + " participants");
    }
    return event("participant_joined", {{"participantId", "p" + next_seq()},
                                        {"name", c.name},
                                        {"role", name_of(c.role)},
                                        {"attendance", name_of(c.attendance)},
                                        {"organisation", c.organisation}});
  }
  nlohmann::json operator()(const SetTitle& c) const {
    require_role(self(), Role::facilitator, "change the meeting title");
    return event("title_set", {{"title", c.title}});
  }
  nlohmann::json operator()(const SetGoal& c) const {
    require_role(self(), Role::facilitator, "change the goal");
    return event("goal_set", {{"goal", c.goal}});
  }
  nlohmann::json operator()(const SetPhase& c) const {
    require_role(self(), Role::facilitator, "start or end the meeting");
    return event("phase_set", {{"phase", name_of(c.phase)}});
  }
  nlohmann::json operator()(const AddItem& c) const {
    require_role(self(), Role::member, "add action items");
    if (m_.items.size() >= limits::kItems) {
      refuse("limit_reached", "this meeting has reached its limit of " +
                                  std::to_string(limits::kItems) + " action items");
    }
    return event("item_added", {{"itemId", "i" + next_seq()},
                                {"title", c.title},
                                {"notes", c.notes},
                                {"owner", c.owner},
                                {"due", c.due},
                                {"status", name_of(c.status)},
                                {"index", m_.items.size()}});
  }
  nlohmann::json operator()(const UpdateItem& c) const {
    require_role(self(), Role::member, "edit action items");
    require_item(c.item_id);
    nlohmann::json data = {{"itemId", c.item_id}};
    if (c.title) data["title"] = *c.title;
    if (c.notes) data["notes"] = *c.notes;
    if (c.owner) data["owner"] = *c.owner;
    if (c.due) data["due"] = *c.due;
    if (c.status) data["status"] = name_of(*c.status);
    return event("item_updated", std::move(data));
  }
  nlohmann::json operator()(const MoveItem& c) const {
    require_role(self(), Role::facilitator, "reorder action items");
    require_item(c.item_id);
    // Clamped so that "move to the end" needs no knowledge of the exact length.
    uint64_t last = m_.items.size() - 1;
    return event("item_moved", {{"itemId", c.item_id}, {"index", c.index > last ? last : c.index}});
  }
  nlohmann::json operator()(const DeleteItem& c) const {
    require_role(self(), Role::facilitator, "delete action items");
    require_item(c.item_id);
    return event("item_deleted", {{"itemId", c.item_id}});
  }
  nlohmann::json operator()(const EditText& c) const {
    if (c.field == TextField::goal) {
      require_role(self(), Role::facilitator, "edit the goal");
    } else {
      require_role(self(), Role::member, "edit action items");
      require_item(c.item_id);
    }
    if (c.version > m_.version) {
      refuse("bad_message", "edit_text.version " + std::to_string(c.version) +
                                " is ahead of the meeting (" + std::to_string(m_.version) + ")");
    }
    const std::string& text = c.field == TextField::goal ? m_.goal
                              : c.field == TextField::title
                                  ? m_.items[m_.item_index(c.item_id)].title
                                  : m_.items[m_.item_index(c.item_id)].notes;
    std::string key = text_key(c.field, c.item_id);
    TextOp op = c.op;
    // The length the text had at c.version: the op must fit that text, not today's (a
    // retain past its end means the sender is out of step, even if transforming hides it).
    auto length_then = static_cast<long long>(code_points(text));
    if (auto it = m_.text_history.find(key); it != m_.text_history.end()) {
      const TextHistory& history = it->second;
      if (c.version < history.floor) {
        refuse("stale", "this edit is based on version " + std::to_string(c.version) +
                            ", older than the server keeps for merging; reload the text");
      }
      for (const auto& [seq, committed] : history.ops) {
        if (seq <= c.version) continue;
        length_then -= static_cast<long long>(target_length(committed)) -
                       static_cast<long long>(base_length(committed));
        // Committed ops win ties: the client makes the same choice for ops it receives.
        op = transform(op, committed, Side::right);
      }
    }
    if (static_cast<long long>(base_length(c.op)) > length_then) {
      refuse("bad_op", "the op reads past the end of the text as it was at version " +
                           std::to_string(c.version) + " (" + std::to_string(length_then) +
                           " characters)");
    }
    auto edited = core::apply(to_code_points(text), op);
    if (!edited) {
      refuse("bad_op", "the op reads past the end of the text (" +
                           std::to_string(code_points(text)) + " characters)");
    }
    size_t limit = c.field == TextField::goal    ? limits::kGoal
                   : c.field == TextField::title ? limits::kItemTitle
                                                 : limits::kNotes;
    if (edited->size() > limit) {
      refuse("too_long", "the text would be " + std::to_string(edited->size()) +
                             " characters; the limit is " + std::to_string(limit));
    }
    // Events carry the normal form (PROTOCOL.md): the client's trailing retain has done its
    // job once apply() accepted the op.
    nlohmann::json data = {{"field", name_of(c.field)}, {"op", to_json(normalize(op))}};
    if (c.field != TextField::goal) data["itemId"] = c.item_id;
    return event("text_edited", std::move(data));
  }
  nlohmann::json operator()(const UpdateProfile& c) const {
    nlohmann::json data = {{"participantId", self().id}};
    if (c.name) data["name"] = *c.name;
    if (c.attendance) data["attendance"] = name_of(*c.attendance);
    if (c.organisation) data["organisation"] = *c.organisation;
    return event("participant_updated", std::move(data));
  }

 private:
  static nlohmann::json event(const char* kind, nlohmann::json data) {
    return {{"kind", kind}, {"data", std::move(data)}};
  }
  std::string next_seq() const { return std::to_string(m_.version + 1); }
  const Participant& self() const {
    if (!self_) refuse("not_joined", "join the meeting first");
    return *self_;
  }
  void require_item(const std::string& id) const {
    if (m_.item_index(id) == m_.items.size()) {
      refuse("not_found", "there is no action item " + id + " (it may have been deleted)");
    }
  }

  const Meeting& m_;
  const Participant* self_;
};

bool allowed_after_end(const Command& c) {
  return std::holds_alternative<Join>(c) || std::holds_alternative<SetPhase>(c) ||
         std::holds_alternative<UpdateProfile>(c);
}

}  // namespace

Decision decide(const Meeting& m, const std::string& actor, const std::string& cid,
                const Command& command, int64_t now_ms) {
  const Participant* self = actor.empty() ? nullptr : m.find_participant(actor);
  if (!actor.empty() && !self) {
    return Rejection{"bad_token", "participant " + actor + " is not part of this meeting"};
  }
  if (self) {
    for (const auto& [seen, seq] : self->recent_cids) {
      if (seen == cid) return Duplicate{seq};
    }
  }
  if (m.phase == Phase::ended && !allowed_after_end(command)) {
    return Rejection{"meeting_ended", "the meeting has ended; it can no longer be changed"};
  }
  try {
    nlohmann::json draft = std::visit(Decider(m, self), command);
    Event e;
    e.seq = m.version + 1;
    e.at = now_ms;
    e.cid = cid;
    e.kind = draft.at("kind").get<std::string>();
    e.data = std::move(draft.at("data"));
    // A joining participant is the actor of their own arrival.
    e.actor = self ? self->id : e.data.at("participantId").get<std::string>();
    return Accepted{{std::move(e)}};
  } catch (const Refused& r) {
    return r.rejection;
  }
}

std::optional<Rejection> check_focus(const Meeting& m, const std::string& actor,
                                     const FocusRequest& focus) {
  const Participant* self = m.find_participant(actor);
  if (!self) return Rejection{"bad_token", "participant " + actor + " is not part of this meeting"};
  if (self->role == Role::observer) {
    return Rejection{"forbidden", "observers cannot edit, so they have no focus"};
  }
  if (focus.field && m.phase == Phase::ended) {
    return Rejection{"meeting_ended", "the meeting has ended; its texts can no longer be edited"};
  }
  if (focus.field == TextField::goal && self->role != Role::facilitator) {
    return Rejection{"forbidden", "only the facilitator can edit the goal"};
  }
  if (focus.item_id && m.item_index(*focus.item_id) == m.items.size()) {
    return Rejection{"not_found", "there is no action item " + *focus.item_id};
  }
  return std::nullopt;
}

}  // namespace rt::core
