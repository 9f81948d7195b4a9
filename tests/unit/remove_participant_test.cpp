// Removing a participant: only the facilitator, only members and observers; the removed
// person can do nothing more, their hand comes down, and the removal survives a replay.
#include <gtest/gtest.h>

#include "core/event.hpp"
#include "core/reducer.hpp"
#include "core/replay.hpp"
#include "core/vote.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

using test::kNow;
using test::MeetingFixture;
using test::rejection_code;

TEST(RemoveParticipant, OnlyTheFacilitatorRemovesMembersAndObservers) {
  MeetingFixture f;
  EXPECT_EQ(rejection_code(f.run(f.member, "m1", RemoveParticipant{f.observer})), "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.observer, "o1", RemoveParticipant{f.member})), "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.fac, "f1", RemoveParticipant{f.fac})), "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.fac, "f2", RemoveParticipant{"p99"})), "not_found");

  uint64_t seq = f.ok(f.fac, "f3", RemoveParticipant{f.observer});
  EXPECT_TRUE(f.m.find_participant(f.observer)->removed);
  EXPECT_EQ(rejection_code(f.run(f.fac, "f4", RemoveParticipant{f.observer})), "not_found")
      << "removed once";
  EXPECT_EQ(seq, f.m.version);
}

TEST(RemoveParticipant, TheRemovedCanDoNothingMore) {
  MeetingFixture f;
  f.ok(f.fac, "f1", RemoveParticipant{f.member});
  EXPECT_EQ(rejection_code(f.run(f.member, "m1", AddItem{"x", "", "", ItemStatus::proposed})),
            "removed");
  EXPECT_EQ(rejection_code(f.run(f.member, "m2", UpdateProfile{std::string("New"), {}, {}})),
            "removed");
  FocusRequest focus{"c", std::nullopt, std::nullopt};
  ASSERT_TRUE(check_focus(f.m, f.member, focus).has_value());
  EXPECT_EQ(check_focus(f.m, f.member, focus)->code, "removed");
  // The others go on.
  f.ok(f.fac, "f2", AddItem{"Still here", "", "", ItemStatus::proposed});
}

TEST(RemoveParticipant, VotesOpenedAfterwardsDoNotCountThem) {
  MeetingFixture f;
  f.ok(f.fac, "f1", RemoveParticipant{f.member});
  VoteSettings s;
  s.method = VoteMethod::consent;
  s.question = "Go ahead?";
  f.ok(f.fac, "f2", OpenVote{s});
  const Vote& v = f.m.votes.back();
  EXPECT_FALSE(v.is_eligible(f.member));
  EXPECT_TRUE(v.is_eligible(f.fac));
  RecordBallot hands;
  hands.vote_id = v.id;
  hands.participant_id = f.member;
  hands.ballot = {{"choice", "agree"}};
  EXPECT_EQ(rejection_code(f.run(f.fac, "f3", hands)), "not_found");
}

TEST(RemoveParticipant, ARaisedHandComesDownWithThem) {
  MeetingFixture f;
  f.ok(f.member, "m1", RaiseHand{});
  ASSERT_TRUE(f.m.queue.has_hand(f.member));
  auto d = decide(f.m, f.fac, "f1", RemoveParticipant{f.member}, kNow);
  auto& events = std::get<Accepted>(d).events;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, "participant_removed");
  EXPECT_EQ(events[1].kind, "hand_lowered");
  for (const auto& e : events) apply(f.m, e);
  EXPECT_FALSE(f.m.queue.has_hand(f.member));
}

TEST(RemoveParticipant, SurvivesReplayAndTheSnapshot) {
  MeetingFixture f;
  f.ok(f.fac, "f1", RemoveParticipant{f.member});
  Meeting replayed = replay("", f.log);
  EXPECT_TRUE(replayed.find_participant(f.member)->removed);
  Meeting restored = state_from_json(state_to_json(f.m));
  EXPECT_TRUE(restored.find_participant(f.member)->removed);
  auto snapshot = public_snapshot(
      f.m, [](const std::string&) { return false; }, f.fac);
  bool marked = false;
  for (const auto& p : snapshot.at("participants")) {
    if (p.at("id") == f.member) marked = p.value("removed", false);
  }
  EXPECT_TRUE(marked);
}

}  // namespace
}  // namespace rt::core
