#include "fuzz_support.hpp"

#include <cstdlib>
#include <variant>

#include "core/command.hpp"
#include "core/event.hpp"
#include "core/reducer.hpp"
#include "core/token.hpp"

namespace rt::fuzz {
namespace {

constexpr int64_t kMinute = 60'000;

class Script {
 public:
  explicit Script(Scripted& s) : s_(s) {
    auto created =
        core::meeting_created(kMeetingId, "Readiness <b>Council</b> & \"friends\"",
                              "Every child ready,\r\n=SUM(A1) \xF0\x9F\x91\x8B", kJoinCode, kNow);
    core::apply(s_.m, created);
    s_.log.push_back(core::to_stored(created));
  }

  // Decides and applies a command that must be accepted; returns the seq of its last event.
  uint64_t ok(const std::string& actor, const std::string& cid, const core::Command& c,
              int64_t at) {
    core::Decision d = core::decide(s_.m, actor, cid, c, at);
    if (auto* r = std::get_if<core::Rejection>(&d)) {
      std::fprintf(stderr, "fuzz fixture: %s refused: %s %s\n", cid.c_str(), r->code.c_str(),
                   r->message.c_str());
      std::abort();
    }
    if (auto* a = std::get_if<core::Accepted>(&d)) {
      for (const auto& e : a->events) {
        core::apply(s_.m, e);
        s_.log.push_back(core::to_stored(e));
      }
    }
    return s_.m.version;
  }
  std::string join(const std::string& name, core::Attendance attendance, const std::string& org,
                   core::Role role, int64_t at) {
    return "p" +
           std::to_string(ok("", "join-" + name, core::Join{name, attendance, org, role}, at));
  }

