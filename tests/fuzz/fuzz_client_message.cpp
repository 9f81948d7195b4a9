// Fuzz target: one client WebSocket frame, as the server handles it (websocket_session.cpp,
// meeting_room.cpp) minus the sockets and Redis. The frame is decoded; a command is decided
// by the reducer against a fixed meeting in mid-session for each kind of actor (facilitator,
// member, observer, removed member) and its events applied, serialized, replayed from the
// stored form and projected into the minutes; the server's clock duties run an hour later.
// Join, resume, focus and clock requests go through what the server does with them.
// Rejections are fine; an exception, a sanitizer report or a broken invariant is a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/clock_duties.hpp"
#include "core/codec.hpp"
#include "core/event.hpp"
#include "core/reducer.hpp"
#include "core/replay.hpp"
#include "core/token.hpp"
#include "fuzz_support.hpp"
#include "minutes/render.hpp"

namespace {

using namespace rt;
using fuzz::kNow;

constexpr int64_t kDecidedAt = kNow + 10 * 60'000;  // a minute after the fixture's last event
constexpr int64_t kHourLater = kDecidedAt + 3'600'000;

struct Fixture {
  fuzz::Scripted s = fuzz::scripted_meeting();
  std::string snapshot = core::state_to_json(s.m).dump();  // the Redis snapshot of s.m
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

// What a client gets of the event, live (to_json) and from the log (wire_form), is the same
// and never carries the sealed part.
void check_serialized(const core::Event& e, const std::string& stored) {
  auto live = core::to_json(e);
  auto from_log = nlohmann::json::parse(core::wire_form(stored));
  RT_FUZZ_CHECK(live == from_log);
  RT_FUZZ_CHECK(!live.contains("sealed"));
  if (e.anonymous) RT_FUZZ_CHECK(!live.contains("actor") && !live.contains("cid"));
  live.dump();
}

// Applies an accepted decision as the room does; false for anything else.
bool apply_decision(core::Meeting& m, std::vector<std::string>& log, const core::Decision& d) {
  const auto* accepted = std::get_if<core::Accepted>(&d);
  if (!accepted) {
    if (const auto* r = std::get_if<core::Rejection>(&d)) {
      RT_FUZZ_CHECK(!r->code.empty());
      core::encode_reject(std::string("cid"), *r);
    }
    return false;
  }
  for (const auto& e : accepted->events) {
    RT_FUZZ_CHECK(e.seq == m.version + 1);
    core::apply(m, e);  // throws on an event that does not fit: the server would crash
    std::string stored = core::to_stored(e);
    check_serialized(e, stored);
    log.push_back(std::move(stored));
  }
  return true;
}

void decide_as(const Fixture& f, const std::string& actor, const std::string& cid,
               core::Command command) {
  // Only a facilitator's rotate_join_code gets a code drawn by the room (meeting_room.cpp).
  if (auto* rotate = std::get_if<core::RotateJoinCode>(&command)) {
    const core::Participant* p = f.s.m.find_participant(actor);
    if (p && p->role == core::Role::facilitator) rotate->code = "HJKM-NPQR";
  }
  core::Meeting m = f.s.m;
  std::vector<std::string> log = f.s.log;
  size_t first_new = log.size();
  if (!apply_decision(m, log, core::decide(m, actor, cid, command, kDecidedAt))) return;

  // The same cid again is answered with its seq and applies nothing (at most once).
  auto again = core::decide(m, actor, cid, command, kDecidedAt);
  if (actor != "" && !std::holds_alternative<core::Join>(command)) {
    RT_FUZZ_CHECK(std::holds_alternative<core::Duplicate>(again));
  }

  // The server's clock, an hour later: closes the timed vote, times out the slot.
  for (auto& duty : core::due_duties(m, kHourLater)) {
    apply_decision(m, log, core::decide(m, "", "clock:" + duty.key, duty.command, kHourLater));
  }

  // A restart rebuilds the meeting from the snapshot and the log: the same state.
  std::vector<std::string> tail(log.begin() + static_cast<std::ptrdiff_t>(first_new), log.end());
  RT_FUZZ_CHECK(core::state_to_json(core::replay(f.snapshot, tail)) == core::state_to_json(m));

  core::public_snapshot(
      m, [](const std::string&) { return true; }, actor)
      .dump();
  auto minutes = minutes::project(log, kHourLater);
  minutes::to_markdown(minutes, {});
  minutes::to_html(minutes, {60});
  minutes::to_json(minutes).dump();
  minutes::to_csv(minutes);
  minutes::to_ics(minutes);
}

void handle(const Fixture& f, const core::CommandRequest& r) {
  for (const auto* actor : {&f.s.fac, &f.s.member, &f.s.observer, &f.s.removed}) {
    decide_as(f, *actor, r.cid, r.command);
  }
}

void handle(const Fixture& f, const core::JoinRequest& r) {
  core::Join join = r.join;
  if (r.facilitator_token) {  // websocket_session.cpp, enter(JoinRequest)
    auto verified = core::verify_token(*r.facilitator_token, fuzz::kSecret, kNow);
    auto* claims = std::get_if<core::TokenClaims>(&verified);
    if (!claims || claims->role != core::Role::facilitator || !claims->participant_id.empty() ||
        claims->meeting_id != fuzz::kMeetingId) {
      return;
    }
    join.role = core::Role::facilitator;
  } else {
    join.code = r.code;
  }
  decide_as(f, "", r.cid, join);
}

void handle(const Fixture& f, const core::ResumeRequest& r) {
  auto verified = core::verify_token(r.token, fuzz::kSecret, kNow);
  auto* claims = std::get_if<core::TokenClaims>(&verified);
  if (!claims || claims->participant_id.empty() || claims->meeting_id != fuzz::kMeetingId) return;
  const core::Participant* p = f.s.m.find_participant(claims->participant_id);
  if (!p || p->removed) return;
  core::public_snapshot(
      f.s.m, [](const std::string&) { return false; }, p->id)
      .dump();
}

void handle(const Fixture& f, const core::FocusRequest& r) {
  for (const auto* actor : {&f.s.fac, &f.s.member, &f.s.observer, &f.s.removed}) {
    if (auto rejection = core::check_focus(f.s.m, *actor, r)) {
      core::encode_reject(r.cid, *rejection);
    } else {
      core::encode_editing(*actor, r);
    }
  }
}

void handle(const Fixture&, const core::ClockRequest& r) {
  core::encode_clock(r, kNow);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::print_fixture_if_asked();
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  core::Decoded decoded = core::decode_client_message(frame);
  if (const auto* r = std::get_if<core::Rejection>(&decoded.result)) {
    RT_FUZZ_CHECK(!r->code.empty());
    core::encode_reject(decoded.cid, *r);
    return 0;
  }
  const Fixture& f = fixture();
  std::visit([&f](const auto& message) { handle(f, message); },
             std::get<core::ClientMessage>(decoded.result));
  return 0;
}
