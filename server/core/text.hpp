// Text measured the way a user counts it: in Unicode code points.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rt::core {

// Number of code points in valid UTF-8 (the JSON parser has already rejected invalid UTF-8).
size_t code_points(std::string_view utf8);

// Conversions between UTF-8 (storage, wire) and code points (what text ops count).
// Input UTF-8 is valid (checked by the JSON parser).
std::u32string to_code_points(std::string_view utf8);
std::string to_utf8(std::u32string_view code_points);

// A calendar date `YYYY-MM-DD` that exists (leap years included).
bool is_calendar_date(std::string_view s);

}  // namespace rt::core
