// Live votes in the core: every method, visibility and rule of PROTOCOL.md "Live votes",
// with time as an input (no sleeping).
#include <gtest/gtest.h>

#include "core/codec.hpp"
#include "core/event.hpp"
#include "core/reducer.hpp"
#include "core/replay.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

using nlohmann::json;
using test::kNow;
using test::rejection_code;

struct VoteFixture : test::MeetingFixture {
  std::string item;

  VoteFixture() {
    ok(member, "add", AddItem{"Book fair flyer", "", "", ItemStatus::proposed});
    item = "i" + std::to_string(m.version);
  }
  VoteSettings consent() const {
    VoteSettings s;
    s.method = VoteMethod::consent;
    s.item_ids = {item};
    return s;
  }
  std::string open(const VoteSettings& s) {
    ok(fac, "open-" + std::to_string(m.version), OpenVote{s});
    return "v" + std::to_string(m.version);
  }
  // decide + apply at a chosen time; the events it made.
  std::vector<Event> at(int64_t now, const std::string& actor, const std::string& cid,
                        const Command& c, std::string* code = nullptr) {
    Decision d = decide(m, actor, cid, c, now);
    if (code) *code = rejection_code(d);
    auto* a = std::get_if<Accepted>(&d);
    if (!a) return {};
    for (const auto& e : a->events) apply(m, e);
    return a->events;
  }
  // A ballot that must be accepted (a placeholder event when not, so tests fail, not crash).
  std::vector<Event> cast(const std::string& who, const std::string& vote, json ballot) {
    std::string code;
    auto events =
        at(kNow, who, "b" + std::to_string(m.version), CastBallot{vote, std::move(ballot)}, &code);
    if (events.empty()) {
      ADD_FAILURE() << "ballot rejected: " << code;
      events.push_back(Event{});
    }
    return events;
  }
  std::string cast_code(const std::string& who, const std::string& vote, json ballot) {
    return rejection_code(run(who, "x" + std::to_string(m.version), CastBallot{vote, ballot}));
  }
  const Vote& vote(const std::string& id) const { return *m.find_vote(id); }
};

TEST(Votes, ConsentLiveOpenCountsEachMemberOnceAndShowsWhoVotedWhat) {
  VoteFixture f;
  std::string v = f.open(f.consent());
  EXPECT_EQ(f.vote(v).eligible, (std::vector<std::string>{f.fac, f.member}));  // no observer

  auto events = f.cast(f.member, v, {{"choice", "disagree"}});
  ASSERT_EQ(events.size(), 1u);
  json wire = to_json(events[0]);
  EXPECT_EQ(wire["actor"], f.member);
  EXPECT_EQ(wire["data"]["voter"], f.member);
  EXPECT_EQ(wire["data"]["ballot"], json({{"choice", "disagree"}}));
  EXPECT_EQ(wire["data"]["tallies"]["disagree"], 1);
  // Changing one's mind replaces the ballot: still one vote.
  events = f.cast(f.member, v, {{"choice", "agree"}});
  EXPECT_EQ(to_json(events[0])["data"]["voted"], 1);
  EXPECT_EQ(to_json(events[0])["data"]["tallies"]["agree"], 1);
  EXPECT_EQ(to_json(events[0])["data"]["tallies"]["disagree"], 0);
  f.cast(f.fac, v, {{"choice", "abstain"}});

  EXPECT_EQ(f.cast_code(f.observer, v, {{"choice", "agree"}}), "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.member, "c", CloseVote{v})), "forbidden");
  auto closed = f.at(kNow, f.fac, "close", CloseVote{v});
  ASSERT_EQ(closed.size(), 1u);
  json d = closed[0].data;
  EXPECT_EQ(d["reason"], "facilitator");
  EXPECT_EQ(d["eligible"], 2);
  EXPECT_EQ(d["voted"], 2);
  EXPECT_EQ(d["quorumMet"], true);
  EXPECT_EQ(d["tallies"], json({{"agree", 1},
                                {"disagree", 0},
                                {"abstain", 1},
                                {"block", 0},
                                {"reasons", json::array()}}));
  EXPECT_FALSE(d.contains("ballots"));  // each ballot_cast showed its ballot already
  EXPECT_EQ(f.cast_code(f.member, v, {{"choice", "disagree"}}), "vote_closed");
  EXPECT_EQ(rejection_code(f.run(f.fac, "close2", CloseVote{v})), "vote_closed");
}

TEST(Votes, OnlyTheFacilitatorOpensAndUnknownVotesAndItemsAreNotFound) {
  VoteFixture f;
  EXPECT_EQ(rejection_code(f.run(f.member, "o", OpenVote{f.consent()})), "forbidden");
  VoteSettings s = f.consent();
  s.item_ids = {"i999"};
  EXPECT_EQ(rejection_code(f.run(f.fac, "o", OpenVote{s})), "not_found");
  EXPECT_EQ(f.cast_code(f.member, "v404", {{"choice", "agree"}}), "not_found");
}

TEST(Votes, BlockNeedsPermissionAndAReason) {
  VoteFixture f;
  std::string no_block = f.open(f.consent());
  EXPECT_EQ(f.cast_code(f.member, no_block, {{"choice", "block"}, {"reason", "x"}}), "bad_ballot");
  VoteSettings s = f.consent();
  s.allow_block = true;
  std::string v = f.open(s);
  EXPECT_EQ(f.cast_code(f.member, v, {{"choice", "block"}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"choice", "block"}, {"reason", ""}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"choice", "block"}, {"reason", std::string(281, 'x')}}),
            "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"choice", "agree"}, {"reason", "because"}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"choice", "maybe"}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, json::array()), "bad_ballot");
  auto events = f.cast(f.member, v, {{"choice", "block"}, {"reason", "no budget for it"}});
  EXPECT_EQ(events[0].data["tallies"]["block"], 1);
  EXPECT_EQ(events[0].data["tallies"]["reasons"], json({"no budget for it"}));
}

