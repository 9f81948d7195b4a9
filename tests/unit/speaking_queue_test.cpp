// The speaking queue and the agenda order in the core (PROTOCOL.md "Speaking queue",
// "Agenda order").
#include <gtest/gtest.h>

#include "core/meeting.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

using test::kNow;
using test::rejection_code;

struct QueueFixture : test::MeetingFixture {
  std::string lee = join("Lee", Role::member);
  int n = 0;

  std::string act(const std::string& who, const QueueCommand& c, int64_t now = kNow) {
    return rejection_code(run(who, "q" + std::to_string(++n), c, now));
  }
  std::vector<std::string> order() const {
    std::vector<std::string> ids;
    for (const auto& h : m.queue.in_order()) ids.push_back(h.participant_id);
    return ids;
  }
};

TEST(SpeakingQueue, HandsQueueInTheOrderTheyWentUp) {
  QueueFixture f;
  EXPECT_EQ(f.act(f.lee, RaiseHand{}, kNow), "");
  EXPECT_EQ(f.act(f.member, RaiseHand{}, kNow + 1), "");
  EXPECT_EQ(f.act(f.fac, RaiseHand{}, kNow + 2), "");
  EXPECT_EQ(f.order(), (std::vector<std::string>{f.lee, f.member, f.fac}));
  EXPECT_EQ(f.m.queue.hands.front().raised_at, kNow);
  EXPECT_EQ(f.act(f.lee, RaiseHand{}), "bad_state") << "a second raise does not move you back";
  EXPECT_EQ(f.act(f.observer, RaiseHand{}), "forbidden");
}

TEST(SpeakingQueue, AnyoneLowersTheirOwnHandOnlyTheFacilitatorSomeoneElses) {
  QueueFixture f;
  f.act(f.lee, RaiseHand{});
  f.act(f.member, RaiseHand{});
  EXPECT_EQ(f.act(f.member, LowerHand{f.lee}), "forbidden");
  EXPECT_EQ(f.act(f.member, LowerHand{}), "");
  EXPECT_EQ(f.act(f.member, LowerHand{}), "bad_state");
  EXPECT_EQ(f.act(f.fac, LowerHand{f.lee}), "");
  EXPECT_TRUE(f.m.queue.hands.empty());
}

TEST(SpeakingQueue, CallingTakesTheFirstInOrderOrTheOneNamed) {
  QueueFixture f;
  EXPECT_EQ(f.act(f.fac, CallNext{}), "bad_state") << "nobody to call";
  f.act(f.lee, RaiseHand{});
  f.act(f.member, RaiseHand{});
  EXPECT_EQ(f.act(f.member, CallNext{}), "forbidden");
  EXPECT_EQ(f.act(f.fac, CallNext{}), "");
  EXPECT_EQ(f.m.queue.speaker, f.lee);
  EXPECT_EQ(f.m.queue.turns.at(f.lee), 1u);
  EXPECT_EQ(f.order(), std::vector<std::string>{f.member});
  EXPECT_EQ(f.act(f.fac, CallNext{f.lee}), "bad_state") << "Lee's hand is down now";
  EXPECT_EQ(f.act(f.fac, CallNext{f.member}), "");
  EXPECT_EQ(f.m.queue.speaker, f.member);
}

TEST(SpeakingQueue, FewestTurnsFavoursThoseWhoSpokeLeastThenRaiseOrder) {
  QueueFixture f;
  f.act(f.lee, RaiseHand{});
  f.act(f.fac, CallNext{});  // Lee has had a turn
  f.act(f.lee, RaiseHand{}, kNow + 1);
  f.act(f.member, RaiseHand{}, kNow + 2);
  f.act(f.fac, RaiseHand{}, kNow + 3);
  EXPECT_EQ(f.order(), (std::vector<std::string>{f.lee, f.member, f.fac}));
  EXPECT_EQ(f.act(f.member, SetQueueOrder{QueueOrder::fewest_turns}), "forbidden");
  EXPECT_EQ(f.act(f.fac, SetQueueOrder{QueueOrder::fewest_turns}), "");
  EXPECT_EQ(f.order(), (std::vector<std::string>{f.member, f.fac, f.lee}));
  f.act(f.fac, CallNext{});
  EXPECT_EQ(f.m.queue.speaker, f.member);
}

TEST(SpeakingQueue, ClearingTakesEveryHandDownAndEndingTheMeetingToo) {
  QueueFixture f;
  f.act(f.lee, RaiseHand{});
  f.act(f.member, RaiseHand{});
  f.act(f.fac, CallNext{});
  EXPECT_EQ(f.act(f.member, ClearQueue{}), "forbidden");
  EXPECT_EQ(f.act(f.fac, ClearQueue{}), "");
  EXPECT_TRUE(f.m.queue.hands.empty());
  EXPECT_TRUE(f.m.queue.speaker.empty());
  EXPECT_EQ(f.m.queue.turns.at(f.lee), 1u) << "turns are the meeting's history";
  f.act(f.lee, RaiseHand{});
  f.ok(f.fac, "end", SetPhase{Phase::ended});
  EXPECT_TRUE(f.m.queue.hands.empty());
}

TEST(SpeakingQueue, SurvivesARestartThroughTheStoredState) {
  QueueFixture f;
  f.act(f.lee, RaiseHand{});
  f.act(f.fac, CallNext{});
  f.act(f.member, RaiseHand{}, kNow + 5);
  f.act(f.fac, SetQueueOrder{QueueOrder::fewest_turns});
  Meeting restored = state_from_json(state_to_json(f.m));
  EXPECT_EQ(queue_json(restored.queue), queue_json(f.m.queue));
}

TEST(AgendaOrder, SectionsMoveButTheGoalStaysOnTop) {
  test::MeetingFixture f;
  EXPECT_EQ(f.m.sections,
            (std::vector<std::string>{"goal", "action_items", "partner_updates", "wrap_up"}));
  EXPECT_EQ(rejection_code(f.run(f.member, "s1", MoveSection{"partner_updates", 1})), "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.fac, "s2", MoveSection{"goal", 2})), "invalid_value");
  EXPECT_EQ(rejection_code(f.run(f.fac, "s3", MoveSection{"action_items", 0})), "invalid_value");
  EXPECT_EQ(rejection_code(f.run(f.fac, "s4", MoveSection{"minutes", 1})), "invalid_value");
  f.ok(f.fac, "s5", MoveSection{"partner_updates", 1});
  EXPECT_EQ(f.m.sections,
            (std::vector<std::string>{"goal", "partner_updates", "action_items", "wrap_up"}));
  f.ok(f.fac, "s6", MoveSection{"partner_updates", 99});
  EXPECT_EQ(f.m.sections,
            (std::vector<std::string>{"goal", "action_items", "wrap_up", "partner_updates"}));
  auto snapshot = public_snapshot(
      f.m, [](const std::string&) { return false; }, f.fac);
  EXPECT_EQ(snapshot["sections"][3]["id"], "partner_updates");
  EXPECT_EQ(snapshot["sections"][3]["title"], "Partner updates");
  EXPECT_EQ(state_from_json(state_to_json(f.m)).sections, f.m.sections);
}

}  // namespace
}  // namespace rt::core
