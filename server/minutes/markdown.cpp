#include <string_view>

#include "minutes/render.hpp"

namespace rt::minutes {
namespace {

// User text as inline CommonMark: every character that could open markup is
// backslash-escaped, and line breaks become spaces, so a title stays one line of text. At the
// start of a line "1." would open an ordered list, so a dot after leading digits is escaped too.
std::string inline_text(std::string_view s) {
  static constexpr std::string_view kSpecial = "\\`*_{}[]<>()#+-!|~&=";
  size_t digits = s.find_first_not_of("0123456789");
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\r' || c == '\n' || c == '\t') {
      out += ' ';
    } else {
      bool ordinal_dot = c == '.' && i == digits && digits > 0;
      if (ordinal_dot || kSpecial.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

// Multi-line user text (notes) as a block quote, one escaped line each.
std::string quoted_block(std::string_view s, const std::string& indent) {
  std::string out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    std::string line = inline_text(s.substr(start, end - start));
    out += indent + ">" + (line.empty() ? "" : " " + line) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string to_markdown(const Minutes& m, TimeZone tz) {
  std::string md;
  md += "# Minutes: " + inline_text(m.title) + "\n\n";
  md += "**Goal:** " + inline_text(m.goal) + "\n\n";
  md += "- Date: " + format_date(m.created_at, tz) + "\n";
  if (m.started_at) md += "- Started: " + format_time(*m.started_at, tz) + "\n";
  md += m.ended_at ? "- Ended: " + format_time(*m.ended_at, tz) + "\n"
                   : "- Not ended yet: minutes as of " + format_time(m.as_of, tz) + "\n";
  if (m.previous) {
    md += "- Follows: " + inline_text(m.previous->title) + " (" +
          format_date(m.previous->created_at, tz) + ")\n";
  }

  md += "\n## Attendance\n\n";
  if (m.attendees.empty()) md += "Nobody joined.\n";
  for (const auto& a : m.attendees) {
    md += "- " + inline_text(a.name);
    if (!a.organisation.empty()) md += ", " + inline_text(a.organisation);
    md += " (" + std::string(core::name_of(a.role)) + ", " +
          (a.attendance == core::Attendance::room ? "in the room" : "remote") + "): joined " +
          format_clock(a.joined_at, tz) +
          (a.left_at ? ", left " + format_clock(*a.left_at, tz) : "") + "\n";
  }

  md += "\n## Action items\n\n";
  if (m.items.empty()) md += "No action items.\n";
  for (const auto& i : m.items) {
    md += "- **" + inline_text(i.title) + "**: " + status_label(i.status) +
          "; owner: " + (i.owner.empty() ? "none" : inline_text(i.owner)) +
          "; due: " + (i.due.empty() ? "none" : i.due) + (i.carried_from ? "; carried over" : "") +
          "\n";
    if (!i.notes.empty()) md += "\n" + quoted_block(i.notes, "  ") + "\n";
  }

  if (m.previous) {
    md += "\n## Since last time\n\n";
    size_t carried = 0;
    for (const auto& i : m.items) {
      if (!i.carried_from) continue;
      ++carried;
      md += "- " + inline_text(i.title) + ": " +
            (i.status == core::ItemStatus::done ? "done since last time" : status_label(i.status)) +
            "\n";
    }
    if (carried == 0) md += "Nothing was carried over.\n";
  }

  md += "\n## Decisions\n\n";
  if (m.decisions.empty()) md += "No votes were taken.\n";
  for (const auto& d : m.decisions) {
    md += "- **" + inline_text(decision_subject(d)) + "** (" + method_label(d.method) +
          "): " + decision_participation(d) + "\n";
    for (const auto& line : decision_details(d)) md += "  - " + inline_text(line) + "\n";
  }

  md += "\n## Partner updates\n\n";
  if (m.slots.empty()) md += "No partner updates were planned.\n";
  for (const auto& s : m.slots) {
    md += "- " + inline_text(s.organisation) +
          (s.speaker.empty() ? "" : " (" + inline_text(s.speaker) + ")") + ": " +
          inline_text(slot_result(s)) + "\n";
  }

  md += "\n## Time report\n\n";
  md += "- Action items: " + format_duration(m.time.action_items_ms) + "\n";
  md += "- Partner updates: " + format_duration(m.time.partner_updates_ms) + " (" +
        format_share(m.time.partner_update_share()) + " of the meeting)\n";
  md += "- Everything else: " + format_duration(m.time.other_ms) + "\n";
  md += "- Total live time: " + format_duration(m.time.live_ms) + "\n";

  if (!m.stage_history.empty()) {
    md += "\n## Stage of the collaboration\n\n";
    for (const auto& c : m.stage_history) {
      md += "- " + format_date(c.date, tz) + ", " + inline_text(c.title) + ":";
      for (size_t i = 0; i < core::kStages.size(); ++i) {
        md += std::string(i ? "," : "") + " " + std::string(core::kStages[i].title) + " " +
              std::to_string(c.counts[i]);
      }
      md += "\n";
    }
  }
  return md;
}

}  // namespace rt::minutes