TEST(Votes, FistOfFiveTakesZeroToFive) {
  VoteFixture f;
  VoteSettings s = f.consent();
  s.method = VoteMethod::fist;
  std::string v = f.open(s);
  EXPECT_EQ(f.cast_code(f.member, v, {{"fist", 6}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"fist", -1}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"fist", "3"}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"choice", "agree"}}), "bad_ballot");
  f.cast(f.member, v, {{"fist", 0}});
  auto events = f.cast(f.fac, v, {{"fist", 5}});
  EXPECT_EQ(events[0].data["tallies"]["counts"], json({1, 0, 0, 0, 0, 1}));
}

TEST(Votes, StageCheckInIsAnonymousAboutTheCollaborationAndCountsEachStage) {
  VoteFixture f;
  // The codec checks settings (check_settings) before the reducer sees them.
  auto settings_code = [](const VoteSettings& s) {
    try {
      check_settings(s);
    } catch (const Refused& r) {
      return r.rejection.code;
    }
    return std::string();
  };
  VoteSettings s;
  s.method = VoteMethod::stage;
  EXPECT_EQ(settings_code(s), "invalid_value") << "open";
  s.visibility = VoteVisibility::anonymous;
  s.item_ids = {f.item};
  EXPECT_EQ(settings_code(s), "invalid_value") << "on an item";
  s.item_ids.clear();
  EXPECT_EQ(settings_code(s), "");
  std::string v = f.open(s);  // no question needed: the question is the stage itself
  EXPECT_EQ(f.cast_code(f.member, v, {{"stage", "merger"}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"stage", 3}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"fist", 3}}), "bad_ballot");
  auto first = f.cast(f.member, v, {{"stage", "coordination"}});
  EXPECT_FALSE(first[0].data.contains("voter")) << "anonymous: the event names nobody";
  auto events = f.cast(f.fac, v, {{"stage", "coordination"}});
  EXPECT_EQ(events[0].data["tallies"]["stages"], json({{"isolation", 0},
                                                       {"communication", 0},
                                                       {"coordination", 2},
                                                       {"collaboration", 0},
                                                       {"integration", 0}}));
}

