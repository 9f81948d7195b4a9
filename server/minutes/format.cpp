#include "minutes/format.hpp"

#include <cstdio>
#include <ctime>

namespace rt::minutes {
namespace {

std::tm to_tm(int64_t epoch_ms, TimeZone tz) {
  // Floor division: a time before 1970 must not round towards zero.
  int64_t ms = epoch_ms + int64_t{tz.offset_minutes} * 60'000;
  std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm t{};
  gmtime_r(&seconds, &t);
  return t;
}

std::string zone_name(TimeZone tz) {
  if (tz.offset_minutes == 0) return "UTC";
  int off = tz.offset_minutes < 0 ? -tz.offset_minutes : tz.offset_minutes;
  char buf[16];
  std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", tz.offset_minutes < 0 ? '-' : '+', off / 60,
                off % 60);
  return buf;
}

std::string who_closed(const std::string& reason) {
  if (reason == "facilitator") return "closed by the facilitator";
  if (reason == "deadline") return "closed when its time ran out";
  if (reason == "all_voted") return "closed when everyone had voted";
  if (reason == "meeting_ended") return "closed by the end of the meeting";
  return "closed (" + reason + ")";
}

}  // namespace

std::string format_date(int64_t epoch_ms, TimeZone tz) {
  std::tm t = to_tm(epoch_ms, tz);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
  return buf;
}

std::string format_clock(int64_t epoch_ms, TimeZone tz) {
  std::tm t = to_tm(epoch_ms, tz);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", t.tm_hour, t.tm_min);
  return buf;
}

std::string format_time(int64_t epoch_ms, TimeZone tz) {
  return format_date(epoch_ms, tz) + " " + format_clock(epoch_ms, tz) + " " + zone_name(tz);
}

std::string format_duration(int64_t ms) {
  int64_t s = (ms < 0 ? 0 : ms) / 1000;
  char buf[48];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(s));
  }
  return buf;
}

std::string format_share(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100);
  return buf;
}

std::string status_label(core::ItemStatus s) {
  switch (s) {
    case core::ItemStatus::proposed:
      return "Proposed";
    case core::ItemStatus::agreed:
      return "Agreed";
    case core::ItemStatus::in_progress:
      return "In progress";
    case core::ItemStatus::done:
      return "Done";
    case core::ItemStatus::dropped:
      return "Dropped";
  }
  return "";
}

std::string method_label(core::VoteMethod m) {
  switch (m) {
    case core::VoteMethod::consent:
      return "Consent";
    case core::VoteMethod::fist:
      return "Fist-of-five";
    case core::VoteMethod::dots:
      return "Dot voting";
    case core::VoteMethod::stage:
      return "Stage check-in";
  }
  return "";
}

std::string slot_result(const Slot& s) {
  std::string of = " of " + format_duration(s.allotted_ms);
  switch (s.state) {
    case core::SlotState::pending:
      return "Did not speak (" + format_duration(s.allotted_ms) + " planned)";
    case core::SlotState::skipped:
      return "Skipped";
    case core::SlotState::running:
    case core::SlotState::paused:
      return "Speaking: " + format_duration(s.used_ms) + of;
    case core::SlotState::done:
      return "Spoke " + format_duration(s.used_ms) + of +
             (s.overrun_ms > 0 ? ", over by " + format_duration(s.overrun_ms) : "");
  }
  return "";
}

std::string decision_subject(const Decision& d) {
  if (!d.question.empty()) return d.question;
  std::string out;
  for (const auto& [id, title] : d.items) {
    if (!out.empty()) out += "; ";
    out += title.empty() ? "(item " + id + ", deleted)" : title;
  }
  return out;
}

std::vector<std::string> decision_details(const Decision& d) {
  std::vector<std::string> lines;
  const auto& t = d.tallies;
  switch (d.method) {
    case core::VoteMethod::consent:
      for (const char* choice : {"agree", "disagree", "abstain", "block"}) {
        std::string label = choice;
        label[0] = static_cast<char>(label[0] - 'a' + 'A');
        lines.push_back(label + ": " + std::to_string(t.at(choice).get<uint64_t>()));
      }
      for (const auto& reason : t.at("reasons")) {
        lines.push_back("Block reason: " + reason.get<std::string>());
      }
      break;
    case core::VoteMethod::fist:
      for (size_t i = 0; i < t.at("counts").size(); ++i) {
        std::string fingers = i == 1 ? " finger: " : " fingers: ";
        lines.push_back(std::to_string(i) + fingers +
                        std::to_string(t.at("counts")[i].get<uint64_t>()));
      }
      break;
    case core::VoteMethod::dots:
      for (const auto& [id, title] : d.items) {
        lines.push_back((title.empty() ? "item " + id : title) + ": " +
                        std::to_string(t.at("dots").value(id, uint64_t{0})) + " dots");
      }
      break;
    case core::VoteMethod::stage:
      break;  // not a decision: the minutes chart it (Minutes::stage)
  }
  if (d.outcome) {
    lines.push_back("Outcome: accepted as " + status_label(*d.outcome));
  } else {
    lines.push_back("Outcome: not recorded as an item status");
  }
  return lines;
}

std::string decision_participation(const Decision& d) {
  std::string out = std::to_string(d.voted) + " of " + std::to_string(d.eligible) + " voted";
  if (d.quorum) {
    out += "; quorum " + std::to_string(*d.quorum) + (d.quorum_met ? " met" : " NOT met");
  }
  out += "; " + std::string(d.visibility == core::VoteVisibility::anonymous ? "anonymous" : "open");
  return out + "; " + who_closed(d.close_reason);
}

}  // namespace rt::minutes
