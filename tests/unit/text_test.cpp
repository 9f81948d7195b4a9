#include "core/text.hpp"

#include <gtest/gtest.h>

namespace rt::core {
namespace {

TEST(Text, CodePointsCountCharactersAsAUserDoes) {
  EXPECT_EQ(code_points(""), 0u);
  EXPECT_EQ(code_points("abc"), 3u);
  EXPECT_EQ(code_points("caf\xC3\xA9"), 4u);               // café
  EXPECT_EQ(code_points("\xE5\xAD\xA6\xE6\xA0\xA1"), 2u);  // 学校
  EXPECT_EQ(code_points("\xF0\x9F\x91\x8B"), 1u);          // 👋
}

TEST(Text, CalendarDates) {
  EXPECT_TRUE(is_calendar_date("2026-11-23"));
  EXPECT_TRUE(is_calendar_date("2024-02-29"));
  EXPECT_TRUE(is_calendar_date("2000-02-29"));
  EXPECT_FALSE(is_calendar_date("1900-02-29"));
  EXPECT_FALSE(is_calendar_date("2026-02-29"));
  EXPECT_FALSE(is_calendar_date("2026-04-31"));
  EXPECT_FALSE(is_calendar_date("2026-13-01"));
  EXPECT_FALSE(is_calendar_date("2026-00-10"));
  EXPECT_FALSE(is_calendar_date("2026-1-01"));
  EXPECT_FALSE(is_calendar_date("2026/11/23"));
  EXPECT_FALSE(is_calendar_date("abcd-ef-gh"));
}

}  // namespace
}  // namespace rt::core
