// The next meeting of a series inherits the slots and the open action items, linked back.
#include <gtest/gtest.h>

#include "core/series.hpp"
#include "test_support.hpp"

namespace rt {
namespace {

using core::ItemStatus;
using test::kNow;

TEST(Series, NextMeetingCarriesSlotsAndOpenItemsOnly) {
  test::MeetingFixture f;
  f.ok(f.fac, "s1", core::AddSlot{"Town Library", "Maria", 300});
  f.ok(f.member, "a", core::AddItem{"Done one", "Ana", "", ItemStatus::done});
  f.ok(f.member, "b",
       core::AddItem{"Agreed one", "Ana", "2026-12-01", ItemStatus::agreed, "keep these notes"});
  f.ok(f.member, "c", core::AddItem{"Dropped one", "", "", ItemStatus::dropped});
  f.ok(f.member, "d", core::AddItem{"Proposed one", "", "", ItemStatus::proposed});
  f.ok(f.fac, "end", core::SetPhase{core::Phase::ended});

  auto events = core::next_meeting_events(f.m, {"m2", "December", "A new goal", "WXYZ-2345", kNow});
  core::Meeting next;
  for (const auto& e : events) core::apply(next, e);

  EXPECT_EQ(next.id, "m2");
  EXPECT_EQ(next.goal, "A new goal");
  EXPECT_EQ(next.phase, core::Phase::lobby);
  ASSERT_TRUE(next.previous);
  EXPECT_EQ(next.previous->id, "m1");
  EXPECT_EQ(next.previous->title, "Readiness Council");
  ASSERT_EQ(next.updates.slots.size(), 1u);
  EXPECT_EQ(next.updates.slots[0].organisation, "Town Library");
  EXPECT_EQ(next.updates.slots[0].seconds, 300u);
  EXPECT_EQ(next.updates.slots[0].state, core::SlotState::pending);
  ASSERT_EQ(next.items.size(), 2u);
  EXPECT_EQ(next.items[0].title, "Agreed one");
  EXPECT_EQ(next.items[0].status, ItemStatus::agreed);
  EXPECT_EQ(next.items[0].notes, "keep these notes");
  EXPECT_EQ(next.items[0].due, "2026-12-01");
  ASSERT_TRUE(next.items[0].carried_from);
  EXPECT_EQ(next.items[0].carried_from->meeting_id, "m1");
  EXPECT_EQ(next.items[0].carried_from->item_id, f.m.items[1].id);
  EXPECT_EQ(next.items[1].title, "Proposed one");
  // Server-made: no actor, no cid.
  for (const auto& e : events) {
    EXPECT_TRUE(e.actor.empty());
    EXPECT_TRUE(e.cid.empty());
  }
}

TEST(Series, LinksSurviveTheStoredState) {
  test::MeetingFixture f;
  f.ok(f.member, "b", core::AddItem{"Carried", "", "", ItemStatus::agreed});
  auto events = core::next_meeting_events(f.m, {"m2", "Next", "Goal", "WXYZ-2345", kNow});
  core::Meeting next;
  for (const auto& e : events) core::apply(next, e);
  auto restored = core::state_from_json(core::state_to_json(next));
  ASSERT_TRUE(restored.previous);
  EXPECT_EQ(restored.previous->created_at, f.m.created_at);
  ASSERT_TRUE(restored.items.at(0).carried_from);
  EXPECT_EQ(restored.items.at(0).carried_from->meeting_id, "m1");
}

}  // namespace
}  // namespace rt
