#include "core/enums.hpp"

#include <gtest/gtest.h>

namespace rt::core {
namespace {

TEST(Enums, NamesRoundTripAndUnknownNamesAreRefused) {
  for (auto r : {Role::facilitator, Role::member, Role::observer})
    EXPECT_EQ(parse_role(name_of(r)), r);
  for (auto s : {ItemStatus::proposed, ItemStatus::agreed, ItemStatus::in_progress,
                 ItemStatus::done, ItemStatus::dropped}) {
    EXPECT_EQ(parse_item_status(name_of(s)), s);
  }
  for (auto p : {Phase::lobby, Phase::live, Phase::ended}) EXPECT_EQ(parse_phase(name_of(p)), p);
  for (auto a : {Attendance::room, Attendance::remote}) EXPECT_EQ(parse_attendance(name_of(a)), a);
  EXPECT_FALSE(parse_role("admin"));
  EXPECT_FALSE(parse_item_status("Done"));
  EXPECT_FALSE(parse_phase(""));
  EXPECT_FALSE(parse_attendance("hybrid"));
}

}  // namespace
}  // namespace rt::core
