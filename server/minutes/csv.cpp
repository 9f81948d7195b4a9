#include <string_view>

#include "minutes/render.hpp"

namespace rt::minutes {
namespace {

// One RFC 4180 field. A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
// return, which some strip first) as a formula: such a cell gets a leading apostrophe, which
// spreadsheets show as text.
std::string field(std::string_view s) {
  std::string value(s);
  if (!value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

std::string to_csv(const Minutes& m) {
  std::string csv =
      "item_id,title,owner,due,status,notes,carried_from_meeting,carried_from_item\r\n";
  for (const auto& i : m.items) {
    csv += field(i.id) + "," + field(i.title) + "," + field(i.owner) + "," + field(i.due) + "," +
           field(core::name_of(i.status)) + "," + field(i.notes) + "," +
           field(i.carried_from ? i.carried_from->meeting_id : "") + "," +
           field(i.carried_from ? i.carried_from->item_id : "") + "\r\n";
  }
  return csv;
}

}  // namespace rt::minutes
