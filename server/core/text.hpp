// Text measured the way a user counts it: in Unicode code points.
#pragma once

#include <cstddef>
#include <string_view>

namespace rt::core {

// Number of code points in valid UTF-8 (the JSON parser has already rejected invalid UTF-8).
size_t code_points(std::string_view utf8);

// A calendar date `YYYY-MM-DD` that exists (leap years included).
bool is_calendar_date(std::string_view s);

}  // namespace rt::core
