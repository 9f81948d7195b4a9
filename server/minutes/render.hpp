// The export formats of the minutes. Each renders the one model (minutes.hpp) and escapes
// user text for its own syntax: no markup, structure, formula or property injection through
// a title, a name or a note.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "minutes/format.hpp"
#include "minutes/minutes.hpp"

namespace rt::minutes {

// CommonMark.
std::string to_markdown(const Minutes& m, TimeZone tz);
// One self-contained HTML page with print CSS; the series' stage check-ins as an inline SVG
// chart with a table beside it for screen readers.
std::string to_html(const Minutes& m, TimeZone tz);
// The same content as data, times as epoch ms (protocol/schema/minutes.json).
nlohmann::json to_json(const Minutes& m);
// RFC 4180: one row per action item.
std::string to_csv(const Minutes& m);
// RFC 5545: one VTODO per action item that has a due date.
std::string to_ics(const Minutes& m);

}  // namespace rt::minutes