 private:
  Scripted& s_;
};

}  // namespace

Scripted scripted_meeting(bool ended) {
  using core::Attendance;
  using core::ItemStatus;
  using core::Role;
  Scripted s;
  Script run(s);
  s.fac = run.join("Sam", Attendance::room, "School District", Role::facilitator, kNow);
  s.member = run.join("Ana <i>", Attendance::remote, "=Town Library", Role::member, kNow);
  s.member2 = run.join("Ben, \"B\"", Attendance::room, "Head Start\n", Role::member, kNow);
  s.observer = run.join("Projector", Attendance::room, "", Role::observer, kNow);
  s.removed = run.join("Eve", Attendance::remote, "Elsewhere", Role::member, kNow);

  run.ok(s.member, "a1",
         core::AddItem{"Book fair flyer", "Ana", "2026-12-01", ItemStatus::proposed},
         kNow + kMinute);
  run.ok(s.member2, "b1",
         core::AddItem{"+Library card drive;", "Ben", "", ItemStatus::agreed,
                       "Two per shift\n1. mornings\r\n- @evenings"},
         kNow + kMinute);
  run.ok(s.fac, "f1", core::AddItem{"Volunteer rota", "", "2027-01-15", ItemStatus::in_progress},
         kNow + kMinute);
  const std::string first = s.m.items[0].id, second = s.m.items[1].id;
  run.ok(s.fac, "f2", core::AddSlot{"Town Library", "Maria", 300}, kNow + 2 * kMinute);
  run.ok(s.fac, "f3", core::AddSlot{"Head Start", "Ben", 120}, kNow + 2 * kMinute);
  run.ok(s.fac, "f4", core::SetPhase{core::Phase::live}, kNow + 3 * kMinute);
  run.ok(s.fac, "f5", core::RemoveParticipant{s.removed}, kNow + 3 * kMinute);

  // Character edits, so that an edit_text based on an older version is transformed.
  auto op = [](const nlohmann::json& j) {
    return std::get<core::TextOp>(core::text_op_from_json(j));
  };
  uint64_t before_edits = s.m.version;
  run.ok(s.fac, "f6",
         core::EditText{core::TextField::goal, "", before_edits, op({6, "\xC3\xA9", {{"d", 2}}})},
         kNow + 4 * kMinute);
  run.ok(s.member, "a2",
         core::EditText{core::TextField::title, first, before_edits, op({4, " big"})},
         kNow + 4 * kMinute);
  run.ok(s.member2, "b2",
         core::EditText{core::TextField::notes, second, before_edits, op({"Note: "})},
         kNow + 4 * kMinute);

  core::VoteSettings consent;
  consent.item_ids = {first};
  consent.allow_block = true;
  consent.quorum = 2;
  run.ok(s.fac, "f7", core::OpenVote{consent}, kNow + 5 * kMinute);
  run.ok(s.member, "a3", core::CastBallot{s.m.votes.back().id, {{"choice", "agree"}}},
         kNow + 5 * kMinute);

  core::VoteSettings fist;
  fist.method = core::VoteMethod::fist;
  fist.question = "How confident are we? <script>";
  run.ok(s.fac, "f8", core::OpenVote{fist}, kNow + 6 * kMinute);
  std::string fist_id = s.m.votes.back().id;
  run.ok(s.member2, "b3", core::CastBallot{fist_id, {{"fist", 4}}}, kNow + 6 * kMinute);
  run.ok(s.fac, "f9", core::CloseVote{fist_id}, kNow + 7 * kMinute);

  core::VoteSettings dots;
  dots.method = core::VoteMethod::dots;
  dots.item_ids = {first, second};
  dots.visibility = core::VoteVisibility::anonymous;
  dots.results = core::VoteResults::hidden;
  dots.dot_budget = 3;
  dots.dots_per_item = 2;
  dots.time_limit_s = 120;
  run.ok(s.fac, "f10", core::OpenVote{dots}, kNow + 8 * kMinute);
  run.ok(s.member2, "b4", core::CastBallot{s.m.votes.back().id, {{"dots", {{first, 2}}}}},
         kNow + 8 * kMinute);

  run.ok(s.fac, "f11", core::StartSlot{s.m.updates.slots[0].id}, kNow + 9 * kMinute);
  run.ok(s.member, "a4", core::RaiseHand{}, kNow + 9 * kMinute);
  run.ok(s.member2, "b5", core::RaiseHand{}, kNow + 9 * kMinute);
  if (ended) run.ok(s.fac, "end", core::SetPhase{core::Phase::ended}, kNow + 20 * kMinute);
  return s;
}

std::vector<std::pair<std::string, std::string>> scripted_tokens(const Scripted& s) {
  auto token = [](const std::string& meeting, const std::string& pid, core::Role role,
                  int64_t expires) {
    return core::sign_token({meeting, pid, role, expires}, kSecret);
  };
  int64_t later = kNow + core::kMemberTokenLifetimeMs;
  return {{"facilitator", token(kMeetingId, "", core::Role::facilitator, later)},
          {"member", token(kMeetingId, s.member, core::Role::member, later)},
          {"observer", token(kMeetingId, s.observer, core::Role::observer, later)},
          {"removed", token(kMeetingId, s.removed, core::Role::member, later)},
          {"expired", token(kMeetingId, s.member, core::Role::member, kNow - 1)},
          {"other_meeting", token("m2", "", core::Role::facilitator, later)}};
}

void print_fixture_if_asked() {
  if (!std::getenv("RT_FUZZ_PRINT_FIXTURE")) return;
  Scripted s = scripted_meeting();
  auto line = [](const std::string& name, const std::string& value) {
    std::printf("%s %s\n", name.c_str(), value.c_str());
  };
  for (const auto& [name, token] : scripted_tokens(s)) line("token_" + name, token);
  line("version", std::to_string(s.m.version));
  line("facilitator", s.fac);
  line("member", s.member);
  line("member2", s.member2);
  line("observer", s.observer);
  line("removed", s.removed);
  for (size_t i = 0; i < s.m.items.size(); ++i) line("item" + std::to_string(i), s.m.items[i].id);
  for (size_t i = 0; i < s.m.votes.size(); ++i) line("vote" + std::to_string(i), s.m.votes[i].id);
  for (size_t i = 0; i < s.m.updates.slots.size(); ++i)
    line("slot" + std::to_string(i), s.m.updates.slots[i].id);
  std::exit(0);
}

}  // namespace rt::fuzz
