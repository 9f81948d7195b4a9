#include <cstdio>
#include <initializer_list>
#include <string_view>

#include "minutes/render.hpp"

namespace rt::minutes {
namespace {

// Text and attribute values alike: nothing a user typed can open a tag or leave a quote.
std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A table with a header row; `rows` are <tr> elements already rendered.
std::string table(std::initializer_list<std::string_view> headers, const std::string& rows) {
  std::string t = "<table><thead><tr>";
  for (auto header : headers) t += "<th>" + std::string(header) + "</th>";
  return t + "</tr></thead><tbody>" + rows + "</tbody></table>";
}

// One cell of markup that is already safe (escaped user text, or our own words).
std::string td(const std::string& html, std::string_view attributes = "") {
  return "<td" + std::string(attributes) + ">" + html + "</td>";
}

// A row of the time report: its label and its value.
std::string labelled(std::string_view label, const std::string& value) {
  return "<tr><th scope=\"row\">" + std::string(label) + "</th>" + td(value) + "</tr>";
}

// Printed, the page is the document: no backgrounds, links and sections kept whole.
constexpr std::string_view kStyle = R"css(
body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;max-width:48rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.25rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}
.goal{font-size:1.15rem;border-left:4px solid #2a6f97;padding:.5rem 1rem;background:#eef5f9}
.meta,.muted{color:#555}table{border-collapse:collapse;width:100%}
th,td{text-align:left;border-bottom:1px solid #ddd;padding:.3rem .5rem;vertical-align:top}
.notes{white-space:pre-wrap;color:#333;margin:.25rem 0 0}.over{color:#a4262c;font-weight:600}
.stages{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
@media print{body{margin:0;max-width:none}.goal{background:none}h2{break-after:avoid}tr,li{break-inside:avoid}}
)css";

// The stage colours, from isolation (grey) to integration (deep green).
constexpr std::string_view kStageColours[] = {"#9e9e9e", "#7fb3d5", "#5499c7", "#52be80",
                                              "#1e8449"};

std::string stage_chart(const std::vector<StageCheckIn>& history, TimeZone tz) {
  constexpr int kBar = 48, kGap = 16, kHeight = 160, kTop = 10, kLabel = 20;
  int width = static_cast<int>(history.size()) * (kBar + kGap) + kGap;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(kTop + kHeight + kLabel) +
                    "\" role=\"img\" aria-labelledby=\"stage-chart-title\"><title "
                    "id=\"stage-chart-title\">Answers to the stage check-in, meeting by meeting "
                    "(the table beside it has the numbers)</title>";
  for (size_t m = 0; m < history.size(); ++m) {
    uint64_t total = 0;
    for (auto n : history[m].counts) total += n;
    int x = kGap + static_cast<int>(m) * (kBar + kGap);
    double y = kTop + kHeight;
    for (size_t s = 0; s < core::kStages.size() && total > 0; ++s) {
      double h = kHeight * static_cast<double>(history[m].counts[s]) / static_cast<double>(total);
      y -= h;
      char rect[160];
      std::snprintf(rect, sizeof rect,
                    "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>", x, y,
                    kBar, h, kStageColours[s].data());
      svg += rect;
    }
    svg += "<text x=\"" + std::to_string(x + kBar / 2) + "\" y=\"" +
           std::to_string(kTop + kHeight + 15) + "\" font-size=\"11\" text-anchor=\"middle\">" +
           esc(format_date(history[m].date, tz).substr(5)) + "</text>";
  }
  return svg + "</svg>";
}

std::string stage_table(const std::vector<StageCheckIn>& history, TimeZone tz) {
  std::string t = "<table><caption>Stage check-in answers</caption><thead><tr><th>Meeting</th>";
  for (size_t s = 0; s < core::kStages.size(); ++s) {
    t += "<th><span aria-hidden=\"true\" style=\"color:" + std::string(kStageColours[s]) +
         "\">&#9632;</span> " + std::string(core::kStages[s].title) + "</th>";
  }
  t += "</tr></thead><tbody>";
  for (const auto& c : history) {
    t += "<tr><th scope=\"row\">" + esc(format_date(c.date, tz)) + " " + esc(c.title) + "</th>";
    for (auto n : c.counts) t += "<td>" + std::to_string(n) + "</td>";
    t += "</tr>";
  }
  return t + "</tbody></table>";
}

}  // namespace

std::string to_html(const Minutes& m, TimeZone tz) {
  std::string h = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  h += "<title>Minutes: " + esc(m.title) + "</title><style>" + std::string(kStyle) +
       "</style></head>\n<body>\n";
  h += "<header><h1>Minutes: " + esc(m.title) + "</h1>";
  h += "<p class=\"goal\"><strong>Goal:</strong> " + esc(m.goal) + "</p>";
  h += "<p class=\"meta\">" + esc(format_date(m.created_at, tz));
  if (m.started_at) h += " · started " + esc(format_time(*m.started_at, tz));
  h += m.ended_at ? " · ended " + esc(format_time(*m.ended_at, tz))
                  : " · not ended yet: minutes as of " + esc(format_time(m.as_of, tz));
  if (m.previous) {
    h += " · follows " + esc(m.previous->title) + " (" +
         esc(format_date(m.previous->created_at, tz)) + ")";
  }
  h += "</p></header>\n";

  h += "<section><h2>Attendance</h2>";
  if (m.attendees.empty()) h += "<p>Nobody joined.</p>";
  if (!m.attendees.empty()) {
    std::string rows;
    for (const auto& a : m.attendees) {
      rows += "<tr>" + td(esc(a.name)) + td(esc(a.organisation)) +
              td(std::string(core::name_of(a.role))) +
              td(a.attendance == core::Attendance::room ? "in the room" : "remote") +
              td(format_clock(a.joined_at, tz)) +
              td(a.left_at ? format_clock(*a.left_at, tz) : "") + "</tr>";
    }
    h += table({"Name", "Partner", "Role", "Where", "Joined", "Left"}, rows);
  }
  h += "</section>\n";

  h += "<section><h2>Action items</h2>";
  if (m.items.empty()) h += "<p>No action items.</p>";
  if (!m.items.empty()) {
    std::string rows;
    for (const auto& i : m.items) {
      std::string item = esc(i.title);
      if (i.carried_from) item += " <span class=\"muted\">(carried over)</span>";
      if (!i.notes.empty()) item += "<p class=\"notes\">" + esc(i.notes) + "</p>";
      rows += "<tr>" + td(item) + td(esc(i.owner)) + td(esc(i.due)) + td(status_label(i.status)) +
              "</tr>";
    }
    h += table({"Item", "Owner", "Due", "Status"}, rows);
  }
  h += "</section>\n";

  if (m.previous) {
    h += "<section><h2>Since last time</h2>";
    std::string list;
    for (const auto& i : m.items) {
      if (!i.carried_from) continue;
      list +=
          "<li>" + esc(i.title) + ": " +
          (i.status == core::ItemStatus::done ? "done since last time" : status_label(i.status)) +
          "</li>";
    }
    h += list.empty() ? "<p>Nothing was carried over.</p>" : "<ul>" + list + "</ul>";
    h += "</section>\n";
  }

  h += "<section><h2>Decisions</h2>";
  if (m.decisions.empty()) h += "<p>No votes were taken.</p>";
  for (const auto& d : m.decisions) {
    h += "<article><h3>" + esc(decision_subject(d)) + "</h3><p class=\"meta\">" +
         method_label(d.method) + ": " + esc(decision_participation(d)) + "</p><ul>";
    for (const auto& line : decision_details(d)) h += "<li>" + esc(line) + "</li>";
    h += "</ul></article>";
  }
  h += "</section>\n";

  h += "<section><h2>Partner updates</h2>";
  if (m.slots.empty()) h += "<p>No partner updates were planned.</p>";
  if (!m.slots.empty()) {
    std::string rows;
    for (const auto& s : m.slots) {
      bool over = s.overrun_ms > 0;
      rows += "<tr>" + td(esc(s.organisation)) + td(esc(s.speaker)) +
              td(format_duration(s.allotted_ms)) + td(format_duration(s.used_ms)) +
              td(over ? format_duration(s.overrun_ms) : "", over ? " class=\"over\"" : "") +
              td(esc(slot_result(s))) + "</tr>";
    }
    h += table({"Partner", "Speaker", "Allotted", "Used", "Overrun", "Result"}, rows);
  }
  h += "</section>\n";

  h += "<section><h2>Time report</h2><table><tbody>";
  h += labelled("Action items", format_duration(m.time.action_items_ms));
  h += labelled("Partner updates", format_duration(m.time.partner_updates_ms) + " (" +
                                       format_share(m.time.partner_update_share()) +
                                       " of the meeting)");
  h += labelled("Everything else", format_duration(m.time.other_ms));
  h += labelled("Total live time", format_duration(m.time.live_ms));
  h += "</tbody></table></section>\n";

  if (!m.stage_history.empty()) {
    h += "<section><h2>Stage of the collaboration</h2><div class=\"stages\">" +
         stage_chart(m.stage_history, tz) + stage_table(m.stage_history, tz) + "</div></section>\n";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace rt::minutes
