// What the libFuzzer targets share: one small meeting in mid-session, built through the real
// reducer like the unit tests' fixture (tests/unit/test_support.*, which needs GoogleTest),
// the tokens of its participants, and a check that turns a broken property into a crash.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/meeting.hpp"

// A property the fuzz target asserts: on violation it says which and traps, so libFuzzer
// records the input as a crash.
#define RT_FUZZ_CHECK(cond)                                                                    \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "fuzz property violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      __builtin_trap();                                                                        \
    }                                                                                          \
  } while (false)

namespace rt::fuzz {

// The fixed clock of every target (the unit tests' kNow) and the token-signing key.
inline constexpr int64_t kNow = 1'790'000'000'000;
inline constexpr const char* kSecret = "fuzz-secret-0123456789abcdef";
inline constexpr const char* kMeetingId = "m1";
inline constexpr const char* kJoinCode = "ABCD-EFGH";

// Meeting m1, live: a facilitator (p2), members p3 and p4, an observer (p5) and a member the
// facilitator removed; three action items (one with notes, edited character by character),
// an open consent vote with a ballot, an anonymous dot vote with hidden results and a time
// limit, a closed fist-of-five vote, two partner-update slots (one running), raised hands.
// Hostile text (markup, formula, CR/LF, non-ASCII) in titles and names, for the renderers.
struct Scripted {
  core::Meeting m;
  std::vector<std::string> log;  // every event as the Redis log stores it
  std::string fac, member, member2, observer, removed;
};

// The meeting as above; with `ended`, the facilitator then ends it (final minutes).
Scripted scripted_meeting(bool ended = false);

// Tokens of m1 signed with kSecret ("facilitator", "member", "observer", "removed") and
// tokens that must be refused ("expired", "other_meeting"), as "<name> <token>" lines.
std::vector<std::pair<std::string, std::string>> scripted_tokens(const Scripted& s);

// For tests/fuzz/run.sh, which builds seed inputs with real tokens and ids: when the
// environment has RT_FUZZ_PRINT_FIXTURE, prints "<name> <value>" lines (scripted_tokens(),
// the meeting's version, participant, item, vote and slot ids) to stdout and exits.
void print_fixture_if_asked();

}  // namespace rt::fuzz
