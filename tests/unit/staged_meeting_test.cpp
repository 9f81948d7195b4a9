// The staged meeting keeps its two copies equal by applying the same events to both: after
// any mix of commits, abandoned drafts and events from elsewhere, the draft handed out is
// the committed state, field for field (compared as the Redis snapshot stores them).
#include "core/staged_meeting.hpp"

#include <gtest/gtest.h>

#include "core/text_ot.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

using test::kNow;
using test::MeetingFixture;

TextOp op_of(const char* json) {
  return std::get<TextOp>(text_op_from_json(nlohmann::json::parse(json)));
}

// Decides `c` on the draft and applies its events there; returns them.
std::vector<Event> decide_on_draft(StagedMeeting& s, const std::string& actor,
                                   const std::string& cid, const Command& c) {
  Meeting& draft = s.draft();
  auto decision = decide(draft, actor, cid, c, kNow);
  auto* accepted = std::get_if<Accepted>(&decision);
  EXPECT_NE(accepted, nullptr) << cid << ": " << test::rejection_code(decision);
  if (!accepted) return {};
  for (const auto& e : accepted->events) apply(draft, e);
  return accepted->events;
}

void expect_draft_is_committed(StagedMeeting& s) {
  EXPECT_EQ(state_to_json(s.draft()), state_to_json(s.committed()));
}

TEST(StagedMeeting, CommitMakesTheDraftCommittedAndTheNextDraftEqualToIt) {
  MeetingFixture f;
  StagedMeeting s(f.m);
  auto events =
      decide_on_draft(s, f.member, "a", AddItem{"Flyer", "Ana", "", ItemStatus::proposed});
  auto more = decide_on_draft(s, f.fac, "b", SetGoal{"Every child ready"});
  events.insert(events.end(), more.begin(), more.end());
  EXPECT_EQ(s.committed().version, f.m.version) << "nothing moves before the commit";
  s.commit(events);

  Meeting expected = f.m;
  for (const auto& e : events) apply(expected, e);
  EXPECT_EQ(state_to_json(s.committed()), state_to_json(expected));
  expect_draft_is_committed(s);

  // Text histories and remembered cids too: a second round, on the recycled copy.
  std::string item = "i" + std::to_string(f.m.version + 1);
  auto edit =
      decide_on_draft(s, f.member, "c",
                      EditText{TextField::notes, item, s.committed().version, op_of(R"(["hi"])")});
  s.commit(edit);
  for (const auto& e : edit) apply(expected, e);
  EXPECT_EQ(state_to_json(s.committed()), state_to_json(expected));
  expect_draft_is_committed(s);
  // The remembered cid is in both copies: the same cid again is a duplicate on the draft.
  auto again = decide(s.draft(), f.member, "c", AddItem{"x", "", "", ItemStatus::proposed}, kNow);
  EXPECT_TRUE(std::holds_alternative<Duplicate>(again));
}

TEST(StagedMeeting, AnAbandonedDraftIsNotHandedOutAgain) {
  MeetingFixture f;
  StagedMeeting s(f.m);
  decide_on_draft(s, f.member, "a", AddItem{"Lost", "", "", ItemStatus::proposed});
  s.abandon();
  EXPECT_EQ(state_to_json(s.committed()), state_to_json(f.m));
  expect_draft_is_committed(s);
}

TEST(StagedMeeting, EventsFromElsewhereReachBothCopies) {
  MeetingFixture f;
  StagedMeeting s(f.m);
  s.draft();             // the spare copy is current
  MeetingFixture other;  // the same meeting, changed by another instance
  other.ok(other.member, "x", AddItem{"Theirs", "", "", ItemStatus::proposed});
  auto decision = decide(f.m, f.member, "x", AddItem{"Theirs", "", "", ItemStatus::proposed}, kNow);
  for (const auto& e : std::get<Accepted>(decision).events) s.apply_committed(e);
  EXPECT_EQ(state_to_json(s.committed()), state_to_json(other.m));
  expect_draft_is_committed(s);

  other.ok(other.fac, "y", SetGoal{"Reloaded"});
  s.replace(other.m);
  EXPECT_EQ(state_to_json(s.committed()), state_to_json(other.m));
  expect_draft_is_committed(s);
}

}  // namespace
}  // namespace rt::core
