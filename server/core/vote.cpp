#include "core/vote.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/limits.hpp"
#include "core/stages.hpp"
#include "core/text.hpp"

namespace rt::core {
namespace {

constexpr std::array<std::string_view, 4> kConsentChoices{"agree", "disagree", "abstain", "block"};

[[noreturn]] void bad_ballot(const std::string& why) {
  refuse("bad_ballot", why);
}

void expect_only(const nlohmann::json& ballot, std::initializer_list<std::string_view> keys,
                 const char* method) {
  for (const auto& [key, value] : ballot.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      bad_ballot(std::string("a ") + method + " ballot has no field '" + key + "'");
    }
  }
}

nlohmann::json check_consent(const VoteSettings& s, const nlohmann::json& ballot) {
  expect_only(ballot, {"choice", "reason"}, "consent");
  auto choice = ballot.find("choice");
  if (choice == ballot.end() || !choice->is_string() ||
      std::find(kConsentChoices.begin(), kConsentChoices.end(),
                choice->get_ref<const std::string&>()) == kConsentChoices.end()) {
    bad_ballot("a consent ballot needs 'choice': agree, disagree, abstain or block");
  }
  const auto& c = choice->get_ref<const std::string&>();
  auto reason = ballot.find("reason");
  if (c != "block") {
    if (reason != ballot.end()) bad_ballot("only a block carries a reason");
    return {{"choice", c}};
  }
  if (!s.allow_block) bad_ballot("this vote does not allow blocks");
  if (reason == ballot.end() || !reason->is_string()) bad_ballot("a block needs a 'reason'");
  size_t n = code_points(reason->get_ref<const std::string&>());
  if (n == 0 || n > limits::kBlockReason) {
    bad_ballot("a block's reason must be 1 to " + std::to_string(limits::kBlockReason) +
               " characters");
  }
  return {{"choice", c}, {"reason", *reason}};
}

nlohmann::json check_fist(const nlohmann::json& ballot) {
  expect_only(ballot, {"fist"}, "fist-of-five");
  auto fist = ballot.find("fist");
  if (fist == ballot.end() || !fist->is_number_integer() || fist->get<int64_t>() < 0 ||
      fist->get<int64_t>() > 5) {
    bad_ballot("a fist-of-five ballot needs 'fist': a whole number from 0 to 5");
  }
  return {{"fist", fist->get<uint64_t>()}};
}

nlohmann::json check_stage(const nlohmann::json& ballot) {
  expect_only(ballot, {"stage"}, "stage check-in");
  auto stage = ballot.find("stage");
  if (stage == ballot.end() || !stage->is_string() ||
      !stage_index(stage->get_ref<const std::string&>())) {
    bad_ballot(
        "a stage check-in ballot needs 'stage': isolation, communication, coordination, "
        "collaboration or integration");
  }
  return {{"stage", *stage}};
}

nlohmann::json check_dots(const VoteSettings& s, const nlohmann::json& ballot) {
  expect_only(ballot, {"dots"}, "dot");
  auto dots = ballot.find("dots");
  if (dots == ballot.end() || !dots->is_object()) {
    bad_ballot("a dot ballot needs 'dots': an object of item id to number of dots");
  }
  nlohmann::json canonical = nlohmann::json::object();
  uint64_t total = 0;
  for (const auto& [item, n] : dots->items()) {
    if (std::find(s.item_ids.begin(), s.item_ids.end(), item) == s.item_ids.end()) {
      bad_ballot("item " + item + " is not part of this vote");
    }
    if (!n.is_number_integer() || n.get<int64_t>() < 0) {
      bad_ballot("dots on " + item + " must be a whole number, 0 or more");
    }
    uint64_t k = n.get<uint64_t>();
    if (k > s.dots_per_item) {
      bad_ballot("at most " + std::to_string(s.dots_per_item) + " dots on one item");
    }
    total += k;
    if (k > 0) canonical[item] = k;
  }
  if (total == 0) bad_ballot("a dot ballot places at least one dot");
  if (total > s.dot_budget) {
    bad_ballot(std::to_string(total) + " dots is over the budget of " +
               std::to_string(s.dot_budget));
  }
  return {{"dots", std::move(canonical)}};
}

nlohmann::json close_json(const VoteClose& c) {
  return {{"reason", c.reason}, {"at", c.at}, {"quorumMet", c.quorum_met}};
}

nlohmann::json resolution_json(const VoteResolution& r) {
  return {{"itemId", r.item_id}, {"status", name_of(r.status)}};
}

nlohmann::json ballots_json(const Vote& v) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, b] : v.ballots) {
    out.push_back({{"voter", key}, {"ballot", b.ballot}, {"recorded", b.recorded}});
  }
  return out;
}

}  // namespace

