#include "core/reducer.hpp"

#include <gtest/gtest.h>

#include "core/event.hpp"
#include "core/limits.hpp"
#include "core/text_ot.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

using test::kNow;
using test::MeetingFixture;
using test::rejection_code;

struct Named {
  const char* name;
  Command command;
};

// Every command only the facilitator may give, on an existing item i5.
std::vector<Named> facilitator_only() {
  return {{"set_title", SetTitle{"New title"}},
          {"set_goal", SetGoal{"New goal"}},
          {"set_phase", SetPhase{Phase::live}},
          {"move_item", MoveItem{"i5", 0}},
          {"delete_item", DeleteItem{"i5"}}};
}

// Commands members may give but observers may not.
std::vector<Named> member_commands() {
  return {{"add_item", AddItem{"Flyer", "", "", ItemStatus::proposed}},
          {"update_item", UpdateItem{"i5", std::string("Renamed"), {}, {}, {}}}};
}

class ReducerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f.ok(f.member, "setup", AddItem{"Flyer", "Ana", "", ItemStatus::proposed});
  }
  MeetingFixture f;
};

TEST_F(ReducerTest, Roles_EveryFacilitatorCommandIsForbiddenToMembersAndObservers) {
  for (const auto& [name, command] : facilitator_only()) {
    for (const auto& who : {f.member, f.observer}) {
      Meeting before = f.m;
      auto d = f.run(who, std::string("c-") + name, command);
      EXPECT_EQ(rejection_code(d), "forbidden") << name << " by " << who;
      EXPECT_EQ(f.m.version, before.version) << name;
    }
    EXPECT_TRUE(std::holds_alternative<Accepted>(decide(f.m, f.fac, "x", command, test::kNow)))
        << name << " by the facilitator";
  }
}

TEST_F(ReducerTest, Roles_ObserversCannotAddOrEditItems) {
  for (const auto& [name, command] : member_commands()) {
    EXPECT_EQ(rejection_code(f.run(f.observer, "c", command)), "forbidden") << name;
    EXPECT_TRUE(std::holds_alternative<Accepted>(decide(f.m, f.member, "x", command, test::kNow)))
        << name << " by a member";
  }
}

TEST_F(ReducerTest, Roles_EveryoneMayUpdateTheirOwnProfile) {
  for (const auto& who : {f.fac, f.member, f.observer}) {
    f.ok(who, "profile", UpdateProfile{{}, Attendance::remote, {}});
    EXPECT_EQ(f.m.find_participant(who)->attendance, Attendance::remote);
  }
}

TEST_F(ReducerTest, Join_CreatesParticipantNamedAfterItsSeq) {
  uint64_t before = f.m.version;
  std::string pid = f.join("Lee", Role::member);
  EXPECT_EQ(pid, "p" + std::to_string(before + 1));
  const Participant* p = f.m.find_participant(pid);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "Lee");
  EXPECT_EQ(p->role, Role::member);
}

TEST_F(ReducerTest, Join_RefusedPastTheParticipantLimit) {
  while (f.m.participants.size() < limits::kParticipants) f.join("x", Role::member);
  EXPECT_EQ(
      rejection_code(f.run("", "j", Join{"one too many", Attendance::room, "", Role::member})),
      "limit_reached");
}

TEST_F(ReducerTest, AddItem_AppendsWithIdFromSeqAndAuthor) {
  uint64_t seq = f.ok(f.member, "a", AddItem{"Second", "Lee", "2026-12-01", ItemStatus::agreed});
  ASSERT_EQ(f.m.items.size(), 2u);
  const ActionItem& item = f.m.items.back();
  EXPECT_EQ(item.id, "i" + std::to_string(seq));
  EXPECT_EQ(item.title, "Second");
  EXPECT_EQ(item.owner, "Lee");
  EXPECT_EQ(item.due, "2026-12-01");
  EXPECT_EQ(item.status, ItemStatus::agreed);
  EXPECT_EQ(item.created_by, f.member);
}

