// The minutes of one scripted meeting, in every format, against golden files checked in under
// tests/golden/minutes/ (RT_UPDATE_GOLDEN=1 rewrites them after a deliberate change; review
// the diff). The node tests parse the same files with real parsers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/event.hpp"
#include "minutes/render.hpp"
#include "test_support.hpp"

namespace rt {
namespace {

using core::ItemStatus;
using core::Role;
using test::kNow;

constexpr int64_t kMinute = 60'000;
constexpr minutes::TimeZone kParis{60};

struct ScriptedMeeting {
  test::MeetingFixture f;
  std::string ben;
  int64_t end_at = kNow + 40 * kMinute;

  ScriptedMeeting() {
    ben = "p" + std::to_string(
                    f.ok("", "join-ben",
                         core::Join{"Ben", core::Attendance::remote, "Head Start", Role::member},
                         kNow + kMinute));
    f.ok(f.fac, "s1", core::AddSlot{"Town Library", "Maria", 300}, kNow + 2 * kMinute);
    f.ok(f.fac, "s2", core::AddSlot{"Head Start", "Ben", 120}, kNow + 2 * kMinute);
    f.ok(f.member, "a1",
         core::AddItem{"Reading night flyer", "Ana", "2026-12-01", ItemStatus::proposed},
         kNow + 3 * kMinute);
    f.ok(f.member, "a2", core::AddItem{"Book swap", "Ben", "", ItemStatus::agreed},
         kNow + 3 * kMinute);
    f.ok(f.member, "a3",
         core::AddItem{"Volunteer rota", "", "2027-01-15", ItemStatus::in_progress,
                       "Two per shift\n1. mornings"},
         kNow + 4 * kMinute);
    f.ok(f.fac, "live", core::SetPhase{core::Phase::live}, kNow + 5 * kMinute);

    core::VoteSettings consent;
    consent.item_ids = {"i9"};
    f.ok(f.fac, "v1", core::OpenVote{consent}, kNow + 10 * kMinute);
    std::string consent_id = f.m.votes.back().id;
    f.ok(f.member, "b1", core::CastBallot{consent_id, {{"choice", "agree"}}}, kNow + 11 * kMinute);
    f.ok(ben, "b2", core::CastBallot{consent_id, {{"choice", "disagree"}}}, kNow + 11 * kMinute);
    f.ok(f.fac, "b3", core::CastBallot{consent_id, {{"choice", "agree"}}}, kNow + 11 * kMinute);
    f.ok(f.fac, "c1", core::CloseVote{consent_id}, kNow + 12 * kMinute);
    f.ok(f.fac, "r1", core::ResolveVote{consent_id, ItemStatus::agreed}, kNow + 12 * kMinute);

    core::VoteSettings fist;
    fist.method = core::VoteMethod::fist;
    fist.question = "How confident are we in the rota?";
    fist.visibility = core::VoteVisibility::anonymous;
    fist.quorum = 3;
    f.ok(f.fac, "v2", core::OpenVote{fist}, kNow + 13 * kMinute);
    std::string fist_id = f.m.votes.back().id;
    f.ok(f.member, "b4", core::CastBallot{fist_id, {{"fist", 4}}}, kNow + 14 * kMinute);
    f.ok(ben, "b5", core::CastBallot{fist_id, {{"fist", 2}}}, kNow + 14 * kMinute);
    f.ok(f.fac, "c2", core::CloseVote{fist_id}, kNow + 15 * kMinute);

    f.ok(f.fac, "st1", core::StartSlot{"u6"}, kNow + 20 * kMinute);
    f.ok(f.fac, "nx1", core::NextSlot{"u6"}, kNow + 26 * kMinute);  // one minute over
    f.ok(f.fac, "nx2", core::NextSlot{"u7"}, kNow + 27 * kMinute);

    core::VoteSettings stage;
    stage.method = core::VoteMethod::stage;
    stage.visibility = core::VoteVisibility::anonymous;
    f.ok(f.fac, "v3", core::OpenVote{stage}, kNow + 28 * kMinute);
    std::string stage_id = f.m.votes.back().id;
    f.ok(f.member, "b6", core::CastBallot{stage_id, {{"stage", "coordination"}}},
         kNow + 28 * kMinute);
    f.ok(ben, "b7", core::CastBallot{stage_id, {{"stage", "collaboration"}}}, kNow + 28 * kMinute);
    f.ok(f.fac, "b8", core::CastBallot{stage_id, {{"stage", "coordination"}}}, kNow + 28 * kMinute);
    f.ok(f.fac, "c3", core::CloseVote{stage_id}, kNow + 29 * kMinute);

    f.ok(f.fac, "wrap", core::EnterSection{"wrap_up"}, kNow + 30 * kMinute);
    f.ok("", "presence:1", core::MarkPresence{ben, false, kNow + 31 * kMinute},
         kNow + 32 * kMinute);
    f.ok(f.member, "u1", core::UpdateItem{"i10", {}, {}, {}, ItemStatus::done},
         kNow + 35 * kMinute);
    f.ok(f.fac, "end", core::SetPhase{core::Phase::ended}, end_at);
  }
};

std::string golden_path(const std::string& name) {
  return std::string(RT_GOLDEN_DIR) + "/" + name;
}

// Compares with the golden file, or rewrites it under RT_UPDATE_GOLDEN=1.
void expect_golden(const std::string& name, const std::string& actual) {
  if (std::getenv("RT_UPDATE_GOLDEN")) {
    std::ofstream(golden_path(name), std::ios::binary) << actual;
    return;
  }
  std::ifstream in(golden_path(name), std::ios::binary);
  ASSERT_TRUE(in) << "no golden file " << golden_path(name) << " (RT_UPDATE_GOLDEN=1 makes it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "minutes." << name << " differ from the golden file";
}

TEST(Minutes, GoldenFilesOfEachFormat) {
  ScriptedMeeting s;
  auto m = minutes::project(s.f.log, s.end_at + 5 * kMinute);
  expect_golden("scripted.md", minutes::to_markdown(m, kParis));
  expect_golden("scripted.html", minutes::to_html(m, kParis));
  expect_golden("scripted.json", minutes::to_json(m).dump(2) + "\n");
  expect_golden("scripted.csv", minutes::to_csv(m));
  expect_golden("scripted.ics", minutes::to_ics(m));
}

TEST(Minutes, ProjectsWhatHappened) {
  ScriptedMeeting s;
  auto m = minutes::project(s.f.log, s.end_at + 5 * kMinute);
  EXPECT_TRUE(m.final);
  EXPECT_EQ(m.as_of, s.end_at);
  EXPECT_EQ(m.goal, "Every child ready");
  ASSERT_EQ(m.attendees.size(), 4u);
  EXPECT_EQ(m.attendees[3].name, "Ben");
  EXPECT_EQ(m.attendees[3].left_at, kNow + 31 * kMinute);
  EXPECT_FALSE(m.attendees[1].left_at);

  // Live from +5 to +40 min: action items until the first slot (+20), partner updates until
  // wrap-up (+30), then wrap-up.
  EXPECT_EQ(m.time.live_ms, 35 * kMinute);
  EXPECT_EQ(m.time.action_items_ms, 15 * kMinute);
  EXPECT_EQ(m.time.partner_updates_ms, 10 * kMinute);
  EXPECT_EQ(m.time.other_ms, 10 * kMinute);

  ASSERT_EQ(m.slots.size(), 2u);
  EXPECT_EQ(m.slots[0].used_ms, 6 * kMinute);
  EXPECT_EQ(m.slots[0].overrun_ms, kMinute);
  EXPECT_EQ(m.slots[1].used_ms, kMinute);
  EXPECT_EQ(m.slots[1].overrun_ms, 0);

  ASSERT_EQ(m.decisions.size(), 2u);  // the stage check-in is not a decision
  EXPECT_EQ(m.decisions[0].outcome, ItemStatus::agreed);
  EXPECT_EQ(m.decisions[0].tallies["agree"], 2);
  EXPECT_EQ(m.decisions[0].items.at(0).second, "Book swap");
  EXPECT_FALSE(m.decisions[1].quorum_met);
  ASSERT_TRUE(m.stage);
  EXPECT_EQ(m.stage->counts[2], 2u);  // coordination
  EXPECT_EQ(m.stage->counts[3], 1u);  // collaboration
}

TEST(Minutes, AreFinalAtTheEnd_LaterJoinsAndProfilesDoNotChangeThem) {
  ScriptedMeeting s;
  auto before = minutes::to_markdown(minutes::project(s.f.log, s.end_at + kMinute), kParis);
  s.f.ok("", "late", core::Join{"Late Larry", core::Attendance::remote, "", Role::member},
         s.end_at + 2 * kMinute);
  s.f.ok(s.f.member, "prof", core::UpdateProfile{std::string("Ana R."), {}, {}},
         s.end_at + 3 * kMinute);
  auto after = minutes::to_markdown(minutes::project(s.f.log, s.end_at + 9 * kMinute), kParis);
  EXPECT_EQ(before, after);
  EXPECT_EQ(after.find("Larry"), std::string::npos);
}

TEST(Minutes, WhileRunning_AreAsOfNowAndShowNoOpenVoteResults) {
  test::MeetingFixture f;
  f.ok(f.fac, "live", core::SetPhase{core::Phase::live}, kNow);
  core::VoteSettings hidden;
  hidden.question = "Meet monthly?";
  hidden.results = core::VoteResults::hidden;
  f.ok(f.fac, "v", core::OpenVote{hidden}, kNow);
  f.ok(f.member, "b", core::CastBallot{f.m.votes.back().id, {{"choice", "disagree"}}}, kNow);
  auto m = minutes::project(f.log, kNow + 7 * kMinute);
  EXPECT_FALSE(m.final);
  EXPECT_EQ(m.as_of, kNow + 7 * kMinute);
  EXPECT_EQ(m.time.live_ms, 7 * kMinute);
  EXPECT_TRUE(m.decisions.empty());
  EXPECT_EQ(minutes::to_json(m).dump().find("disagree"), std::string::npos);
}

TEST(Minutes, AnonymousBallotsNameNobodyInAnyFormat) {
  ScriptedMeeting s;
  auto m = minutes::project(s.f.log, s.end_at);
  auto json = minutes::to_json(m);
  for (const auto& d : json["decisions"]) {
    if (d["visibility"] == "anonymous") {
      EXPECT_FALSE(d["tallies"].contains("ballots"));
      EXPECT_EQ(d["tallies"].dump().find("p3"), std::string::npos);
    }
  }
  // Only the tallies (4 and 2 fingers) are there: nothing ties a count to Ana or Ben.
  std::string md = minutes::to_markdown(m, {});
  EXPECT_NE(md.find("4 fingers: 1"), std::string::npos);
  EXPECT_EQ(md.find("Ana: 4"), std::string::npos);
}

// Hostile text in every field a user types.
struct HostileMeeting {
  test::MeetingFixture f;
  HostileMeeting() {
    f.ok(f.fac, "t", core::SetTitle{"<script>alert(1)</script> # Council"}, kNow);
    f.ok(
        f.member, "a1",
        core::AddItem{"=HYPERLINK(\"http://evil\")", "@SUM(A1)", "2026-12-01", ItemStatus::proposed,
                      "line1\n# not a heading\n<img src=x onerror=alert(1)>"},
        kNow);
    f.ok(f.member, "a2",
         core::AddItem{"[link](javascript:alert(1)) *bold* a,b;c\\d", "+1", "2026-12-02",
                       ItemStatus::proposed},
         kNow);
    f.ok(f.member, "a3", core::AddItem{"-2 \"quoted\"", "", "", ItemStatus::proposed}, kNow);
  }
};

TEST(Minutes, Html_EscapesEveryUserText) {
  HostileMeeting h;
  auto html = minutes::to_html(minutes::project(h.f.log, kNow), {});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(Minutes, Markdown_CannotOpenStructureOrLinks) {
  HostileMeeting h;
  auto md = minutes::to_markdown(minutes::project(h.f.log, kNow), {});
  EXPECT_NE(md.find("\\<script\\>alert\\(1\\)\\</script\\> \\# Council"), std::string::npos);
  EXPECT_NE(md.find("\\[link\\]\\(javascript:alert\\(1\\)\\) \\*bold\\*"), std::string::npos);
  // The note's lines are quoted and escaped: no heading, no raw HTML.
  EXPECT_NE(md.find("  > \\# not a heading"), std::string::npos);
  EXPECT_NE(md.find("  > \\<img src\\=x onerror\\=alert\\(1\\)\\>"), std::string::npos);
}

TEST(Minutes, Markdown_ANumberAndDotAtTheStartOfALineIsNotAList) {
  test::MeetingFixture f;
  f.ok("", "j", core::Join{"1. Numbered", core::Attendance::room, "10. Tenth", Role::member});
  auto md = minutes::to_markdown(minutes::project(f.log, kNow), {});
  EXPECT_NE(md.find("- 1\\. Numbered, 10\\. Tenth ("), std::string::npos) << md;
}

TEST(Minutes, AnEarlierMeetingIsReadAsItWasAtACutOff) {
  ScriptedMeeting s;
  auto cut = kNow + 20 * kMinute;
  auto m = minutes::project(s.f.log, s.end_at + kMinute, cut);
  EXPECT_FALSE(m.final);
  EXPECT_EQ(m.as_of, cut);
  EXPECT_FALSE(m.stage) << "its stage check-in closed after the cut-off";
  EXPECT_EQ(m.time.live_ms, 15 * kMinute);
}

TEST(Minutes, Csv_NeutralisesFormulasAndQuotesPerRfc4180) {
  HostileMeeting h;
  auto csv = minutes::to_csv(minutes::project(h.f.log, kNow));
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://evil\"\")\",'@SUM(A1),"), std::string::npos);
  EXPECT_NE(csv.find(",'+1,"), std::string::npos);
  EXPECT_NE(csv.find(",\"'-2 \"\"quoted\"\"\","), std::string::npos);
  EXPECT_NE(csv.find("\"line1\n# not a heading\n<img src=x onerror=alert(1)>\""),
            std::string::npos);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
}

TEST(Minutes, Ics_EscapesTextAndFoldsLongLinesWithoutSplittingCharacters) {
  HostileMeeting h;
  h.f.ok(h.f.member, "long",
         core::AddItem{std::string(30, 'x') + "éééééééééééééééééééééééééééééé", "", "2026-12-03",
                       ItemStatus::proposed},
         kNow);
  auto ics = minutes::to_ics(minutes::project(h.f.log, kNow));
  EXPECT_NE(ics.find("SUMMARY:[link](javascript:alert(1)) *bold* a\\,b\\;c\\\\d\r\n"),
            std::string::npos);
  size_t start = 0;
  while (start < ics.size()) {
    size_t end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "every line ends with CRLF";
    std::string line = ics.substr(start, end - start);
    EXPECT_LE(line.size(), 75u) << line;
    // A fold never starts inside a UTF-8 sequence.
    if (!line.empty() && line[0] == ' ' && line.size() > 1) {
      EXPECT_NE(static_cast<unsigned char>(line[1]) & 0xC0, 0x80) << line;
    }
    start = end + 2;
  }
  EXPECT_EQ(std::count(ics.begin(), ics.end(), '\n'),
            std::count(ics.begin(), ics.end(), '\r'));  // no bare line feeds from the notes
}

}  // namespace
}  // namespace rt