bool Vote::is_eligible(const std::string& key) const {
  return std::find(eligible.begin(), eligible.end(), key) != eligible.end();
}

bool Vote::accepts_ballots(int64_t now_ms) const {
  return !closed && (!deadline || now_ms < *deadline);
}

std::string guest_key(const std::string& name) {
  return "guest:" + name;
}

void check_settings(const VoteSettings& s) {
  auto invalid = [](const std::string& why) { refuse("invalid_value", why); };
  if (s.method == VoteMethod::dots) {
    if (s.item_ids.empty() || s.item_ids.size() > limits::kVoteItems) {
      invalid("a dot vote is on 1 to " + std::to_string(limits::kVoteItems) + " items");
    }
    if (s.dot_budget < 1 || s.dot_budget > limits::kDotBudget) {
      invalid("dotBudget must be 1 to " + std::to_string(limits::kDotBudget));
    }
    if (s.dots_per_item < 1 || s.dots_per_item > s.dot_budget) {
      invalid("dotsPerItem must be 1 to the dotBudget");
    }
  } else if (s.method == VoteMethod::stage) {
    // About the collaboration, not an item; anonymous so that people answer honestly.
    if (!s.item_ids.empty()) invalid("a stage check-in is about the collaboration, not an item");
    if (s.visibility != VoteVisibility::anonymous) invalid("a stage check-in is anonymous");
    if (s.dot_budget || s.dots_per_item) invalid("dotBudget and dotsPerItem are for dot votes");
  } else {
    if (s.item_ids.size() > 1) invalid("a consent or fist-of-five vote is on at most one item");
    if (s.dot_budget || s.dots_per_item) invalid("dotBudget and dotsPerItem are for dot votes");
  }
  if (s.allow_block && s.method != VoteMethod::consent) invalid("allowBlock is for consent votes");
  if (s.item_ids.empty() && s.question.empty() && s.method != VoteMethod::stage) {
    invalid("a vote needs a question or an action item");
  }
  for (size_t i = 0; i < s.item_ids.size(); ++i) {
    if (std::find(s.item_ids.begin(), s.item_ids.begin() + static_cast<std::ptrdiff_t>(i),
                  s.item_ids[i]) != s.item_ids.begin() + static_cast<std::ptrdiff_t>(i)) {
      invalid("item " + s.item_ids[i] + " is listed twice");
    }
  }
  if (s.quorum && (*s.quorum < 1 || *s.quorum > limits::kParticipants)) {
    invalid("quorum must be 1 to " + std::to_string(limits::kParticipants));
  }
  if (s.time_limit_s &&
      (*s.time_limit_s < limits::kVoteMinSeconds || *s.time_limit_s > limits::kVoteMaxSeconds)) {
    invalid("timeLimit must be " + std::to_string(limits::kVoteMinSeconds) + " to " +
            std::to_string(limits::kVoteMaxSeconds) + " seconds");
  }
}

nlohmann::json check_ballot(const VoteSettings& s, const nlohmann::json& ballot) {
  if (!ballot.is_object()) bad_ballot("a ballot is a JSON object");
  switch (s.method) {
    case VoteMethod::consent:
      return check_consent(s, ballot);
    case VoteMethod::fist:
      return check_fist(ballot);
    case VoteMethod::dots:
      return check_dots(s, ballot);
    case VoteMethod::stage:
      return check_stage(ballot);
  }
  bad_ballot("unknown method");
}