TEST_F(ReducerTest, AddItem_RefusedPastTheItemLimit) {
  for (size_t i = f.m.items.size(); i < limits::kItems; ++i) {
    f.ok(f.fac, "fill" + std::to_string(i), AddItem{"x", "", "", ItemStatus::proposed});
  }
  EXPECT_EQ(rejection_code(f.run(f.member, "over", AddItem{"x", "", "", ItemStatus::proposed})),
            "limit_reached");
}

TEST_F(ReducerTest, UpdateItem_ReplacesOnlyTheNamedFields) {
  f.ok(f.member, "u1", UpdateItem{"i5", {}, std::string("Lee"), {}, ItemStatus::in_progress});
  const ActionItem& item = f.m.items[0];
  EXPECT_EQ(item.title, "Flyer");
  EXPECT_EQ(item.owner, "Lee");
  EXPECT_EQ(item.status, ItemStatus::in_progress);
  f.ok(f.fac, "u2", UpdateItem{"i5", std::string("Flyer v2"), {}, std::string("2027-01-15"), {}});
  EXPECT_EQ(item.title, "Flyer v2");
  EXPECT_EQ(item.due, "2027-01-15");
  EXPECT_EQ(item.owner, "Lee");
}

TEST_F(ReducerTest, UnknownItem_IsNotFoundForUpdateMoveAndDelete) {
  for (const Command& c : std::vector<Command>{UpdateItem{"i99", std::string("x"), {}, {}, {}},
                                               MoveItem{"i99", 0}, DeleteItem{"i99"}}) {
    EXPECT_EQ(rejection_code(f.run(f.fac, "nf", c)), "not_found");
  }
}

TEST_F(ReducerTest, MoveItem_ClampsTheTargetIndex) {
  f.ok(f.member, "b", AddItem{"B", "", "", ItemStatus::proposed});
  f.ok(f.member, "c", AddItem{"C", "", "", ItemStatus::proposed});
  f.ok(f.fac, "m1", MoveItem{"i5", 1000});
  EXPECT_EQ(f.m.items.back().id, "i5");
  f.ok(f.fac, "m2", MoveItem{"i5", 0});
  EXPECT_EQ(f.m.items.front().id, "i5");
  EXPECT_EQ(f.m.items.size(), 3u);
}

TEST_F(ReducerTest, DeleteItem_RemovesIt) {
  f.ok(f.fac, "d", DeleteItem{"i5"});
  EXPECT_TRUE(f.m.items.empty());
  EXPECT_EQ(rejection_code(f.run(f.member, "u", UpdateItem{"i5", {}, {}, {}, ItemStatus::done})),
            "not_found");
}

TEST_F(ReducerTest, Facilitator_SetsTitleGoalAndPhase) {
  f.ok(f.fac, "t", SetTitle{"Council, December"});
  f.ok(f.fac, "g", SetGoal{"Every child reads by 8"});
  f.ok(f.fac, "p", SetPhase{Phase::live});
  EXPECT_EQ(f.m.title, "Council, December");
  EXPECT_EQ(f.m.goal, "Every child reads by 8");
  EXPECT_EQ(f.m.phase, Phase::live);
}

TEST_F(ReducerTest, EndedMeeting_RefusesChangesAndReopeningButNotProfile) {
  f.ok(f.fac, "end", SetPhase{Phase::ended});
  std::vector<Command> refused = {AddItem{"x", "", "", ItemStatus::proposed},
                                  UpdateItem{"i5", {}, {}, {}, ItemStatus::done},
                                  MoveItem{"i5", 0},
                                  DeleteItem{"i5"},
                                  SetTitle{"x"},
                                  SetGoal{"x"}};
  for (const auto& c : refused) EXPECT_EQ(rejection_code(f.run(f.fac, "late", c)), "meeting_ended");
  f.ok(f.member, "prof", UpdateProfile{std::string("Ana R."), {}, {}});
  // The end is final, so its minutes are: the plan goes on in the next meeting of the series.
  EXPECT_EQ(rejection_code(f.run(f.fac, "reopen", SetPhase{Phase::live})), "meeting_ended");
  EXPECT_EQ(rejection_code(f.run(f.fac, "lobby", SetPhase{Phase::lobby})), "meeting_ended");
}

