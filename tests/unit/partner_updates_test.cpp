// Partner updates in the core, on a fake clock: every transition of PROTOCOL.md "Partner
// updates" (start, pause, resume, extend, expire, overrun, auto-advance, next, skip) and
// its bounds, without sleeping.
#include <gtest/gtest.h>

#include "core/clock_duties.hpp"
#include "core/event.hpp"
#include "core/meeting.hpp"
#include "core/replay.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

using test::kNow;
using test::rejection_code;

constexpr int64_t kSecond = 1000;

struct SlotFixture : test::MeetingFixture {
  int n = 0;
  std::string cid() { return "c" + std::to_string(++n); }

  std::string add(const std::string& org, uint64_t seconds) {
    ok(fac, cid(), SlotCommand{AddSlot{org, "", seconds}});
    return "u" + std::to_string(m.version);
  }
  // The facilitator's command at `now`: the rejection code, "" when accepted.
  std::string drive(const SlotCommand& c, int64_t now = kNow) {
    return rejection_code(run(fac, cid(), c, now));
  }
  // The server's clock at `now`: what its due duties make (each decided like the room does).
  std::vector<std::string> tick(int64_t now) {
    std::vector<std::string> kinds;
    for (const auto& duty : due_duties(m, now)) {
      auto d = decide(m, "", "clock:" + duty.key, duty.command, now);
      if (auto* a = std::get_if<Accepted>(&d)) {
        for (const auto& e : a->events) {
          apply(m, e);
          kinds.push_back(e.kind);
        }
      }
    }
    return kinds;
  }
  const PartnerSlot& slot(const std::string& id) const { return *m.updates.find(id); }
};

TEST(PartnerUpdates, OnlyTheFacilitatorListsAndDrivesSlots) {
  SlotFixture f;
  EXPECT_EQ(rejection_code(f.run(f.member, "a", SlotCommand{AddSlot{"Library", "", 120}})),
            "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.observer, "a", SlotCommand{AddSlot{"Library", "", 120}})),
            "forbidden");
  std::string u = f.add("Library", 120);
  EXPECT_EQ(rejection_code(f.run(f.member, "s", SlotCommand{StartSlot{u}})), "forbidden");
  EXPECT_EQ(f.slot(u).organisation, "Library");
  EXPECT_EQ(f.slot(u).state, SlotState::pending);
}

TEST(PartnerUpdates, DurationsAndExtensionsAreBoundedFromOneSecondToOneHour) {
  SlotFixture f;
  EXPECT_EQ(f.drive(AddSlot{"Library", "", 0}), "invalid_value");
  EXPECT_EQ(f.drive(AddSlot{"Library", "", 3601}), "invalid_value");
  std::string shortest = f.add("Library", 1);
  f.add("Schools", 3600);
  EXPECT_EQ(f.drive(UpdateSlot{shortest, std::nullopt, std::nullopt, 0}), "invalid_value");
  EXPECT_EQ(f.drive(StartSlot{shortest}), "");
  EXPECT_EQ(f.drive(ExtendSlot{shortest, 0}), "invalid_value");
  EXPECT_EQ(f.drive(ExtendSlot{shortest, 3601}), "invalid_value");
  EXPECT_EQ(f.drive(ExtendSlot{shortest, 3600}), "");
  EXPECT_EQ(f.slot(shortest).budget_ms(), 3601 * kSecond);
}

TEST(PartnerUpdates, AMeetingHoldsAtMostFiftySlots) {
  SlotFixture f;
  for (int i = 0; i < 50; ++i) f.add("Partner " + std::to_string(i), 60);
  EXPECT_EQ(f.drive(AddSlot{"One too many", "", 60}), "limit_reached");
}

TEST(PartnerUpdates, AStartedSlotCarriesAnAbsoluteDeadline) {
  SlotFixture f;
  std::string u = f.add("Library", 120);
  EXPECT_EQ(f.drive(StartSlot{u}, kNow + 5 * kSecond), "");
  EXPECT_EQ(f.slot(u).state, SlotState::running);
  EXPECT_EQ(f.slot(u).deadline, kNow + 125 * kSecond);
  EXPECT_EQ(f.slot(u).remaining_at(kNow + 35 * kSecond), 90 * kSecond);
}

