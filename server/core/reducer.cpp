#include "core/reducer.hpp"

#include <algorithm>
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

void append(Drafts& to, Drafts more) {
  for (auto& d : more) to.push_back(std::move(d));
}

class Decider {
 public:
  Decider(const Meeting& m, const Participant* self, int64_t now_ms)
      : m_(m), self_(self), now_ms_(now_ms) {}

  Drafts operator()(const Join& c) const {
    if (c.code && *c.code != m_.join_code) {
      refuse("bad_code", "this join code has been replaced; ask the facilitator for the new one");
    }
    if (m_.participants.size() >= limits::kParticipants) {
      refuse_over_limit(limits::kParticipants, "participants");
    }
    return event("participant_joined", {{"participantId", "p" + next_seq()},
                                        {"name", c.name},
                                        {"role", name_of(c.role)},
                                        {"attendance", name_of(c.attendance)},
                                        {"organisation", c.organisation}});
  }
  Drafts operator()(const SetTitle& c) const {
    require_role(self(), Role::facilitator, "change the meeting title");
    return event("title_set", {{"title", c.title}});
  }
  Drafts operator()(const SetGoal& c) const {
    require_role(self(), Role::facilitator, "change the goal");
    return event("goal_set", {{"goal", c.goal}});
  }
  Drafts operator()(const SetPhase& c) const {
    require_role(self(), Role::facilitator, "start or end the meeting");
    // The end is final: its minutes stay the same file; the plan goes on in a next meeting.
    if (m_.phase == Phase::ended) {
      refuse("meeting_ended",
             "the meeting has ended and cannot be reopened; start the next meeting of the series");
    }
    Drafts out = event("phase_set", {{"phase", name_of(c.phase)}});
    // What runs at the end stops with it, so its outcome belongs to this meeting: open votes
    // close, the active partner update ends with its time used, hands come down.
    if (c.phase == Phase::ended) {
      for (const auto& v : m_.votes) {
        if (!v.closed) out.push_back({"vote_closed", vote_closed_data(v, "meeting_ended")});
      }
      append(out, end_active_slot(m_.updates, now_ms_));
      append(out, clear_queue_at_end(m_.queue));
    }
    return out;
  }
  Drafts operator()(const AddItem& c) const {
    require_role(self(), Role::member, "add action items");
    if (m_.items.size() >= limits::kItems) {
      refuse_over_limit(limits::kItems, "action items");
    }
    return event("item_added", item_added_data(m_, c));
  }
  Drafts operator()(const UpdateItem& c) const {
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
  Drafts operator()(const MoveItem& c) const {
    require_role(self(), Role::facilitator, "reorder action items");
    require_item(c.item_id);
    // Clamped so that "move to the end" needs no knowledge of the exact length.
    uint64_t last = m_.items.size() - 1;
    return event("item_moved", {{"itemId", c.item_id}, {"index", c.index > last ? last : c.index}});
  }
  Drafts operator()(const DeleteItem& c) const {
    require_role(self(), Role::facilitator, "delete action items");
    require_item(c.item_id);
    return event("item_deleted", {{"itemId", c.item_id}});
  }
  Drafts operator()(const EditText& c) const {
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
  Drafts operator()(const UpdateProfile& c) const {
    nlohmann::json data = {{"participantId", self().id}};
    if (c.name) data["name"] = *c.name;
    if (c.attendance) data["attendance"] = name_of(*c.attendance);
    if (c.organisation) data["organisation"] = *c.organisation;
    return event("participant_updated", std::move(data));
  }

  Drafts operator()(const OpenVote& c) const {
    require_role(self(), Role::facilitator, "open a vote");
    if (m_.votes.size() >= limits::kVotes) {
      refuse_over_limit(limits::kVotes, "votes");
    }
    auto open =
        std::count_if(m_.votes.begin(), m_.votes.end(), [](const Vote& v) { return !v.closed; });
    if (static_cast<size_t>(open) >= limits::kOpenVotes) {
      refuse("limit_reached", "at most " + std::to_string(limits::kOpenVotes) +
                                  " votes can be open at once; close one first");
    }
    for (const auto& item : c.settings.item_ids) require_item(item);
    std::vector<std::string> eligible;
    for (const auto& p : m_.participants) {
      if (p.role != Role::observer && !p.removed) eligible.push_back(p.id);
    }
    nlohmann::json data = settings_json(c.settings);
    data["voteId"] = "v" + next_seq();
    data["eligible"] = std::move(eligible);
    if (c.settings.time_limit_s) {
      data["deadline"] = now_ms_ + static_cast<int64_t>(*c.settings.time_limit_s) * 1000;
    }
    return event("vote_opened", std::move(data));
  }
  Drafts operator()(const CastBallot& c) const {
    require_role(self(), Role::member, "vote");
    return ballot(c.vote_id, self().id, c.ballot, false);
  }
  Drafts operator()(const RecordBallot& c) const {
    require_role(self(), Role::facilitator, "record a show of hands");
    if (c.name) return ballot(c.vote_id, guest_key(*c.name), c.ballot, true);
    const Participant* p = m_.find_participant(*c.participant_id);
    if (!p || p->removed) refuse("not_found", "there is no participant " + *c.participant_id);
    if (p->role == Role::observer || p->attendance != Attendance::room) {
      refuse("invalid_value", p->name +
                                  " is not an in-room member; a show of hands is recorded only "
                                  "for people in the room");
    }
    return ballot(c.vote_id, p->id, c.ballot, true);
  }
  Drafts operator()(const CloseVote& c) const {
    if (!c.on_deadline) require_role(self(), Role::facilitator, "close a vote");
    const Vote& v = require_vote(c.vote_id);
    if (v.closed) refuse("vote_closed", "vote " + v.id + " is already closed");
    if (!c.on_deadline && !v.accepts_ballots(now_ms_)) {
      refuse("vote_closed", "vote " + v.id + " is past its deadline; the server is closing it");
    }
    if (c.on_deadline && (!v.deadline || now_ms_ < *v.deadline)) {
      refuse("not_due", "vote " + v.id + " has not reached its deadline");
    }
    return event("vote_closed", vote_closed_data(v, c.on_deadline ? "deadline" : "facilitator"));
  }
  Drafts operator()(const ResolveVote& c) const {
    require_role(self(), Role::facilitator, "accept a vote's outcome");
    const Vote& v = require_vote(c.vote_id);
    if (!v.closed) refuse("not_resolvable", "close vote " + v.id + " before accepting its outcome");
    if (v.settings.item_ids.size() != 1) {
      refuse("not_resolvable", "only a vote on exactly one action item sets an item's status");
    }
    if (v.resolved) refuse("not_resolvable", "vote " + v.id + " is already resolved");
    require_item(v.settings.item_ids.front());
    return event(
        "vote_resolved",
        {{"voteId", v.id}, {"itemId", v.settings.item_ids.front()}, {"status", name_of(c.status)}});
  }
  Drafts operator()(const MoveSection& c) const {
    require_role(self(), Role::facilitator, "reorder the agenda");
    if (!find_section(c.section)) {
      refuse("invalid_value", "there is no agenda section '" + c.section +
                                  "'; the sections are action_items, partner_updates, wrap_up");
    }
    if (c.section == "goal" || c.index == 0) {
      refuse("invalid_value", "the goal stays at the top of the agenda");
    }
    uint64_t last = m_.sections.size() - 1;
    return event("section_moved", {{"section", c.section}, {"index", std::min(c.index, last)}});
  }
  Drafts operator()(const EnterSection& c) const {
    require_role(self(), Role::facilitator, "move the meeting on");
    if (!find_section(c.section)) {
      refuse("invalid_value", "there is no agenda section '" + c.section +
                                  "'; the sections are goal, action_items, partner_updates, "
                                  "wrap_up");
    }
    if (m_.phase != Phase::live) {
      refuse("bad_state", "start the meeting before moving through its agenda");
    }
    if (c.section == m_.current_section) return {};
    return event("section_entered", {{"section", c.section}});
  }
  Drafts operator()(const MarkPresence& c) const {
    if (self_) refuse("forbidden", "presence is recorded by the server");
    const Participant* p = m_.find_participant(c.participant_id);
    if (!p) refuse("not_found", "there is no participant " + c.participant_id);
    if (p->away != c.online) return {};  // already recorded so
    if (c.online) return event("participant_returned", {{"participantId", p->id}});
    return event("participant_left", {{"participantId", p->id}, {"since", c.since}});
  }
  Drafts operator()(const SlotCommand& c) const {
    // Only the server's clock expires a slot; everything else is the facilitator's.
    if (!std::holds_alternative<ExpireSlot>(c)) {
      require_role(self(), Role::facilitator, "run the partner updates");
    }
    return decide_slot(m_.updates, c, now_ms_, m_.version + 1);
  }
  Drafts operator()(const RotateJoinCode& c) const {
    require_role(self(), Role::facilitator, "replace the join code");
    // The server draws the code (net/meeting_room); a command without one did not come that way.
    if (c.code.empty()) refuse("bad_message", "the server draws the new join code; send none");
    return event("join_code_set", {{"joinCode", c.code}});
  }
  Drafts operator()(const RemoveParticipant& c) const {
    require_role(self(), Role::facilitator, "remove participants");
    const Participant* p = m_.find_participant(c.participant_id);
    if (!p || p->removed) {
      refuse("not_found", "there is no participant " + c.participant_id + " to remove");
    }
    if (p->role == Role::facilitator) {
      refuse("forbidden", "a facilitator cannot be removed");
    }
    Drafts out = event("participant_removed", {{"participantId", p->id}});
    // A removed person's raised hand comes down with them.
    if (m_.queue.has_hand(p->id)) {
      append(out, decide_queue(m_.queue, self().id, true, LowerHand{p->id}));
    }
    return out;
  }
  Drafts operator()(const QueueCommand& c) const {
    require_role(self(), Role::member, "raise a hand");
    return decide_queue(m_.queue, self().id, self().role == Role::facilitator, c);
  }

 private:
  static Drafts event(const char* kind, nlohmann::json data) {
    return {Draft{kind, std::move(data)}};
  }
  const Vote& require_vote(const std::string& id) const {
    const Vote* v = m_.find_vote(id);
    if (!v) refuse("not_found", "there is no vote " + id);
    return *v;
  }
  // The ballot of `voter` (a participant id or a guest key), replacing any earlier one, and
  // the close when it completes a close-when-all-voted vote.
  Drafts ballot(const std::string& vote_id, const std::string& voter,
                const nlohmann::json& raw_ballot, bool recorded) const {
    const Vote& v = require_vote(vote_id);
    if (!v.accepts_ballots(now_ms_)) refuse("vote_closed", "vote " + v.id + " is closed");
    Vote after = v;
    after.ballots[voter] = {check_ballot(v.settings, raw_ballot), recorded};
    if (!after.is_eligible(voter)) after.eligible.push_back(voter);
    bool anonymous = v.settings.visibility == VoteVisibility::anonymous;
    Drafts out{Draft{"ballot_cast", ballot_cast_data(after, voter),
                     ballot_cast_sealed(after, voter), anonymous}};
    if (v.settings.close_when_all_voted && after.ballots.size() >= after.eligible.size()) {
      // Anonymous like the ballot that caused it: its actor would name the last voter.
      out.push_back({"vote_closed", vote_closed_data(after, "all_voted"), nullptr, anonymous});
    }
    return out;
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
  int64_t now_ms_;
};

bool allowed_after_end(const Command& c) {
  return std::holds_alternative<Join>(c) || std::holds_alternative<SetPhase>(c) ||
         std::holds_alternative<UpdateProfile>(c);
}

}  // namespace

nlohmann::json item_added_data(const Meeting& m, const AddItem& c) {
  return {{"itemId", "i" + std::to_string(m.version + 1)},
          {"title", c.title},
          {"notes", c.notes},
          {"owner", c.owner},
          {"due", c.due},
          {"status", name_of(c.status)},
          {"index", m.items.size()}};
}

Rejection removed_rejection() {
  return {"removed", "the facilitator removed you from this meeting"};
}

Decision decide(const Meeting& m, const std::string& actor, const std::string& cid,
                const Command& command, int64_t now_ms) {
  const Participant* self = actor.empty() ? nullptr : m.find_participant(actor);
  if (!actor.empty() && !self) {
    return Rejection{"bad_token", "participant " + actor + " is not part of this meeting"};
  }
  if (self && self->removed) return removed_rejection();
  if (self) {
    for (const auto& [seen, seq] : self->recent_cids) {
      if (seen == cid) return Duplicate{seq};
    }
  }
  if (m.phase == Phase::ended && !allowed_after_end(command)) {
    return Rejection{"meeting_ended", "the meeting has ended; it can no longer be changed"};
  }
  try {
    Drafts drafts = std::visit(Decider(m, self, now_ms), command);
    bool joining = std::holds_alternative<Join>(command);
    Accepted accepted;
    for (auto& draft : drafts) {
      Event e;
      e.seq = m.version + 1 + accepted.events.size();
      e.at = now_ms;
      e.kind = std::move(draft.kind);
      e.data = std::move(draft.data);
      e.sealed = std::move(draft.sealed);
      e.anonymous = draft.anonymous;
      // A joining participant is the actor of their own arrival; the server's own timer
      // (a vote's deadline) is nobody.
      if (self) {
        e.actor = self->id;
      } else if (joining) {
        e.actor = e.data.at("participantId").get<std::string>();
      }
      if (!e.actor.empty()) e.cid = cid;
      accepted.events.push_back(std::move(e));
    }
    return accepted;
  } catch (const Refused& r) {
    return r.rejection;
  }
}

std::optional<Rejection> check_focus(const Meeting& m, const std::string& actor,
                                     const FocusRequest& focus) {
  const Participant* self = m.find_participant(actor);
  if (!self) return Rejection{"bad_token", "participant " + actor + " is not part of this meeting"};
  if (self->removed) return removed_rejection();
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