TEST(Votes, DotsRespectBudgetPerItemLimitAndTheVotesItems) {
  VoteFixture f;
  f.ok(f.member, "add2", AddItem{"Reading night", "", "", ItemStatus::proposed});
  std::string second = "i" + std::to_string(f.m.version);
  VoteSettings s;
  s.method = VoteMethod::dots;
  s.item_ids = {f.item, second};
  s.dot_budget = 3;
  s.dots_per_item = 2;
  std::string v = f.open(s);
  EXPECT_EQ(f.cast_code(f.member, v, {{"dots", {{f.item, 3}}}}), "bad_ballot");  // per item
  EXPECT_EQ(f.cast_code(f.member, v, {{"dots", {{f.item, 2}, {second, 2}}}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"dots", {{"i999", 1}}}}), "bad_ballot");
  EXPECT_EQ(f.cast_code(f.member, v, {{"dots", {{f.item, 0}}}}), "bad_ballot");  // no dot
  EXPECT_EQ(f.cast_code(f.member, v, {{"dots", {{f.item, 1.5}}}}), "bad_ballot");
  f.cast(f.member, v, {{"dots", {{f.item, 2}, {second, 1}}}});
  auto events = f.cast(f.fac, v, {{"dots", {{second, 2}, {f.item, 0}}}});
  EXPECT_EQ(events[0].data["tallies"]["dots"], json({{f.item, 2}, {second, 3}}));
  // Zero entries are dropped: the ballot is kept in one canonical form.
  EXPECT_EQ(f.vote(v).ballots.at(f.fac).ballot, json({{"dots", {{second, 2}}}}));
}

TEST(Votes, SettingsOutOfRangeAreRefused) {
  VoteFixture f;
  auto code = [&](VoteSettings s) { return rejection_code(f.run(f.fac, "o", OpenVote{s})); };
  auto refused = [](VoteSettings s) {
    try {
      check_settings(s);
    } catch (const Refused& r) {
      return r.rejection.code;
    }
    return std::string();
  };
  VoteSettings two_items = f.consent();
  two_items.item_ids = {f.item, f.item};
  EXPECT_EQ(refused(two_items), "invalid_value");
  VoteSettings free_question;
  EXPECT_EQ(refused(free_question), "invalid_value");  // neither question nor item
  free_question.question = "Meet in March?";
  EXPECT_EQ(refused(free_question), "");
  VoteSettings dots = f.consent();
  dots.method = VoteMethod::dots;
  EXPECT_EQ(refused(dots), "invalid_value");  // no budget
  dots.dot_budget = 3;
  dots.dots_per_item = 4;
  EXPECT_EQ(refused(dots), "invalid_value");
  VoteSettings timed = f.consent();
  timed.time_limit_s = 4;
  EXPECT_EQ(refused(timed), "invalid_value");
  timed.time_limit_s = 3601;
  EXPECT_EQ(refused(timed), "invalid_value");
  VoteSettings block_fist = f.consent();
  block_fist.method = VoteMethod::fist;
  block_fist.allow_block = true;
  EXPECT_EQ(refused(block_fist), "invalid_value");
  // At most kOpenVotes open at once.
  for (int i = 0; i < 10; ++i) f.open(free_question);
  EXPECT_EQ(code(free_question), "limit_reached");
}

TEST(Votes, AnonymousBallotsNeverLeaveWithANameButCountOnceAcrossAReplay) {
  VoteFixture f;
  VoteSettings s = f.consent();
  s.visibility = VoteVisibility::anonymous;
  std::string v = f.open(s);
  auto events = f.cast(f.member, v, {{"choice", "disagree"}});
  ASSERT_EQ(events.size(), 1u);
  std::string wire = to_json(events[0]).dump();
  for (const char* leak : {"\"actor\"", "\"cid\"", "\"voter\"", "\"ballot\"", "\"p3\""}) {
    EXPECT_EQ(wire.find(leak), std::string::npos) << leak << " in " << wire;
  }
  EXPECT_EQ(to_json(events[0])["data"]["tallies"]["disagree"], 1);
  // The log keeps who voted, sealed; wire_form of the stored event is the client form.
  std::string kept = to_stored(events[0]);
  EXPECT_NE(kept.find("sealed"), std::string::npos);
  EXPECT_EQ(wire_form(kept), wire);
  Event back = event_from_json(json::parse(kept));
  EXPECT_EQ(back.actor, f.member);
  EXPECT_TRUE(back.anonymous);

  // Replaying the log (a restart) and voting again still counts the member once.
  f.m.votes.back().ballots.clear();
  f.m.version -= 1;
  apply(f.m, back);
  EXPECT_EQ(f.vote(v).ballots.size(), 1u);
  events = f.cast(f.member, v, {{"choice", "agree"}});
  EXPECT_EQ(events[0].data["voted"], 1);

  // Nobody's snapshot says who voted what; the voter sees their own ballot.
  auto online = [](const std::string&) { return true; };
  json for_fac = public_snapshot(f.m, online, f.fac)["votes"][0];
  EXPECT_FALSE(for_fac.contains("voters"));
  EXPECT_FALSE(for_fac.contains("ballots"));
  EXPECT_FALSE(for_fac.contains("yourBallot"));
  EXPECT_EQ(for_fac["voted"], 1);
  json for_member = public_snapshot(f.m, online, f.member)["votes"][0];
  EXPECT_EQ(for_member["yourBallot"], json({{"choice", "agree"}}));
  auto closed = f.at(kNow, f.fac, "close", CloseVote{v});
  EXPECT_FALSE(closed[0].data.contains("ballots"));
  EXPECT_EQ(closed[0].data["tallies"]["agree"], 1);
}

