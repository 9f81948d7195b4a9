// Wording shared by the human-readable formats (Markdown, HTML): times in the reader's zone,
// durations, and the plain-language summary of each decision. Escaping is each format's own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "minutes/minutes.hpp"

namespace rt::minutes {

// The reader's time zone as minutes east of UTC (Europe/Paris in winter: 60).
struct TimeZone {
  int offset_minutes = 0;
};
inline constexpr int kMaxZoneOffsetMinutes = 14 * 60;

// "2026-11-23 14:05 UTC+01:00".
std::string format_time(int64_t epoch_ms, TimeZone tz);
// "2026-11-23".
std::string format_date(int64_t epoch_ms, TimeZone tz);
// "14:05".
std::string format_clock(int64_t epoch_ms, TimeZone tz);
// "1 h 05 min", "4 min 30 s", "45 s".
std::string format_duration(int64_t ms);
// "23%".
std::string format_share(double share);

std::string status_label(core::ItemStatus s);  // "In progress"
std::string method_label(core::VoteMethod m);  // "Fist-of-five"
std::string slot_result(const Slot& s);        // "Done: 4 min 30 s of 5 min"

// What the decision was about: its question, or its items' titles.
std::string decision_subject(const Decision& d);
// One line per count, e.g. "Agree: 5", then block reasons, then the outcome.
std::vector<std::string> decision_details(const Decision& d);
// "3 of 4 voted; quorum 3 met; closed by the facilitator".
std::string decision_participation(const Decision& d);

}  // namespace rt::minutes
