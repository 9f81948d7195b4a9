// Live votes: their settings, ballots, tallies and what each audience may see of them
// (PROTOCOL.md, "Live votes"). Pure: the reducer decides, event.cpp folds, this file knows
// the rules of one vote.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/enums.hpp"
#include "core/rejection.hpp"

namespace rt::core {

// Locked when the vote opens.
struct VoteSettings {
  VoteMethod method = VoteMethod::consent;
  std::string question;
  std::vector<std::string> item_ids;
  VoteVisibility visibility = VoteVisibility::open;
  VoteResults results = VoteResults::live;
  bool allow_block = false;
  uint64_t dot_budget = 0;     // dots only
  uint64_t dots_per_item = 0;  // dots only
  std::optional<uint64_t> quorum;
  std::optional<uint64_t> time_limit_s;
  bool close_when_all_voted = false;
};

struct CastBallotRecord {
  nlohmann::json ballot;  // checked by check_ballot
  bool recorded = false;  // recorded by the facilitator for someone in the room
};

struct VoteClose {
  std::string reason;  // facilitator, deadline, all_voted, meeting_ended
  int64_t at = 0;
  bool quorum_met = true;
};

struct VoteResolution {
  std::string item_id;
  ItemStatus status = ItemStatus::proposed;
};

struct Vote {
  std::string id;
  VoteSettings settings;
  int64_t opened_at = 0;
  std::optional<int64_t> deadline;    // epoch ms, server time
  std::vector<std::string> eligible;  // voter keys: participant ids and "guest:<name>"
  // By voter key. For anonymous votes this is the only link between a person and a ballot;
  // it is kept in the stored state and log, never sent (see public_vote_json).
  std::map<std::string, CastBallotRecord> ballots;
  std::optional<VoteClose> closed;
  std::optional<VoteResolution> resolved;

  bool is_eligible(const std::string& key) const;
  // Closed, or past its deadline at `now_ms` (a ballot then is late even if the close event
  // is not committed yet).
  bool accepts_ballots(int64_t now_ms) const;
};

std::string guest_key(const std::string& name);

// Settings a facilitator asked for, checked on their own (item existence is the reducer's).
// Refuses with invalid_value or bad_message.
void check_settings(const VoteSettings& s);
// A ballot that fits the vote's method and limits; refuses with bad_ballot otherwise.
// Returns the ballot in canonical form (dots without zero entries).
nlohmann::json check_ballot(const VoteSettings& s, const nlohmann::json& ballot);

nlohmann::json tallies_json(const Vote& v);
bool quorum_met(const Vote& v);

// The data of the events of a vote (PROTOCOL.md): `after` is the vote with the new ballot
// (or at its close). What each kind says depends on the vote's visibility and results.
nlohmann::json ballot_cast_data(const Vote& after, const std::string& voter);
nlohmann::json ballot_cast_sealed(const Vote& after, const std::string& voter);
nlohmann::json vote_closed_data(const Vote& v, const std::string& reason);

// The settings as they appear in vote_opened and in snapshots.
nlohmann::json settings_json(const VoteSettings& s);
VoteSettings settings_from_json(const nlohmann::json& j);

// What `viewer` (a participant id) may see of the vote: never who voted what in an anonymous
// vote, never tallies of a hidden vote before it closes; their own ballot always.
nlohmann::json public_vote_json(const Vote& v, const std::string& viewer);
// Everything, for the stored state.
nlohmann::json vote_state_json(const Vote& v);
Vote vote_from_state_json(const nlohmann::json& j);

}  // namespace rt::core