TEST_F(ReducerTest, CurrentSection_StartsAfterTheGoalFollowsSlotsAndTheFacilitator) {
  EXPECT_EQ(rejection_code(f.run(f.fac, "early", EnterSection{"wrap_up"})), "bad_state");
  f.ok(f.fac, "order", MoveSection{"partner_updates", 1});
  f.ok(f.fac, "live", SetPhase{Phase::live});
  EXPECT_EQ(f.m.current_section, "partner_updates") << "the first section after the goal";
  f.ok(f.fac, "items", EnterSection{"action_items"});
  EXPECT_EQ(f.m.current_section, "action_items");
  uint64_t version = f.m.version;
  f.ok(f.fac, "again", EnterSection{"action_items"});
  EXPECT_EQ(f.m.version, version) << "the same section again changes nothing";
  f.ok(f.fac, "slot", AddSlot{"Town Library", "", 60});
  f.ok(f.fac, "start", StartSlot{"u" + std::to_string(f.m.version)});
  EXPECT_EQ(f.m.current_section, "partner_updates") << "a partner update that starts";
  EXPECT_EQ(rejection_code(f.run(f.member, "m", EnterSection{"wrap_up"})), "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.fac, "x", EnterSection{"lunch"})), "invalid_value");
}

TEST_F(ReducerTest, Presence_IsRecordedOnlyByTheServerAndOnlyWhenItChanges) {
  EXPECT_EQ(rejection_code(f.run(f.member, "p", MarkPresence{f.member, false, kNow})), "forbidden");
  EXPECT_TRUE(
      std::get<Accepted>(f.run("", "presence:0", MarkPresence{f.member, true, 0})).events.empty())
      << "not away: nothing to record";
  f.ok("", "presence:1", MarkPresence{f.member, false, kNow - 5000});
  EXPECT_TRUE(f.m.find_participant(f.member)->away);
  f.ok("", "presence:2", MarkPresence{f.member, true, 0});
  EXPECT_FALSE(f.m.find_participant(f.member)->away);
  EXPECT_EQ(rejection_code(f.run("", "presence:3", MarkPresence{"p99", false, kNow})), "not_found");
}

TEST_F(ReducerTest, DuplicateCid_IsNotAppliedTwiceAndAnswersTheOriginalSeq) {
  uint64_t seq = f.ok(f.member, "c1", AddItem{"Once", "", "", ItemStatus::proposed});
  uint64_t version = f.m.version;
  auto d = f.run(f.member, "c1", AddItem{"Once", "", "", ItemStatus::proposed});
  ASSERT_TRUE(std::holds_alternative<Duplicate>(d));
  EXPECT_EQ(std::get<Duplicate>(d).seq, seq);
  EXPECT_EQ(f.m.version, version);
  EXPECT_EQ(f.m.items.size(), 2u);
}

TEST_F(ReducerTest, DuplicateCid_IsPerParticipant) {
  f.ok(f.member, "same", AddItem{"A", "", "", ItemStatus::proposed});
  f.ok(f.fac, "same", AddItem{"B", "", "", ItemStatus::proposed});
  EXPECT_EQ(f.m.items.size(), 3u);
}

TEST_F(ReducerTest, RememberedCids_AreBoundedOldestFirst) {
  for (size_t i = 0; i < limits::kRememberedCids + 1; ++i) {
    f.ok(f.member, "k" + std::to_string(i), UpdateProfile{{}, {}, std::string("Org")});
  }
  EXPECT_EQ(f.m.find_participant(f.member)->recent_cids.size(), limits::kRememberedCids);
  // k0 fell out of the memory: the same cid is a new command again.
  EXPECT_TRUE(std::holds_alternative<Accepted>(
      decide(f.m, f.member, "k0", UpdateProfile{{}, {}, std::string("Org")}, test::kNow)));
  EXPECT_TRUE(std::holds_alternative<Duplicate>(
      decide(f.m, f.member, "k" + std::to_string(limits::kRememberedCids),
             UpdateProfile{{}, {}, std::string("Org")}, test::kNow)));
}

TEST_F(ReducerTest, UnknownActor_IsABadToken) {
  EXPECT_EQ(rejection_code(f.run("p999", "x", UpdateProfile{std::string("x"), {}, {}})),
            "bad_token");
}

TEST_F(ReducerTest, CommandWithoutActor_IsNotJoined) {
  EXPECT_EQ(rejection_code(f.run("", "x", AddItem{"x", "", "", ItemStatus::proposed})),
            "not_joined");
}

TEST_F(ReducerTest, Decide_DoesNotChangeTheState) {
  nlohmann::json before = state_to_json(f.m);
  (void)decide(f.m, f.fac, "x", DeleteItem{"i5"}, test::kNow);
  (void)decide(f.m, f.member, "y", AddItem{"x", "", "", ItemStatus::proposed}, test::kNow);
  EXPECT_EQ(state_to_json(f.m), before);
}

TEST_F(ReducerTest, Events_CarryActorCidTimeAndConsecutiveSeq) {
  auto d = decide(f.m, f.member, "c9", AddItem{"x", "", "", ItemStatus::proposed}, test::kNow + 5);
  const auto& events = std::get<Accepted>(d).events;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, f.m.version + 1);
  EXPECT_EQ(events[0].actor, f.member);
  EXPECT_EQ(events[0].cid, "c9");
  EXPECT_EQ(events[0].at, test::kNow + 5);
}

}  // namespace
}  // namespace rt::core

