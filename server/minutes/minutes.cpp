#include "minutes/minutes.hpp"

#include <map>
#include <utility>

#include "core/event.hpp"
#include "core/vote.hpp"

namespace rt::minutes {
namespace {

// Splits live time by the section the meeting was on, as the log moves it along.
class TimeKeeper {
 public:
  // After each event: the time since the previous one counts where the meeting was then.
  void observe(const core::Meeting& m, int64_t t) {
    advance(t);
    live_ = m.phase == core::Phase::live;
    section_ = m.current_section;
  }
  void advance(int64_t t) {
    if (live_) bucket() += t - mark_;
    mark_ = t;
  }
  const TimeReport& report() const { return report_; }

 private:
  int64_t& bucket() {
    if (section_ == "action_items") return report_.action_items_ms;
    if (section_ == "partner_updates") return report_.partner_updates_ms;
    return report_.other_ms;
  }

  bool live_ = false;
  int64_t mark_ = 0;
  std::string section_;
  TimeReport report_;
};

std::array<uint64_t, core::kStages.size()> stage_counts(const core::Vote& v) {
  std::array<uint64_t, core::kStages.size()> counts{};
  const nlohmann::json tallies = core::tallies_json(v);
  const auto& stages = tallies.at("stages");
  for (size_t i = 0; i < core::kStages.size(); ++i) {
    counts[i] = stages.at(std::string(core::kStages[i].id)).get<uint64_t>();
  }
  return counts;
}

Decision decision_of(const core::Vote& v,
                     const std::vector<std::pair<std::string, std::string>>& items) {
  Decision d;
  d.vote_id = v.id;
  d.method = v.settings.method;
  d.visibility = v.settings.visibility;
  d.question = v.settings.question;
  d.items = items;
  d.opened_at = v.opened_at;
  d.closed_at = v.closed->at;
  d.close_reason = v.closed->reason;
  d.eligible = v.eligible.size();
  d.voted = v.ballots.size();
  d.quorum = v.settings.quorum;
  d.quorum_met = v.closed->quorum_met;
  d.tallies = core::tallies_json(v);
  if (v.resolved) d.outcome = v.resolved->status;
  return d;
}

Slot slot_of(const core::PartnerSlot& s, int64_t as_of) {
  Slot out{s.id,      s.organisation,
           s.speaker, static_cast<int64_t>(s.seconds + s.extended_seconds) * 1000,
           s.used_ms, s.overrun_ms,
           s.state,   s.end_reason};
  if (s.active()) {
    // Still running while the meeting is: what it used so far.
    int64_t remaining = s.remaining_at(as_of);
    out.used_ms = s.budget_ms() - remaining;
    out.overrun_ms = std::max<int64_t>(0, -remaining);
  }
  return out;
}

}  // namespace

double TimeReport::partner_update_share() const {
  return live_ms > 0 ? static_cast<double>(partner_updates_ms) / static_cast<double>(live_ms) : 0;
}

Minutes project(const std::vector<std::string>& stored_log, int64_t now_ms,
                std::optional<int64_t> until) {
  core::Meeting m;
  Minutes out;
  TimeKeeper time;
  std::map<std::string, std::pair<int64_t, std::optional<int64_t>>> presence;  // joined, left
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> vote_items;
  std::optional<core::Event> end;  // the phase_set that ended the meeting

  for (const auto& stored : stored_log) {
    core::Event e = core::event_from_json(nlohmann::json::parse(stored));
    // What the ending command did is part of the meeting; anything later is not.
    if (end && (e.cid != end->cid || e.actor != end->actor)) break;
    if (until && e.at > *until) break;
    core::apply(m, e);
    time.observe(m, e.at);
    const auto& d = e.data;
    if (e.kind == "participant_joined") {
      presence[d.at("participantId").get<std::string>()] = {e.at, std::nullopt};
    } else if (e.kind == "participant_left") {
      presence.at(d.at("participantId").get<std::string>()).second = d.at("since").get<int64_t>();
    } else if (e.kind == "participant_returned") {
      presence.at(d.at("participantId").get<std::string>()).second.reset();
    } else if (e.kind == "phase_set") {
      if (m.phase == core::Phase::live && !out.started_at) out.started_at = e.at;
      if (m.phase == core::Phase::ended) {
        out.ended_at = e.at;
        end = e;
      }
    } else if (e.kind == "vote_closed") {
      const core::Vote* v = m.find_vote(d.at("voteId").get<std::string>());
      auto& titles = vote_items[v->id];
      for (const auto& id : v->settings.item_ids) {
        size_t i = m.item_index(id);
        titles.emplace_back(id, i < m.items.size() ? m.items[i].title : "");
      }
    }
  }

  out.final = out.ended_at.has_value();
  out.as_of = out.ended_at.value_or(until ? std::min(now_ms, *until) : now_ms);
  time.advance(out.as_of);
  out.time = time.report();
  out.time.live_ms = out.time.action_items_ms + out.time.partner_updates_ms + out.time.other_ms;

  out.meeting_id = m.id;
  out.title = m.title;
  out.goal = m.goal;
  out.created_at = m.created_at;
  out.previous = m.previous;
  for (const auto& p : m.participants) {
    const auto& [joined, left] = presence.at(p.id);
    out.attendees.push_back({p.id, p.name, p.organisation, p.role, p.attendance, joined, left});
  }
  for (const auto& i : m.items) {
    out.items.push_back({i.id, i.title, i.owner, i.due, i.notes, i.status, i.carried_from});
  }
  for (const auto& v : m.votes) {
    if (!v.closed) continue;  // its results are not out yet
    if (v.settings.method == core::VoteMethod::stage) {
      out.stage = StageCheckIn{m.id, m.title, m.created_at, stage_counts(v)};
    } else {
      out.decisions.push_back(decision_of(v, vote_items[v.id]));
    }
  }
  for (const auto& s : m.updates.slots) out.slots.push_back(slot_of(s, out.as_of));
  if (out.stage) out.stage_history.push_back(*out.stage);
  return out;
}

}  // namespace rt::minutes
