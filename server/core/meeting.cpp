#include "core/meeting.hpp"

#include <stdexcept>

#include "core/find_by_id.hpp"

namespace rt::core {
namespace {

template <class E, class Parse>
E parse_or_throw(const nlohmann::json& j, Parse parse) {
  auto v = parse(j.get<std::string>());
  if (!v) throw std::invalid_argument("unknown enum value in meeting state");
  return *v;
}

nlohmann::json participant_json(const Participant& p) {
  nlohmann::json j = {{"id", p.id},
                      {"name", p.name},
                      {"role", name_of(p.role)},
                      {"attendance", name_of(p.attendance)},
                      {"organisation", p.organisation}};
  if (p.removed) j["removed"] = true;
  return j;
}

nlohmann::json item_json(const ActionItem& i) {
  nlohmann::json j = {{"id", i.id},
                      {"title", i.title},
                      {"notes", i.notes},
                      {"owner", i.owner},
                      {"due", i.due},
                      {"status", name_of(i.status)},
                      {"createdBy", i.created_by}};
  if (i.carried_from) j["carriedFrom"] = carried_from_json(*i.carried_from);
  return j;
}

}  // namespace

nlohmann::json previous_json(const PreviousMeeting& p) {
  return {{"meetingId", p.id}, {"title", p.title}, {"createdAt", p.created_at}};
}

PreviousMeeting previous_from_json(const nlohmann::json& j) {
  return {j.at("meetingId").get<std::string>(), j.at("title").get<std::string>(),
          j.at("createdAt").get<int64_t>()};
}

nlohmann::json carried_from_json(const CarriedFrom& c) {
  return {{"meetingId", c.meeting_id}, {"itemId", c.item_id}};
}

std::optional<CarriedFrom> carried_from_of(const nlohmann::json& item) {
  auto it = item.find("carriedFrom");
  if (it == item.end()) return std::nullopt;
  return CarriedFrom{it->at("meetingId").get<std::string>(), it->at("itemId").get<std::string>()};
}

namespace {

// What the client snapshot and the stored state have in common; each adds its own fields
// to every participant (presence for clients, remembered cids for the store).
nlohmann::json shared_json(
    const Meeting& m,
    const std::function<void(const Participant&, nlohmann::json&)>& add_participant_fields) {
  nlohmann::json participants = nlohmann::json::array();
  for (const auto& p : m.participants) {
    auto j = participant_json(p);
    add_participant_fields(p, j);
    participants.push_back(std::move(j));
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : m.items) items.push_back(item_json(i));
  nlohmann::json j = {{"id", m.id},
                      {"title", m.title},
                      {"goal", m.goal},
                      {"phase", name_of(m.phase)},
                      {"joinCode", m.join_code},
                      {"createdAt", m.created_at},
                      {"participants", std::move(participants)},
                      {"items", std::move(items)},
                      {"updates", updates_json(m.updates)},
                      {"queue", queue_json(m.queue)},
                      {"currentSection", m.current_section}};
  if (m.previous) j["previous"] = previous_json(*m.previous);
  return j;
}

}  // namespace

std::vector<std::string> default_section_order() {
  std::vector<std::string> ids;
  for (const auto& s : kAgendaSections) ids.emplace_back(s.id);
  return ids;
}

const Section* find_section(std::string_view id) {
  for (const auto& s : kAgendaSections) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const Participant* Meeting::find_participant(std::string_view pid) const {
  return find_by_id(participants, pid);
}

Participant* Meeting::find_participant(std::string_view pid) {
  return find_by_id(participants, pid);
}

const Vote* Meeting::find_vote(std::string_view vote_id) const {
  return find_by_id(votes, vote_id);
}

Vote* Meeting::find_vote(std::string_view vote_id) {
  return find_by_id(votes, vote_id);
}

size_t Meeting::item_index(std::string_view item_id) const {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].id == item_id) return i;
  }
  return items.size();
}

nlohmann::json public_snapshot(const Meeting& m, const IsOnline& is_online,
                               const std::string& viewer) {
  nlohmann::json j = shared_json(
      m, [&](const Participant& p, nlohmann::json& pj) { pj["online"] = is_online(p.id); });
  nlohmann::json sections = nlohmann::json::array();
  for (const auto& id : m.sections) {
    sections.push_back({{"id", id}, {"title", find_section(id)->title}});
  }
  j["sections"] = std::move(sections);
  nlohmann::json votes = nlohmann::json::array();
  for (const auto& v : m.votes) votes.push_back(public_vote_json(v, viewer));
  j["votes"] = std::move(votes);
  return j;
}