nlohmann::json tallies_json(const Vote& v) {
  switch (v.settings.method) {
    case VoteMethod::consent: {
      nlohmann::json t = {{"agree", 0}, {"disagree", 0}, {"abstain", 0}, {"block", 0}};
      std::vector<std::string> reasons;
      for (const auto& [key, b] : v.ballots) {
        const auto& choice = b.ballot.at("choice").get_ref<const std::string&>();
        t[choice] = t[choice].get<uint64_t>() + 1;
        if (choice == "block") reasons.push_back(b.ballot.at("reason").get<std::string>());
      }
      // Sorted, not in voter order: the order must not hint at who blocked.
      std::sort(reasons.begin(), reasons.end());
      t["reasons"] = reasons;
      return t;
    }
    case VoteMethod::fist: {
      std::array<uint64_t, 6> counts{};
      for (const auto& [key, b] : v.ballots) counts.at(b.ballot.at("fist").get<size_t>())++;
      return {{"counts", counts}};
    }
    case VoteMethod::dots: {
      nlohmann::json dots = nlohmann::json::object();
      for (const auto& item : v.settings.item_ids) dots[item] = 0;
      for (const auto& [key, b] : v.ballots) {
        for (const auto& [item, n] : b.ballot.at("dots").items()) {
          dots[item] = dots[item].get<uint64_t>() + n.get<uint64_t>();
        }
      }
      return {{"dots", std::move(dots)}};
    }
    case VoteMethod::stage: {
      nlohmann::json stages = nlohmann::json::object();
      for (const auto& stage : kStages) stages[std::string(stage.id)] = 0;
      for (const auto& [key, b] : v.ballots) {
        auto& n = stages[b.ballot.at("stage").get<std::string>()];
        n = n.get<uint64_t>() + 1;
      }
      return {{"stages", std::move(stages)}};
    }
  }
  return nullptr;
}

bool quorum_met(const Vote& v) {
  return !v.settings.quorum || v.ballots.size() >= *v.settings.quorum;
}

nlohmann::json ballot_cast_data(const Vote& after, const std::string& voter) {
  nlohmann::json d = {
      {"voteId", after.id}, {"voted", after.ballots.size()}, {"eligible", after.eligible.size()}};
  bool live = after.settings.results == VoteResults::live;
  if (after.settings.visibility == VoteVisibility::open) {
    const CastBallotRecord& b = after.ballots.at(voter);
    d["voter"] = voter;
    d["recorded"] = b.recorded;
    if (live) d["ballot"] = b.ballot;
  }
  if (live) d["tallies"] = tallies_json(after);
  return d;
}

nlohmann::json ballot_cast_sealed(const Vote& after, const std::string& voter) {
  const CastBallotRecord& b = after.ballots.at(voter);
  return {{"voter", voter}, {"ballot", b.ballot}, {"recorded", b.recorded}};
}

nlohmann::json vote_closed_data(const Vote& v, const std::string& reason) {
  nlohmann::json d = {{"voteId", v.id},
                      {"reason", reason},
                      {"eligible", v.eligible.size()},
                      {"voted", v.ballots.size()},
                      {"quorumMet", quorum_met(v)},
                      {"tallies", tallies_json(v)}};
  // Who voted what, in an open vote whose ballots were hidden until now. With live results
  // every client has them already from ballot_cast: 500 of them are 30 KB per screen.
  if (v.settings.visibility == VoteVisibility::open && v.settings.results == VoteResults::hidden) {
    d["ballots"] = ballots_json(v);
  }
  return d;
}

nlohmann::json settings_json(const VoteSettings& s) {
  nlohmann::json j = {{"method", name_of(s.method)},
                      {"question", s.question},
                      {"itemIds", s.item_ids},
                      {"visibility", name_of(s.visibility)},
                      {"results", name_of(s.results)},
                      {"allowBlock", s.allow_block},
                      {"closeWhenAllVoted", s.close_when_all_voted}};
  if (s.method == VoteMethod::dots) {
    j["dotBudget"] = s.dot_budget;
    j["dotsPerItem"] = s.dots_per_item;
  }
  if (s.quorum) j["quorum"] = *s.quorum;
  return j;
}