namespace rt::core {
namespace {

TextOp op_of(const char* json) {
  return std::get<TextOp>(text_op_from_json(nlohmann::json::parse(json)));
}

class EditTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f.ok(f.member, "setup", AddItem{"Flyer", "", "", ItemStatus::proposed, "Draft"});
    item = f.m.items[0].id;
  }
  EditText notes(uint64_t version, const char* op) {
    return EditText{TextField::notes, item, version, op_of(op)};
  }
  MeetingFixture f;
  std::string item;
};

TEST_F(EditTextTest, MembersEditTitleAndNotesObserversCannot) {
  f.ok(f.member, "e1", notes(f.m.version, R"([5," text"])"));
  EXPECT_EQ(f.m.items[0].notes, "Draft text");
  f.ok(f.fac, "e2", EditText{TextField::title, item, f.m.version, op_of(R"([5,"s"])")});
  EXPECT_EQ(f.m.items[0].title, "Flyers");
  EXPECT_EQ(rejection_code(f.run(f.observer, "e3", notes(f.m.version, R"(["x"])"))), "forbidden");
}

TEST_F(EditTextTest, TheGoalIsTheFacilitatorsToEdit) {
  EditText goal{TextField::goal, "", f.m.version, op_of(R"(["Now: "])")};
  EXPECT_EQ(rejection_code(f.run(f.member, "g1", goal)), "forbidden");
  f.ok(f.fac, "g2", goal);
  EXPECT_EQ(f.m.goal, "Now: Every child ready");
}

TEST_F(EditTextTest, ConcurrentEditsOnOneVersionAreBothKept) {
  uint64_t base = f.m.version;
  f.ok(f.member, "a", notes(base, R"(["Ana: "])"));
  f.ok(f.fac, "b", notes(base, R"j([5," (Sam)"])j"));  // made on "Draft" too
  EXPECT_EQ(f.m.items[0].notes, "Ana: Draft (Sam)");
  // The event carries the transformed op, which applies to the text as it was then.
  auto d = decide(f.m, f.fac, "c", notes(base, R"([{"d":5}])"), test::kNow);
  EXPECT_EQ(std::get<Accepted>(d).events[0].data["op"], nlohmann::json::parse(R"([5,{"d":5}])"));
}

TEST_F(EditTextTest, AnOldOpThatReadsPastTheTextOfItsVersionIsRefused) {
  uint64_t base = f.m.version;  // notes "Draft": 5 code points
  f.ok(f.fac, "grow", notes(base, R"([5," and more"])"));
  EXPECT_EQ(rejection_code(f.run(f.member, "old", notes(base, R"([99])"))), "bad_op");
  EXPECT_EQ(rejection_code(f.run(f.member, "old2", notes(base, R"([6,"x"])"))), "bad_op");
  f.ok(f.member, "fits", notes(base, R"([5,"!"])"));
  EXPECT_EQ(f.m.items[0].notes, "Draft and more!") << "the committed insert wins the tie";
}