TEST(PartnerUpdates, OneSlotRunsAtATime) {
  SlotFixture f;
  std::string a = f.add("Library", 120);
  std::string b = f.add("Schools", 120);
  EXPECT_EQ(f.drive(StartSlot{a}), "");
  EXPECT_EQ(f.drive(StartSlot{b}), "bad_state");
  EXPECT_EQ(f.drive(PauseSlot{a}), "");
  EXPECT_EQ(f.drive(StartSlot{b}), "bad_state") << "a paused slot is still the active one";
  EXPECT_EQ(f.drive(StartSlot{a}), "bad_state") << "a paused slot resumes, it does not restart";
}

TEST(PartnerUpdates, PauseKeepsTheRemainingTimeAndResumeSetsANewDeadline) {
  SlotFixture f;
  std::string u = f.add("Library", 120);
  f.drive(StartSlot{u}, kNow);
  EXPECT_EQ(f.drive(ResumeSlot{u}, kNow + 10 * kSecond), "bad_state");
  EXPECT_EQ(f.drive(PauseSlot{u}, kNow + 30 * kSecond), "");
  EXPECT_EQ(f.slot(u).state, SlotState::paused);
  EXPECT_EQ(f.slot(u).remaining_ms, 90 * kSecond);
  EXPECT_EQ(f.slot(u).remaining_at(kNow + 500 * kSecond), 90 * kSecond) << "paused: no time runs";
  EXPECT_EQ(f.drive(PauseSlot{u}, kNow + 40 * kSecond), "bad_state");
  EXPECT_TRUE(f.tick(kNow + 200 * kSecond).empty()) << "a paused slot never times out";
  EXPECT_EQ(f.drive(ResumeSlot{u}, kNow + 300 * kSecond), "");
  EXPECT_EQ(f.slot(u).deadline, kNow + 390 * kSecond);
}

TEST(PartnerUpdates, ExtendMovesTheDeadlineOrAddsToThePausedTime) {
  SlotFixture f;
  std::string u = f.add("Library", 120);
  EXPECT_EQ(f.drive(ExtendSlot{u, 30}), "bad_state") << "a pending slot is edited, not extended";
  f.drive(StartSlot{u}, kNow);
  EXPECT_EQ(f.drive(ExtendSlot{u, 30}, kNow + kSecond), "");
  EXPECT_EQ(f.slot(u).deadline, kNow + 150 * kSecond);
  f.drive(PauseSlot{u}, kNow + 50 * kSecond);
  EXPECT_EQ(f.drive(ExtendSlot{u, 60}, kNow + 60 * kSecond), "");
  EXPECT_EQ(f.slot(u).remaining_ms, 160 * kSecond);
  EXPECT_EQ(f.slot(u).extended_seconds, 90u);
}