TEST(Votes, HiddenResultsShowWhoVotedButNoTalliesUntilClose) {
  VoteFixture f;
  VoteSettings s = f.consent();
  s.results = VoteResults::hidden;
  std::string v = f.open(s);
  auto events = f.cast(f.member, v, {{"choice", "agree"}});
  json d = to_json(events[0])["data"];
  EXPECT_EQ(d["voter"], f.member);
  EXPECT_FALSE(d.contains("ballot"));
  EXPECT_FALSE(d.contains("tallies"));
  EXPECT_EQ(to_json(events[0]).dump().find("agree"), std::string::npos);
  auto online = [](const std::string&) { return true; };
  json snap = public_snapshot(f.m, online, f.fac)["votes"][0];
  EXPECT_EQ(snap["voters"], json({f.member}));
  EXPECT_FALSE(snap.contains("tallies"));
  EXPECT_FALSE(snap.contains("ballots"));
  auto closed = f.at(kNow, f.fac, "close", CloseVote{v});
  EXPECT_EQ(
      closed[0].data["ballots"],
      json::array({{{"voter", f.member}, {"ballot", {{"choice", "agree"}}}, {"recorded", false}}}));
  snap = public_snapshot(f.m, online, f.fac)["votes"][0];
  EXPECT_EQ(snap["tallies"]["agree"], 1);
  EXPECT_EQ(snap["state"], "closed");
}

TEST(Votes, TheDeadlineClosesExactlyOnceAndRefusesLateBallots) {
  VoteFixture f;
  VoteSettings s = f.consent();
  s.time_limit_s = 60;
  std::string v = f.open(s);
  int64_t deadline = kNow + 60'000;
  EXPECT_EQ(*f.vote(v).deadline, deadline);
  std::string code;
  f.at(deadline - 1, f.member, "b1", CastBallot{v, {{"choice", "agree"}}}, &code);
  EXPECT_EQ(code, "");
  f.at(deadline, f.fac, "b2", CastBallot{v, {{"choice", "agree"}}}, &code);
  EXPECT_EQ(code, "vote_closed");  // late, though no close event is out yet
  f.at(deadline - 1, "", "deadline", CloseVote{v, true}, &code);
  EXPECT_EQ(code, "not_due");
  auto closed = f.at(deadline + 5, "", "deadline", CloseVote{v, true}, &code);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].data["reason"], "deadline");
  EXPECT_TRUE(closed[0].actor.empty());
  EXPECT_TRUE(closed[0].cid.empty());
  // A second instance, or a restart, racing to record it: refused, not doubled.
  f.at(deadline + 6, "", "deadline", CloseVote{v, true}, &code);
  EXPECT_EQ(code, "vote_closed");
  f.at(deadline + 6, f.fac, "c", CloseVote{v}, &code);
  EXPECT_EQ(code, "vote_closed");
}

TEST(Votes, CloseWhenAllVotedClosesWithTheLastBallotAndQuorumIsReported) {
  VoteFixture f;
  VoteSettings s = f.consent();
  s.close_when_all_voted = true;
  s.quorum = 3;
  std::string v = f.open(s);
  EXPECT_EQ(f.cast(f.member, v, {{"choice", "agree"}}).size(), 1u);
  auto events = f.cast(f.fac, v, {{"choice", "agree"}});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, "vote_closed");
  EXPECT_EQ(events[1].data["reason"], "all_voted");
  EXPECT_EQ(events[1].data["quorumMet"], false);  // 2 of a quorum of 3
  EXPECT_EQ(events[1].cid, events[0].cid);
}

