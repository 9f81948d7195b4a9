#include "core/text.hpp"

namespace rt::core {

size_t code_points(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    // Continuation bytes are 10xxxxxx; every other byte starts a code point.
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool is_calendar_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto digits = [&](size_t from, size_t count) {
    int v = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max_day;
}

}  // namespace rt::core