TEST_F(EditTextTest, EventOpsAreNormalizedEvenWhenNothingWasTransformed) {
  auto d = decide(f.m, f.member, "n", notes(f.m.version, R"([3,"X",2])"), test::kNow);
  EXPECT_EQ(std::get<Accepted>(d).events[0].data["op"], nlohmann::json::parse(R"([3,"X"])"));
}

TEST_F(EditTextTest, ConcurrentInsertsAtOnePlaceKeepCommitOrder) {
  uint64_t base = f.m.version;
  f.ok(f.member, "a", notes(base, R"([5,"A"])"));
  f.ok(f.fac, "b", notes(base, R"([5,"B"])"));
  EXPECT_EQ(f.m.items[0].notes, "DraftAB");
}

TEST_F(EditTextTest, AnEditConcurrentWithAWholeFieldSetIsNotLost) {
  uint64_t base = f.m.version;
  f.ok(f.fac, "set", UpdateItem{item, {}, {}, {}, {}, std::string("Final")});
  f.ok(f.member, "late", notes(base, R"([5,"!"])"));
  EXPECT_NE(f.m.items[0].notes.find('!'), std::string::npos) << f.m.items[0].notes;
  EXPECT_NE(f.m.items[0].notes.find("Final"), std::string::npos) << f.m.items[0].notes;
}

TEST_F(EditTextTest, EditsOlderThanTheKeptHistoryAreStale) {
  uint64_t base = f.m.version;
  for (size_t i = 0; i <= limits::kTextHistory; ++i) {
    f.ok(f.member, "k" + std::to_string(i), notes(f.m.version, R"(["x"])"));
  }
  EXPECT_EQ(rejection_code(f.run(f.member, "old", notes(base, R"(["y"])"))), "stale");
  f.ok(f.member, "fresh", notes(f.m.version, R"(["y"])"));
}

TEST_F(EditTextTest, BadEditsAreRefusedAndChangeNothing) {
  std::string before = f.m.items[0].notes;
  EXPECT_EQ(rejection_code(f.run(f.member, "p", notes(f.m.version, R"([6,"x"])"))), "bad_op");
  EXPECT_EQ(rejection_code(f.run(f.member, "v", notes(f.m.version + 5, R"(["x"])"))),
            "bad_message");
  std::string big = "[\"" + std::string(limits::kNotes, 'n') + "\"]";
  EXPECT_EQ(rejection_code(f.run(f.member, "l", notes(f.m.version, big.c_str()))), "too_long");
  f.ok(f.fac, "del", DeleteItem{item});
  EXPECT_EQ(rejection_code(f.run(f.member, "n", notes(f.m.version, R"(["x"])"))), "not_found");
  EXPECT_EQ(before, "Draft");
}

}  // namespace
}  // namespace rt::core

namespace rt::core {
namespace {

TEST(Focus, MembersMayFocusItemsOnlyTheFacilitatorTheGoalObserversNothing) {
  MeetingFixture f;
  f.ok(f.member, "a", AddItem{"Flyer", "", "", ItemStatus::proposed});
  std::string item = f.m.items[0].id;
  FocusRequest notes{"f", item, TextField::notes}, goal{"g", std::nullopt, TextField::goal};
  EXPECT_FALSE(check_focus(f.m, f.member, notes));
  EXPECT_FALSE(check_focus(f.m, f.fac, goal));
  EXPECT_EQ(check_focus(f.m, f.member, goal)->code, "forbidden");
  EXPECT_EQ(check_focus(f.m, f.observer, notes)->code, "forbidden");
  EXPECT_EQ(check_focus(f.m, f.member, FocusRequest{"x", "i999", TextField::title})->code,
            "not_found");
  EXPECT_FALSE(check_focus(f.m, f.member, FocusRequest{"n", std::nullopt, std::nullopt}));
  f.ok(f.fac, "end", SetPhase{Phase::ended});
  EXPECT_EQ(check_focus(f.m, f.member, notes)->code, "meeting_ended");
  EXPECT_FALSE(check_focus(f.m, f.member, FocusRequest{"n", std::nullopt, std::nullopt}));
}

}  // namespace
}  // namespace rt::core