TEST(Votes, TheCloseCausedByTheLastAnonymousBallotDoesNotNameItsVoter) {
  VoteFixture f;
  VoteSettings s = f.consent();
  s.visibility = VoteVisibility::anonymous;
  s.close_when_all_voted = true;
  std::string v = f.open(s);
  f.cast(f.fac, v, {{"choice", "agree"}});
  auto events = f.cast(f.member, v, {{"choice", "disagree"}});
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) {
    json wire = to_json(e);
    EXPECT_FALSE(wire.contains("actor")) << wire.dump();
    EXPECT_FALSE(wire.contains("cid")) << wire.dump();
  }
}

TEST(Votes, TheFacilitatorCannotCloseAVotePastItsDeadlineTheServerDoes) {
  VoteFixture f;
  VoteSettings s = f.consent();
  s.time_limit_s = 10;
  std::string v = f.open(s);
  std::string code;
  f.at(kNow + 10'000, f.fac, "close", CloseVote{v}, &code);
  EXPECT_EQ(code, "vote_closed");
  auto closed = f.at(kNow + 10'000, "", "deadline", CloseVote{v, true}, &code);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].data["reason"], "deadline");
}

TEST(Votes, TheFacilitatorRecordsAShowOfHandsForPeopleInTheRoom) {
  VoteFixture f;
  std::string remote =
      "p" + std::to_string(f.ok("", "jr", Join{"Rae", Attendance::remote, "Org", Role::member}));
  std::string v = f.open(f.consent());
  EXPECT_EQ(f.vote(v).eligible.size(), 3u);
  RecordBallot for_member{v, f.member, std::nullopt, {{"choice", "agree"}}};
  EXPECT_EQ(rejection_code(f.run(f.member, "r", for_member)), "forbidden");
  auto events = f.at(kNow, f.fac, "r1", for_member);
  EXPECT_EQ(events[0].data["voter"], f.member);
  EXPECT_EQ(events[0].data["recorded"], true);
  RecordBallot for_remote{v, remote, std::nullopt, {{"choice", "agree"}}};
  EXPECT_EQ(rejection_code(f.run(f.fac, "r2", for_remote)), "invalid_value");
  RecordBallot for_observer{v, f.observer, std::nullopt, {{"choice", "agree"}}};
  EXPECT_EQ(rejection_code(f.run(f.fac, "r3", for_observer)), "invalid_value");
  RecordBallot for_nobody{v, "p999", std::nullopt, {{"choice", "agree"}}};
  EXPECT_EQ(rejection_code(f.run(f.fac, "r4", for_nobody)), "not_found");
  // Someone without a device, by name: eligible from now on.
  events = f.at(kNow, f.fac, "r5", RecordBallot{v, std::nullopt, "Grandma Lee", {{"fist", 1}}});
  EXPECT_TRUE(events.empty());  // a fist ballot in a consent vote
  events = f.at(kNow, f.fac, "r6",
                RecordBallot{v, std::nullopt, "Grandma Lee", {{"choice", "disagree"}}});
  EXPECT_EQ(events[0].data["voter"], "guest:Grandma Lee");
  EXPECT_EQ(events[0].data["eligible"], 4);
  // The member's own ballot replaces the recorded one.
  events = f.cast(f.member, v, {{"choice", "disagree"}});
  EXPECT_EQ(events[0].data["recorded"], false);
  EXPECT_EQ(events[0].data["voted"], 2);
}

TEST(Votes, MembersJoiningDuringAVoteAreEligibleObserversAreNot) {
  VoteFixture f;
  std::string v = f.open(f.consent());
  std::string late = f.join("Late", Role::member);
  f.join("Screen", Role::observer);
  EXPECT_EQ(f.vote(v).eligible, (std::vector<std::string>{f.fac, f.member, late}));
  f.ok(f.fac, "close", CloseVote{v});
  f.join("After", Role::member);
  EXPECT_EQ(f.vote(v).eligible.size(), 3u);
}

TEST(Votes, ResolvingAClosedVoteSetsTheItemsStatusOnce) {
  VoteFixture f;
  std::string v = f.open(f.consent());
  EXPECT_EQ(rejection_code(f.run(f.fac, "r", ResolveVote{v, ItemStatus::agreed})),
            "not_resolvable");
  f.ok(f.fac, "close", CloseVote{v});
  EXPECT_EQ(rejection_code(f.run(f.member, "r", ResolveVote{v, ItemStatus::agreed})), "forbidden");
  f.ok(f.fac, "r1", ResolveVote{v, ItemStatus::agreed});
  EXPECT_EQ(f.m.items[0].status, ItemStatus::agreed);
  EXPECT_EQ(rejection_code(f.run(f.fac, "r2", ResolveVote{v, ItemStatus::dropped})),
            "not_resolvable");
  VoteSettings free_question;
  free_question.question = "Meet in March?";
  std::string q = f.open(free_question);
  f.ok(f.fac, "close-q", CloseVote{q});
  EXPECT_EQ(rejection_code(f.run(f.fac, "r3", ResolveVote{q, ItemStatus::agreed})),
            "not_resolvable");
}

TEST(Votes, EndingTheMeetingClosesOpenVotes) {
  VoteFixture f;
  std::string v = f.open(f.consent());
  f.cast(f.member, v, {{"choice", "agree"}});
  auto events = f.at(kNow, f.fac, "end", SetPhase{Phase::ended});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].data["reason"], "meeting_ended");
  EXPECT_TRUE(f.vote(v).closed.has_value());
}

