#include "core/event.hpp"

#include <gtest/gtest.h>

#include "core/replay.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

using test::MeetingFixture;

// Runs a small meeting and returns every event, as the log would hold them.
std::vector<std::string> a_meeting_log(Meeting* final_state) {
  Meeting m;
  std::vector<std::string> log;
  auto record = [&](const Event& e) {
    apply(m, e);
    log.push_back(to_json(e).dump());
  };
  record(meeting_created("m1", "Council", "Goal", "ABCD-EFGH", test::kNow));
  auto run = [&](const std::string& actor, const std::string& cid, const Command& c) {
    Decision d = decide(m, actor, cid, c, test::kNow);
    for (const auto& e : std::get<Accepted>(d).events) record(e);
  };
  run("", "j1", Join{"Sam", Attendance::room, "District", Role::facilitator});
  run("", "j2", Join{"Ana", Attendance::remote, "Library", Role::member});
  run("p3", "a", AddItem{"One", "", "", ItemStatus::proposed});
  run("p3", "b", AddItem{"Two", "Ana", "2026-12-01", ItemStatus::agreed});
  run("p2", "c", MoveItem{"i5", 0});
  run("p2", "d", UpdateItem{"i4", std::string("One!"), {}, {}, ItemStatus::done});
  run("p3", "e", UpdateProfile{{}, Attendance::room, {}});
  run("p2", "f", SetGoal{"Better goal"});
  run("p2", "g", DeleteItem{"i4"});
  run("p3", "h",
      EditText{TextField::title, "i5", m.version,
               std::get<TextOp>(text_op_from_json(nlohmann::json::parse(R"([3," more"])")))});
  run("p2", "i",
      EditText{TextField::goal, "", m.version - 1,
               std::get<TextOp>(text_op_from_json(nlohmann::json::parse(R"(["Our "])")))});
  *final_state = m;
  return log;
}

TEST(Events, Replay_OfTheWholeLogRebuildsTheState) {
  Meeting expected;
  auto log = a_meeting_log(&expected);
  Meeting rebuilt = replay("", log);
  EXPECT_EQ(state_to_json(rebuilt), state_to_json(expected));
  EXPECT_EQ(rebuilt.version, log.size());
  ASSERT_EQ(rebuilt.items.size(), 1u);
  EXPECT_EQ(rebuilt.items[0].title, "Two more");
  EXPECT_EQ(rebuilt.goal, "Our Better goal");
}

TEST(Events, Replay_FromASnapshotAndTheTailEqualsTheWholeLog) {
  Meeting expected;
  auto log = a_meeting_log(&expected);
  for (size_t cut = 1; cut < log.size(); ++cut) {
    Meeting at_cut = replay("", {log.begin(), log.begin() + static_cast<long>(cut)});
    Meeting rebuilt =
        replay(state_to_json(at_cut).dump(), {log.begin() + static_cast<long>(cut), log.end()});
    EXPECT_EQ(state_to_json(rebuilt), state_to_json(expected)) << "snapshot at " << cut;
  }
}

TEST(Events, Apply_RefusesAGapOrARepeat) {
  Meeting m;
  apply(m, meeting_created("m1", "T", "G", "C", test::kNow));
  Event e = meeting_created("m1", "T", "G", "C", test::kNow);
  e.seq = 1;
  EXPECT_THROW(apply(m, e), std::logic_error);
  e.seq = 3;
  EXPECT_THROW(apply(m, e), std::logic_error);
}

TEST(Events, Apply_RefusesEventsThatDoNotFitTheState) {
  MeetingFixture f;
  Event e;
  e.seq = f.m.version + 1;
  e.kind = "item_deleted";
  e.data = {{"itemId", "i404"}};
  EXPECT_THROW(apply(f.m, e), std::logic_error);
  e.kind = "no_such_kind";
  EXPECT_THROW(apply(f.m, e), std::logic_error);
}

TEST(Events, Json_RoundTrips) {
  Event e;
  e.seq = 9;
  e.at = 123;
  e.actor = "p3";
  e.cid = "c1";
  e.kind = "goal_set";
  e.data = {{"goal", "g"}};
  auto j = to_json(e);
  EXPECT_EQ(j["type"], "event");
  Event back = event_from_json(j);
  EXPECT_EQ(to_json(back), j);
}

TEST(Snapshot, PublicSnapshot_HasSectionsInSharedAgendaOrderAndPresenceButNoCids) {
  MeetingFixture f;
  f.ok(f.member, "c1", AddItem{"Flyer", "", "", ItemStatus::proposed});
  auto snap = public_snapshot(
      f.m, [&](const std::string& id) { return id == f.member; }, f.member);
  std::vector<std::string> order;
  for (const auto& s : snap["sections"]) order.push_back(s["id"]);
  EXPECT_EQ(order,
            (std::vector<std::string>{"goal", "action_items", "partner_updates", "wrap_up"}));
  EXPECT_EQ(snap["goal"], "Every child ready");
  for (const auto& p : snap["participants"]) {
    EXPECT_FALSE(p.contains("recentCids"));
    EXPECT_EQ(p["online"], p["id"] == f.member);
  }
  EXPECT_EQ(snap["items"][0]["title"], "Flyer");
}

}  // namespace
}  // namespace rt::core