VoteSettings settings_from_json(const nlohmann::json& j) {
  auto parsed = [](auto v) {
    if (!v) throw std::invalid_argument("vote settings with an unknown value");
    return *v;
  };
  VoteSettings s;
  s.method = parsed(parse_vote_method(j.at("method").get<std::string>()));
  s.question = j.at("question").get<std::string>();
  s.item_ids = j.at("itemIds").get<std::vector<std::string>>();
  s.visibility = parsed(parse_vote_visibility(j.at("visibility").get<std::string>()));
  s.results = parsed(parse_vote_results(j.at("results").get<std::string>()));
  s.allow_block = j.at("allowBlock").get<bool>();
  s.close_when_all_voted = j.at("closeWhenAllVoted").get<bool>();
  s.dot_budget = j.value("dotBudget", uint64_t{0});
  s.dots_per_item = j.value("dotsPerItem", uint64_t{0});
  if (j.contains("quorum")) s.quorum = j.at("quorum").get<uint64_t>();
  return s;
}

nlohmann::json public_vote_json(const Vote& v, const std::string& viewer) {
  nlohmann::json j = settings_json(v.settings);
  j["id"] = v.id;
  j["state"] = v.closed ? "closed" : "open";
  j["openedAt"] = v.opened_at;
  if (v.deadline) j["deadline"] = *v.deadline;
  j["eligible"] = v.eligible;
  j["voted"] = v.ballots.size();
  bool open_visibility = v.settings.visibility == VoteVisibility::open;
  bool results_visible = v.settings.results == VoteResults::live || v.closed;
  if (open_visibility) {
    nlohmann::json voters = nlohmann::json::array();
    for (const auto& [key, b] : v.ballots) voters.push_back(key);
    j["voters"] = std::move(voters);
    if (results_visible) j["ballots"] = ballots_json(v);
  }
  if (results_visible) j["tallies"] = tallies_json(v);
  if (v.closed) j["closed"] = close_json(*v.closed);
  if (v.resolved) {
    j["resolved"] = resolution_json(*v.resolved);
  }
  if (auto mine = v.ballots.find(viewer); mine != v.ballots.end()) {
    j["yourBallot"] = mine->second.ballot;
    j["yourBallotRecorded"] = mine->second.recorded;
  }
  return j;
}

nlohmann::json vote_state_json(const Vote& v) {
  nlohmann::json j = {{"id", v.id},
                      {"settings", settings_json(v.settings)},
                      {"openedAt", v.opened_at},
                      {"eligible", v.eligible},
                      {"ballots", ballots_json(v)}};
  if (v.deadline) j["deadline"] = *v.deadline;
  if (v.closed) j["closed"] = close_json(*v.closed);
  if (v.resolved) {
    j["resolved"] = resolution_json(*v.resolved);
  }
  return j;
}

Vote vote_from_state_json(const nlohmann::json& j) {
  Vote v;
  v.id = j.at("id").get<std::string>();
  v.settings = settings_from_json(j.at("settings"));
  v.opened_at = j.at("openedAt").get<int64_t>();
  if (j.contains("deadline")) v.deadline = j.at("deadline").get<int64_t>();
  v.eligible = j.at("eligible").get<std::vector<std::string>>();
  for (const auto& b : j.at("ballots")) {
    v.ballots[b.at("voter").get<std::string>()] = {b.at("ballot"), b.at("recorded").get<bool>()};
  }
  if (j.contains("closed")) {
    const auto& c = j.at("closed");
    v.closed = VoteClose{c.at("reason").get<std::string>(), c.at("at").get<int64_t>(),
                         c.at("quorumMet").get<bool>()};
  }
  if (j.contains("resolved")) {
    auto status = parse_item_status(j.at("resolved").at("status").get<std::string>());
    if (!status) throw std::invalid_argument("vote resolution with an unknown status");
    v.resolved = VoteResolution{j.at("resolved").at("itemId").get<std::string>(), *status};
  }
  return v;
}

}  // namespace rt::core