TEST(Votes, StateSnapshotRoundTripsVotesWithTheirSealedBallots) {
  VoteFixture f;
  VoteSettings s = f.consent();
  s.visibility = VoteVisibility::anonymous;
  s.time_limit_s = 30;
  s.quorum = 2;
  std::string v = f.open(s);
  f.cast(f.member, v, {{"choice", "agree"}});
  f.ok(f.fac, "r", RecordBallot{v, std::nullopt, "Lee", {{"choice", "abstain"}}});
  Meeting back = state_from_json(json::parse(state_to_json(f.m).dump()));
  EXPECT_EQ(vote_state_json(*back.find_vote(v)), vote_state_json(f.vote(v)));
  EXPECT_EQ(back.find_vote(v)->ballots.size(), 2u);
}

TEST(Votes, CodecDecodesVoteCommandsStrictly) {
  auto code = [](const std::string& frame) {
    auto d = decode_client_message(frame);
    auto* r = std::get_if<Rejection>(&d.result);
    return r ? r->code : std::string();
  };
  EXPECT_EQ(code(R"({"type":"open_vote","cid":"c","method":"consent","question":"Q?"})"), "");
  EXPECT_EQ(code(R"({"type":"open_vote","cid":"c","method":"poll","question":"Q?"})"),
            "invalid_value");
  EXPECT_EQ(code(R"({"type":"open_vote","cid":"c","method":"consent","question":"Q?","x":1})"),
            "bad_message");
  EXPECT_EQ(code(R"({"type":"open_vote","cid":"c","method":"dots","itemIds":["i1"]})"),
            "invalid_value");
  EXPECT_EQ(code(R"({"type":"open_vote","cid":"c","method":"consent","itemIds":"i1"})"),
            "bad_message");
  EXPECT_EQ(code(R"({"type":"open_vote","cid":"c","method":"consent","question":"Q",)"
                 R"("closeWhenAllVoted":"yes"})"),
            "bad_message");
  EXPECT_EQ(code(R"({"type":"open_vote","cid":"c","method":"consent","question":"Q",)"
                 R"("dotBudget":0})"),
            "invalid_value");
  EXPECT_EQ(code(R"({"type":"cast_ballot","cid":"c","voteId":"v1"})"), "bad_message");
  EXPECT_EQ(code(R"({"type":"record_ballot","cid":"c","voteId":"v1","ballot":{}})"), "bad_message");
  EXPECT_EQ(code(R"({"type":"record_ballot","cid":"c","voteId":"v1","name":"A",)"
                 R"("participantId":"p2","ballot":{}})"),
            "bad_message");
  EXPECT_EQ(code(R"({"type":"resolve_vote","cid":"c","voteId":"v1","status":"won"})"),
            "invalid_value");
  // The deadline close is the server's own: a client cannot ask for it.
  auto d = decode_client_message(R"({"type":"close_vote","cid":"c","voteId":"v1"})");
  auto& cmd = std::get<CommandRequest>(std::get<ClientMessage>(d.result));
  EXPECT_FALSE(std::get<CloseVote>(cmd.command).on_deadline);
}

}  // namespace
}  // namespace rt::core