nlohmann::json state_to_json(const Meeting& m) {
  nlohmann::json j = shared_json(m, [](const Participant& p, nlohmann::json& pj) {
    nlohmann::json cids = nlohmann::json::array();
    for (const auto& [cid, seq] : p.recent_cids) cids.push_back({cid, seq});
    pj["recentCids"] = std::move(cids);
    if (p.away) pj["away"] = true;
  });
  j["version"] = m.version;
  j["sectionOrder"] = m.sections;
  nlohmann::json history = nlohmann::json::object();
  for (const auto& [key, h] : m.text_history) {
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& [seq, op] : h.ops) ops.push_back({seq, to_json(op)});
    history[key] = {{"floor", h.floor}, {"ops", std::move(ops)}};
  }
  j["textHistory"] = std::move(history);
  nlohmann::json votes = nlohmann::json::array();
  for (const auto& v : m.votes) votes.push_back(vote_state_json(v));
  j["votes"] = std::move(votes);
  return j;
}

Meeting state_from_json(const nlohmann::json& j) {
  Meeting m;
  m.id = j.at("id").get<std::string>();
  m.title = j.at("title").get<std::string>();
  m.goal = j.at("goal").get<std::string>();
  m.join_code = j.at("joinCode").get<std::string>();
  m.phase = parse_or_throw<Phase>(j.at("phase"), parse_phase);
  m.created_at = j.at("createdAt").get<int64_t>();
  if (auto it = j.find("previous"); it != j.end()) m.previous = previous_from_json(*it);
  m.current_section = j.value("currentSection", "");
  m.version = j.at("version").get<uint64_t>();
  for (const auto& pj : j.at("participants")) {
    Participant p;
    p.id = pj.at("id").get<std::string>();
    p.name = pj.at("name").get<std::string>();
    p.role = parse_or_throw<Role>(pj.at("role"), parse_role);
    p.attendance = parse_or_throw<Attendance>(pj.at("attendance"), parse_attendance);
    p.organisation = pj.at("organisation").get<std::string>();
    p.away = pj.value("away", false);
    p.removed = pj.value("removed", false);
    for (const auto& c : pj.at("recentCids")) {
      p.recent_cids.emplace_back(c.at(0).get<std::string>(), c.at(1).get<uint64_t>());
    }
    m.participants.push_back(std::move(p));
  }
  for (const auto& ij : j.at("items")) {
    ActionItem i;
    i.id = ij.at("id").get<std::string>();
    i.title = ij.at("title").get<std::string>();
    i.notes = ij.at("notes").get<std::string>();
    i.owner = ij.at("owner").get<std::string>();
    i.due = ij.at("due").get<std::string>();
    i.status = parse_or_throw<ItemStatus>(ij.at("status"), parse_item_status);
    i.created_by = ij.at("createdBy").get<std::string>();
    i.carried_from = carried_from_of(ij);
    m.items.push_back(std::move(i));
  }
  for (const auto& [key, hj] : j.at("textHistory").items()) {
    TextHistory& h = m.text_history[key];
    h.floor = hj.at("floor").get<uint64_t>();
    for (const auto& entry : hj.at("ops")) {
      auto op = text_op_from_json(entry.at(1));
      if (auto* r = std::get_if<Rejection>(&op)) throw std::invalid_argument(r->message);
      h.ops.emplace_back(entry.at(0).get<uint64_t>(), std::get<TextOp>(std::move(op)));
    }
  }
  // Snapshots taken before votes, partner updates and the queue existed have none.
  if (auto it = j.find("votes"); it != j.end()) {
    for (const auto& vj : *it) m.votes.push_back(vote_from_state_json(vj));
  }
  if (auto it = j.find("sectionOrder"); it != j.end()) {
    m.sections = it->get<std::vector<std::string>>();
    for (const auto& id : m.sections) {
      if (!find_section(id)) throw std::invalid_argument("unknown agenda section " + id);
    }
  }
  if (auto it = j.find("updates"); it != j.end()) m.updates = updates_from_json(*it);
  if (auto it = j.find("queue"); it != j.end()) m.queue = queue_from_json(*it);
  return m;
}

std::string text_key(TextField field, const std::string& item_id) {
  switch (field) {
    case TextField::goal:
      return "goal";
    case TextField::title:
      return item_id + ".title";
    case TextField::notes:
      return item_id + ".notes";
  }
  return "";
}

}  // namespace rt::core