TEST(PartnerUpdates, TheClockRecordsTheTimeOutExactlyOnceAndTheOverrunRuns) {
  SlotFixture f;
  std::string u = f.add("Library", 60);
  f.drive(StartSlot{u}, kNow);
  EXPECT_TRUE(f.tick(kNow + 59'999).empty());
  EXPECT_EQ(f.tick(kNow + 60 * kSecond), std::vector<std::string>{"slot_expired"});
  EXPECT_TRUE(f.slot(u).expired);
  EXPECT_EQ(f.slot(u).state, SlotState::running) << "without auto-advance the speaker runs over";
  EXPECT_TRUE(f.tick(kNow + 61 * kSecond).empty()) << "recorded once";
  // A second instance (or the same one after a restart) racing to record it is refused.
  auto late = decide(f.m, "", "clock:again", SlotCommand{ExpireSlot{u}}, kNow + 62 * kSecond);
  EXPECT_EQ(rejection_code(late), "not_due");
  EXPECT_EQ(f.slot(u).remaining_at(kNow + 75 * kSecond), -15 * kSecond);
  EXPECT_EQ(f.drive(NextSlot{u}, kNow + 75 * kSecond), "");
  EXPECT_EQ(f.slot(u).state, SlotState::done);
  EXPECT_EQ(f.slot(u).used_ms, 75 * kSecond);
  EXPECT_EQ(f.slot(u).overrun_ms, 15 * kSecond);
  EXPECT_EQ(f.slot(u).end_reason, "next");
}

TEST(PartnerUpdates, AClockDutyBeforeTheDeadlineIsRefused) {
  SlotFixture f;
  std::string u = f.add("Library", 60);
  f.drive(StartSlot{u}, kNow);
  auto early = decide(f.m, "", "clock:x", SlotCommand{ExpireSlot{u}}, kNow + 59 * kSecond);
  EXPECT_EQ(rejection_code(early), "not_due");
  auto client = f.run(f.fac, "forged", SlotCommand{ExpireSlot{u}}, kNow + 59 * kSecond);
  EXPECT_EQ(rejection_code(client), "not_due") << "a client cannot end someone's time early";
}

TEST(PartnerUpdates, TimeGivenBackAfterTheTimeOutArmsTheNextOne) {
  SlotFixture f;
  std::string u = f.add("Library", 60);
  f.drive(StartSlot{u}, kNow);
  f.tick(kNow + 60 * kSecond);
  EXPECT_EQ(f.drive(ExtendSlot{u, 30}, kNow + 65 * kSecond), "");
  EXPECT_FALSE(f.slot(u).expired);
  EXPECT_EQ(next_duty_at(f.m), kNow + 90 * kSecond);
  EXPECT_EQ(f.tick(kNow + 90 * kSecond), std::vector<std::string>{"slot_expired"});
  // An extension that still leaves the speaker over time does not arm another time-out.
  EXPECT_EQ(f.drive(ExtendSlot{u, 5}, kNow + 100 * kSecond), "");
  EXPECT_TRUE(f.slot(u).expired);
  EXPECT_EQ(next_duty_at(f.m), std::nullopt);
}

TEST(PartnerUpdates, AutoAdvanceCutsTheSlotAtItsDeadlineAndStartsTheNext) {
  SlotFixture f;
  std::string a = f.add("Library", 60);
  std::string b = f.add("Schools", 90);
  EXPECT_EQ(f.drive(SetAutoAdvance{true}), "");
  f.drive(StartSlot{a}, kNow);
  // Recorded 2 s late (a busy server, a restart): the slot still ends at its deadline.
  auto kinds = f.tick(kNow + 62 * kSecond);
  EXPECT_EQ(kinds, (std::vector<std::string>{"slot_expired", "slot_ended", "slot_started"}));
  EXPECT_EQ(f.slot(a).state, SlotState::done);
  EXPECT_EQ(f.slot(a).used_ms, 60 * kSecond);
  EXPECT_EQ(f.slot(a).overrun_ms, 0);
  EXPECT_EQ(f.slot(a).end_reason, "time");
  EXPECT_EQ(f.slot(b).state, SlotState::running);
  EXPECT_EQ(f.slot(b).deadline, kNow + 152 * kSecond);
  // The last slot ends and nothing follows.
  EXPECT_EQ(f.tick(kNow + 152 * kSecond), (std::vector<std::string>{"slot_expired", "slot_ended"}));
  EXPECT_EQ(f.m.updates.active(), nullptr);
}

TEST(PartnerUpdates, NextEndsTheActiveSlotAndStartsTheNextPendingOne) {
  SlotFixture f;
  std::string a = f.add("Library", 60);
  std::string b = f.add("Schools", 60);
  std::string c = f.add("Parks", 60);
  f.drive(SkipSlot{b});
  f.drive(StartSlot{a}, kNow);
  EXPECT_EQ(f.drive(NextSlot{a}, kNow + 20 * kSecond), "");
  EXPECT_EQ(f.slot(a).used_ms, 20 * kSecond);
  EXPECT_EQ(f.slot(b).state, SlotState::skipped) << "next goes to the next pending slot";
  EXPECT_EQ(f.slot(c).state, SlotState::running);
  // A double click (or a second facilitator tab) does not skip another speaker.
  EXPECT_EQ(f.drive(NextSlot{a}, kNow + 21 * kSecond), "bad_state");
  EXPECT_EQ(f.slot(c).state, SlotState::running);
}

TEST(PartnerUpdates, SkipMarksAPendingSlotOrEndsTheActiveOne) {
  SlotFixture f;
  std::string a = f.add("Library", 60);
  std::string b = f.add("Schools", 60);
  std::string c = f.add("Parks", 60);
  EXPECT_EQ(f.drive(SkipSlot{b}), "");
  EXPECT_EQ(f.slot(b).state, SlotState::skipped);
  EXPECT_EQ(f.slot(b).used_ms, 0);
  EXPECT_EQ(f.drive(StartSlot{a}, kNow), "");
  EXPECT_EQ(f.drive(SkipSlot{a}, kNow + 5 * kSecond), "");
  EXPECT_EQ(f.slot(a).state, SlotState::skipped);
  EXPECT_EQ(f.slot(a).used_ms, 5 * kSecond);
  EXPECT_EQ(f.slot(c).state, SlotState::running);
  EXPECT_EQ(f.drive(SkipSlot{a}), "bad_state");
  // The partner who arrived late speaks after all, with a fresh time-box.
  f.drive(NextSlot{c}, kNow + 10 * kSecond);
  EXPECT_EQ(f.drive(StartSlot{b}, kNow + 20 * kSecond), "");
  EXPECT_EQ(f.slot(b).deadline, kNow + 80 * kSecond);
  EXPECT_EQ(f.slot(b).end_reason, "");
}

TEST(PartnerUpdates, ASlotThatRanStaysForTheMinutes) {
  SlotFixture f;
  std::string a = f.add("Library", 60);
  std::string b = f.add("Schools", 60);
  EXPECT_EQ(f.drive(RemoveSlot{b}), "");
  EXPECT_EQ(f.m.updates.find(b), nullptr);
  f.drive(StartSlot{a});
  EXPECT_EQ(f.drive(RemoveSlot{a}), "bad_state");
  EXPECT_EQ(f.drive(UpdateSlot{a, std::nullopt, std::nullopt, 90}), "bad_state");
  EXPECT_EQ(f.drive(UpdateSlot{a, std::nullopt, std::string("Lee"), std::nullopt}), "")
      << "names can be corrected at any time";
  f.drive(NextSlot{a});
  EXPECT_EQ(f.drive(RemoveSlot{a}), "bad_state");
  EXPECT_EQ(f.drive(RemoveSlot{"u999"}), "not_found");
  // Skipped before it ran: nothing to record. Skipped while it ran: its time stays.
  std::string never = f.add("Parks", 60);
  std::string cut = f.add("Health", 60);
  f.drive(SkipSlot{never});
  f.drive(StartSlot{cut}, kNow);
  f.drive(SkipSlot{cut}, kNow + 300);
  EXPECT_EQ(f.drive(RemoveSlot{cut}), "bad_state");
  EXPECT_EQ(f.drive(RemoveSlot{never}), "");
}

TEST(PartnerUpdates, SlotsMoveWithinTheListClamped) {
  SlotFixture f;
  std::string a = f.add("Library", 60);
  std::string b = f.add("Schools", 60);
  std::string c = f.add("Parks", 60);
  EXPECT_EQ(f.drive(MoveSlot{a, 99}), "");
  ASSERT_EQ(f.m.updates.slots.size(), 3u);
  EXPECT_EQ(f.m.updates.slots[0].id, b);
  EXPECT_EQ(f.m.updates.slots[1].id, c);
  EXPECT_EQ(f.m.updates.slots[2].id, a);
  EXPECT_EQ(f.m.updates.next_pending()->id, b);
}

TEST(PartnerUpdates, EndingTheMeetingEndsTheActiveSlotWithItsTimeUsed) {
  SlotFixture f;
  std::string u = f.add("Library", 60);
  f.drive(StartSlot{u}, kNow);
  EXPECT_EQ(rejection_code(f.run(f.fac, "end", SetPhase{Phase::ended}, kNow + 80 * kSecond)), "");
  EXPECT_EQ(f.slot(u).state, SlotState::done);
  EXPECT_EQ(f.slot(u).end_reason, "meeting_ended");
  EXPECT_EQ(f.slot(u).overrun_ms, 20 * kSecond);
  EXPECT_EQ(next_duty_at(f.m), std::nullopt);
}

TEST(PartnerUpdates, TheClockWaitsForTheEarliestOfVotesAndSlots) {
  SlotFixture f;
  std::string u = f.add("Library", 120);
  f.drive(StartSlot{u}, kNow);
  VoteSettings s;
  s.question = "Adopt it?";
  s.time_limit_s = 30;
  f.ok(f.fac, "vote", OpenVote{s}, kNow);
  EXPECT_EQ(next_duty_at(f.m), kNow + 30 * kSecond);
  EXPECT_EQ(f.tick(kNow + 30 * kSecond), std::vector<std::string>{"vote_closed"});
  EXPECT_EQ(next_duty_at(f.m), kNow + 120 * kSecond);
}

TEST(PartnerUpdates, ARestartReadsTheSameDeadlineFromTheLogAndTheSnapshot) {
  SlotFixture f;
  std::string a = f.add("Library", 120);
  std::string b = f.add("Schools", 60);
  f.drive(SetAutoAdvance{true});
  f.drive(StartSlot{a}, kNow);
  f.drive(ExtendSlot{a, 30}, kNow + kSecond);
  f.drive(SkipSlot{b});
  Meeting restored = state_from_json(state_to_json(f.m));
  EXPECT_EQ(updates_json(restored.updates), updates_json(f.m.updates));
  EXPECT_EQ(restored.updates.find(a)->remaining_at(kNow + 50 * kSecond), 100 * kSecond);
  EXPECT_TRUE(restored.updates.auto_advance);
}

}  // namespace
}  // namespace rt::core
