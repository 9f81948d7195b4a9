#include "minutes/render.hpp"

namespace rt::minutes {
namespace {

nlohmann::json optional_time(const std::optional<int64_t>& t) {
  return t ? nlohmann::json(*t) : nlohmann::json(nullptr);
}

nlohmann::json stage_json(const StageCheckIn& c) {
  nlohmann::json counts = nlohmann::json::object();
  for (size_t i = 0; i < core::kStages.size(); ++i) {
    counts[std::string(core::kStages[i].id)] = c.counts[i];
  }
  return {{"meetingId", c.meeting_id}, {"title", c.title}, {"date", c.date}, {"counts", counts}};
}

}  // namespace

nlohmann::json to_json(const Minutes& m) {
  nlohmann::json attendees = nlohmann::json::array();
  for (const auto& a : m.attendees) {
    attendees.push_back({{"participantId", a.id},
                         {"name", a.name},
                         {"organisation", a.organisation},
                         {"role", core::name_of(a.role)},
                         {"attendance", core::name_of(a.attendance)},
                         {"joinedAt", a.joined_at},
                         {"leftAt", optional_time(a.left_at)}});
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : m.items) {
    nlohmann::json j = {{"itemId", i.id},        {"title", i.title},
                        {"owner", i.owner},      {"due", i.due},
                        {"notes", i.notes},      {"status", core::name_of(i.status)},
                        {"carriedFrom", nullptr}};
    if (i.carried_from) j["carriedFrom"] = core::carried_from_json(*i.carried_from);
    items.push_back(std::move(j));
  }
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& d : m.decisions) {
    nlohmann::json on = nlohmann::json::array();
    for (const auto& [id, title] : d.items) on.push_back({{"itemId", id}, {"title", title}});
    decisions.push_back(
        {{"voteId", d.vote_id},
         {"method", core::name_of(d.method)},
         {"visibility", core::name_of(d.visibility)},
         {"question", d.question},
         {"items", std::move(on)},
         {"openedAt", d.opened_at},
         {"closedAt", d.closed_at},
         {"closeReason", d.close_reason},
         {"eligible", d.eligible},
         {"voted", d.voted},
         {"quorum", d.quorum ? nlohmann::json(*d.quorum) : nlohmann::json(nullptr)},
         {"quorumMet", d.quorum_met},
         {"tallies", d.tallies},
         {"outcome", d.outcome ? nlohmann::json(core::name_of(*d.outcome)) : nullptr}});
  }
  nlohmann::json slots = nlohmann::json::array();
  for (const auto& s : m.slots) {
    slots.push_back({{"slotId", s.id},
                     {"organisation", s.organisation},
                     {"speaker", s.speaker},
                     {"allottedMs", s.allotted_ms},
                     {"usedMs", s.used_ms},
                     {"overrunMs", s.overrun_ms},
                     {"state", core::name_of(s.state)},
                     {"endReason", s.end_reason}});
  }
  nlohmann::json history = nlohmann::json::array();
  for (const auto& c : m.stage_history) history.push_back(stage_json(c));
  return {{"meetingId", m.meeting_id},
          {"title", m.title},
          {"goal", m.goal},
          {"createdAt", m.created_at},
          {"startedAt", optional_time(m.started_at)},
          {"endedAt", optional_time(m.ended_at)},
          {"final", m.final},
          {"asOf", m.as_of},
          {"previous", m.previous ? core::previous_json(*m.previous) : nlohmann::json(nullptr)},
          {"attendees", std::move(attendees)},
          {"items", std::move(items)},
          {"decisions", std::move(decisions)},
          {"partnerUpdates", std::move(slots)},
          {"time",
           {{"liveMs", m.time.live_ms},
            {"actionItemsMs", m.time.action_items_ms},
            {"partnerUpdatesMs", m.time.partner_updates_ms},
            {"otherMs", m.time.other_ms},
            {"partnerUpdateShare", m.time.partner_update_share()}}},
          {"stage", m.stage ? stage_json(*m.stage) : nlohmann::json(nullptr)},
          {"stageHistory", std::move(history)}};
}

}  // namespace rt::minutes
