#include <string_view>

#include "minutes/render.hpp"

namespace rt::minutes {
namespace {

// RFC 5545 3.3.11 TEXT: backslash, semicolon and comma are escaped, a line break is "\n".
std::string text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        // Other control characters are not TEXT (RFC 5545 3.3.11); a tab is.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') out += c;
    }
  }
  return out;
}

// RFC 5545 3.1: a content line longer than 75 octets is folded with CRLF and a space, never
// inside a UTF-8 sequence.
std::string folded(std::string_view line) {
  std::string out;
  size_t width = 0;  // octets on the current physical line
  for (size_t i = 0; i < line.size();) {
    size_t len = 1;
    auto lead = static_cast<unsigned char>(line[i]);
    if (lead >= 0xF0) {
      len = 4;
    } else if (lead >= 0xE0) {
      len = 3;
    } else if (lead >= 0xC0) {
      len = 2;
    }
    len = std::min(len, line.size() - i);
    if (width + len > 75) {
      out += "\r\n ";
      width = 1;
    }
    out.append(line.substr(i, len));
    width += len;
    i += len;
  }
  return out + "\r\n";
}

std::string_view todo_status(core::ItemStatus s) {
  switch (s) {
    case core::ItemStatus::in_progress:
      return "IN-PROCESS";
    case core::ItemStatus::done:
      return "COMPLETED";
    case core::ItemStatus::dropped:
      return "CANCELLED";
    default:
      return "NEEDS-ACTION";
  }
}

// "20261123T140500Z": the stamp must be UTC.
std::string utc_stamp(int64_t epoch_ms) {
  std::string date = format_date(epoch_ms, {});
  std::string clock = format_clock(epoch_ms, {});
  int64_t seconds = (epoch_ms / 1000) % 60;
  std::string ss = (seconds < 10 ? "0" : "") + std::to_string(seconds);
  return date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2) + "T" + clock.substr(0, 2) +
         clock.substr(3, 2) + ss + "Z";
}

}  // namespace

std::string to_ics(const Minutes& m) {
  std::string ics;
  ics += folded("BEGIN:VCALENDAR");
  ics += folded("VERSION:2.0");
  ics += folded("PRODID:-//Roundtable//Meeting minutes//EN");
  ics += folded("CALSCALE:GREGORIAN");
  ics += folded("X-WR-CALNAME:" + text("Action items: " + m.title));
  // The stamp is the minutes' own time, not the download's, so final minutes stay the same.
  std::string stamp = utc_stamp(m.as_of);
  for (const auto& i : m.items) {
    if (i.due.empty()) continue;
    std::string description = "Owner: " + (i.owner.empty() ? std::string("none") : i.owner) +
                              "\nStatus: " + status_label(i.status) + "\nMeeting: " + m.title;
    if (!i.notes.empty()) description += "\n\n" + i.notes;
    ics += folded("BEGIN:VTODO");
    ics += folded("UID:" + m.meeting_id + "-" + i.id + "@roundtable");
    ics += folded("DTSTAMP:" + stamp);
    ics += folded("DUE;VALUE=DATE:" + i.due.substr(0, 4) + i.due.substr(5, 2) + i.due.substr(8, 2));
    ics += folded("SUMMARY:" + text(i.title));
    ics += folded("DESCRIPTION:" + text(description));
    ics += folded("STATUS:" + std::string(todo_status(i.status)));
    ics += folded("END:VTODO");
  }
  ics += folded("END:VCALENDAR");
  return ics;
}

}  // namespace rt::minutes
