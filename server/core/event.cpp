#include "core/event.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/limits.hpp"
#include "core/move_within.hpp"
#include "core/text.hpp"

namespace rt::core {
namespace {

template <class E, class Parse>
E enum_field(const nlohmann::json& data, const char* key, Parse parse) {
  auto v = parse(data.at(key).get<std::string>());
  if (!v) throw std::logic_error(std::string("event has an unknown value for ") + key);
  return *v;
}

void set_if_present(const nlohmann::json& data, const char* key, std::string& field) {
  if (auto it = data.find(key); it != data.end()) field = it->get<std::string>();
}

void remember_cid(Meeting& m, const Event& e) {
  if (e.cid.empty()) return;
  Participant* p = m.find_participant(e.actor);
  if (!p) return;
  // One command can produce several events: keep the last seq of that cid.
  if (!p->recent_cids.empty() && p->recent_cids.back().first == e.cid) {
    p->recent_cids.back().second = e.seq;
    return;
  }
  p->recent_cids.emplace_back(e.cid, e.seq);
  if (p->recent_cids.size() > limits::kRememberedCids) p->recent_cids.erase(p->recent_cids.begin());
}

// Every change of a collaborative field is kept as an op, whole-field sets included, so a
// concurrent character edit is transformed over it instead of silently overwriting it.
void record_text_op(Meeting& m, const std::string& key, uint64_t seq, TextOp op) {
  TextHistory& h = m.text_history[key];
  h.ops.emplace_back(seq, std::move(op));
  while (h.ops.size() > limits::kTextHistory) {
    h.floor = h.ops.front().first;
    h.ops.pop_front();
  }
}

void set_text(Meeting& m, const std::string& key, uint64_t seq, std::string& field,
              const std::string& value) {
  record_text_op(m, key, seq, replace_all(to_code_points(field), to_code_points(value)));
  field = value;
}

ActionItem& item_at(Meeting& m, const nlohmann::json& data) {
  size_t i = m.item_index(data.at("itemId").get<std::string>());
  if (i == m.items.size()) throw std::logic_error("event names an unknown item");
  return m.items[i];
}

Vote& vote_at(Meeting& m, const nlohmann::json& data) {
  Vote* v = m.find_vote(data.at("voteId").get<std::string>());
  if (!v) throw std::logic_error("event names an unknown vote");
  return *v;
}

}  // namespace

nlohmann::json to_json(const Event& e) {
  nlohmann::json j = {{"type", "event"}, {"seq", e.seq}, {"at", e.at}};
  if (!e.anonymous && !e.actor.empty()) j["actor"] = e.actor;
  if (!e.anonymous && !e.cid.empty()) j["cid"] = e.cid;
  j["kind"] = e.kind;
  j["data"] = e.data;
  return j;
}

std::string to_stored(const Event& e) {
  nlohmann::json j = to_json(e);
  if (!e.has_sealed_part()) return j.dump();
  nlohmann::json sealed = e.sealed.is_null() ? nlohmann::json::object() : e.sealed;
  if (e.anonymous) {
    sealed["actor"] = e.actor;
    sealed["cid"] = e.cid;
  }
  j["sealed"] = std::move(sealed);
  return j.dump();
}

Event event_from_json(const nlohmann::json& j) {
  Event e;
  e.seq = j.at("seq").get<uint64_t>();
  e.at = j.at("at").get<int64_t>();
  e.actor = j.value("actor", "");
  e.cid = j.value("cid", "");
  e.kind = j.at("kind").get<std::string>();
  e.data = j.at("data");
  if (auto it = j.find("sealed"); it != j.end()) {
    e.sealed = *it;
    if (auto actor = e.sealed.find("actor"); actor != e.sealed.end()) {
      e.anonymous = true;
      e.actor = actor->get<std::string>();
      e.cid = e.sealed.at("cid").get<std::string>();
      e.sealed.erase("actor");
      e.sealed.erase("cid");
    }
    if (e.sealed.empty()) e.sealed = nullptr;
  }
  return e;
}

std::string wire_form(const std::string& stored) {
  // A quote, the key and a quote-colon cannot occur inside a JSON string (its quotes are
  // escaped), so without this the event has nothing sealed and is already the client form.
  if (stored.find("\"sealed\":") == std::string::npos) return stored;
  nlohmann::json j = nlohmann::json::parse(stored);
  j.erase("sealed");
  return j.dump();
}

Event meeting_created(const std::string& meeting_id, const std::string& title,
                      const std::string& goal, const std::string& join_code, int64_t now_ms,
                      const std::optional<PreviousMeeting>& previous) {
  Event e;
  e.seq = 1;
  e.at = now_ms;
  e.kind = "meeting_created";
  e.data = {{"meetingId", meeting_id}, {"title", title}, {"goal", goal}, {"joinCode", join_code}};
  if (previous) e.data["previous"] = previous_json(*previous);
  return e;
}

void apply(Meeting& m, const Event& e) {
  if (e.seq != m.version + 1) {
    throw std::logic_error("event seq " + std::to_string(e.seq) + " does not follow version " +
                           std::to_string(m.version));
  }
  const auto& d = e.data;
  if (e.kind == "meeting_created") {
    m.id = d.at("meetingId").get<std::string>();
    m.title = d.at("title").get<std::string>();
    m.goal = d.at("goal").get<std::string>();
    m.join_code = d.at("joinCode").get<std::string>();
    m.created_at = e.at;
    if (d.contains("previous")) m.previous = previous_from_json(d["previous"]);
  } else if (e.kind == "participant_joined") {
    Participant p;
    p.id = d.at("participantId").get<std::string>();
    p.name = d.at("name").get<std::string>();
    p.role = enum_field<Role>(d, "role", parse_role);
    p.attendance = enum_field<Attendance>(d, "attendance", parse_attendance);
    p.organisation = d.at("organisation").get<std::string>();
    // Whoever joins while a vote is open may vote in it, like those who were there.
    if (p.role != Role::observer) {
      for (auto& v : m.votes) {
        if (!v.closed) v.eligible.push_back(p.id);
      }
    }
    m.participants.push_back(std::move(p));
  } else if (e.kind == "join_code_set") {
    m.join_code = d.at("joinCode").get<std::string>();
  } else if (e.kind == "participant_removed") {
    Participant* p = m.find_participant(d.at("participantId").get<std::string>());
    if (!p) throw std::logic_error("event names an unknown participant");
    p->removed = true;
  } else if (e.kind == "participant_updated") {
    Participant* p = m.find_participant(d.at("participantId").get<std::string>());
    if (!p) throw std::logic_error("event names an unknown participant");
    set_if_present(d, "name", p->name);
    set_if_present(d, "organisation", p->organisation);
    if (d.contains("attendance")) {
      p->attendance = enum_field<Attendance>(d, "attendance", parse_attendance);
    }
  } else if (e.kind == "participant_left" || e.kind == "participant_returned") {
    // Who is online now is not state (meeting.hpp); who stayed away is, for the minutes.
    Participant* p = m.find_participant(d.at("participantId").get<std::string>());
    if (!p) throw std::logic_error("event names an unknown participant");
    p->away = e.kind == "participant_left";
  } else if (e.kind == "title_set") {
    m.title = d.at("title").get<std::string>();
  } else if (e.kind == "goal_set") {
    set_text(m, "goal", e.seq, m.goal, d.at("goal").get<std::string>());
  } else if (e.kind == "phase_set") {
    m.phase = enum_field<Phase>(d, "phase", parse_phase);
    // Going live starts on the agenda's first section after the goal.
    if (m.phase == Phase::live && m.current_section.empty()) m.current_section = m.sections.at(1);
  } else if (e.kind == "item_added") {
    ActionItem item;
    item.id = d.at("itemId").get<std::string>();
    item.title = d.at("title").get<std::string>();
    item.notes = d.value("notes", "");
    item.owner = d.at("owner").get<std::string>();
    item.due = d.at("due").get<std::string>();
    item.status = enum_field<ItemStatus>(d, "status", parse_item_status);
    item.created_by = e.actor;
    item.carried_from = carried_from_of(d);
    // Nothing before its creation can be transformed into this item's texts.
    m.text_history[text_key(TextField::title, item.id)].floor = e.seq;
    m.text_history[text_key(TextField::notes, item.id)].floor = e.seq;
    size_t index = std::min<size_t>(d.at("index").get<size_t>(), m.items.size());
    m.items.insert(m.items.begin() + static_cast<std::ptrdiff_t>(index), std::move(item));
  } else if (e.kind == "item_updated") {
    ActionItem& item = item_at(m, d);
    if (d.contains("title")) {
      set_text(m, text_key(TextField::title, item.id), e.seq, item.title, d["title"]);
    }
    if (d.contains("notes")) {
      set_text(m, text_key(TextField::notes, item.id), e.seq, item.notes, d["notes"]);
    }
    set_if_present(d, "owner", item.owner);
    set_if_present(d, "due", item.due);
    if (d.contains("status")) item.status = enum_field<ItemStatus>(d, "status", parse_item_status);
  } else if (e.kind == "item_moved") {
    size_t from = m.item_index(d.at("itemId").get<std::string>());
    if (from == m.items.size()) throw std::logic_error("event names an unknown item");
    move_within(m.items, from, d.at("index").get<size_t>());
  } else if (e.kind == "item_deleted") {
    size_t i = m.item_index(d.at("itemId").get<std::string>());
    if (i == m.items.size()) throw std::logic_error("event names an unknown item");
    m.text_history.erase(text_key(TextField::title, m.items[i].id));
    m.text_history.erase(text_key(TextField::notes, m.items[i].id));
    m.items.erase(m.items.begin() + static_cast<std::ptrdiff_t>(i));
  } else if (e.kind == "text_edited") {
    auto field = parse_text_field(d.at("field").get<std::string>());
    if (!field) throw std::logic_error("event names an unknown text field");
    std::string item_id = d.value("itemId", "");
    std::string* text = &m.goal;
    if (*field != TextField::goal) {
      ActionItem& item = item_at(m, d);
      text = *field == TextField::title ? &item.title : &item.notes;
    }
    auto op = text_op_from_json(d.at("op"));
    if (std::holds_alternative<Rejection>(op)) throw std::logic_error("event has a malformed op");
    auto edited = core::apply(to_code_points(*text), std::get<TextOp>(op));
    if (!edited) throw std::logic_error("event op does not fit the text");
    *text = to_utf8(*edited);
    record_text_op(m, text_key(*field, item_id), e.seq, std::get<TextOp>(std::move(op)));
  } else if (e.kind == "vote_opened") {
    Vote v;
    v.id = d.at("voteId").get<std::string>();
    v.settings = settings_from_json(d);
    v.opened_at = e.at;
    if (d.contains("deadline")) v.deadline = d.at("deadline").get<int64_t>();
    v.eligible = d.at("eligible").get<std::vector<std::string>>();
    m.votes.push_back(std::move(v));
  } else if (e.kind == "ballot_cast") {
    // Who voted what is in the sealed part: the data may not say (anonymous, hidden).
    Vote& v = vote_at(m, d);
    auto voter = e.sealed.at("voter").get<std::string>();
    if (!v.is_eligible(voter)) v.eligible.push_back(voter);  // a guest, recorded by name
    v.ballots[voter] = {e.sealed.at("ballot"), e.sealed.at("recorded").get<bool>()};
  } else if (e.kind == "vote_closed") {
    vote_at(m, d).closed =
        VoteClose{d.at("reason").get<std::string>(), e.at, d.at("quorumMet").get<bool>()};
  } else if (e.kind == "vote_resolved") {
    auto status = enum_field<ItemStatus>(d, "status", parse_item_status);
    vote_at(m, d).resolved = VoteResolution{d.at("itemId").get<std::string>(), status};
    item_at(m, d).status = status;
  } else if (e.kind == "section_moved") {
    auto id = d.at("section").get<std::string>();
    auto from = std::find(m.sections.begin(), m.sections.end(), id);
    if (from == m.sections.end() || id == "goal") {
      throw std::logic_error("event moves an unknown section");
    }
    // Never above the goal, whatever the log says.
    move_within(m.sections, static_cast<size_t>(from - m.sections.begin()),
                std::max<size_t>(1, d.at("index").get<size_t>()));
  } else if (e.kind == "section_entered") {
    auto id = d.at("section").get<std::string>();
    if (!find_section(id)) throw std::logic_error("event enters an unknown section");
    m.current_section = std::move(id);
  } else if (apply_slot_event(m.updates, e.kind, d, e.at)) {
    // A partner update that starts puts the meeting on partner updates, so the time report
    // counts it there even when the facilitator did not click through the agenda.
    if (e.kind == "slot_started") m.current_section = "partner_updates";
  } else if (!apply_queue_event(m.queue, e.kind, d, e.at)) {
    throw std::logic_error("unknown event kind " + e.kind);
  }
  m.version = e.seq;
  remember_cid(m, e);
}

}  // namespace rt::core
