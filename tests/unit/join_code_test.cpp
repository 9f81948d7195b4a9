// Rotating the join code: facilitator only; the old code stops working for new joins, the
// new one works, and the change is in the log like any other.
#include <gtest/gtest.h>

#include "core/reducer.hpp"
#include "core/replay.hpp"
#include "test_support.hpp"

namespace rt::core {
namespace {

using test::MeetingFixture;
using test::rejection_code;

Join by_code(const std::string& name, const std::string& code) {
  return Join{name, Attendance::remote, "", Role::member, code};
}

TEST(JoinCode, OnlyTheFacilitatorReplacesIt) {
  MeetingFixture f;
  EXPECT_EQ(rejection_code(f.run(f.member, "m1", RotateJoinCode{"NEWC-ODE1"})), "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.observer, "o1", RotateJoinCode{"NEWC-ODE1"})), "forbidden");
  EXPECT_EQ(rejection_code(f.run(f.fac, "f0", RotateJoinCode{""})), "bad_message")
      << "a code the server did not draw is refused, never a crash";
  std::string old = f.m.join_code;
  f.ok(f.fac, "f1", RotateJoinCode{"NEWC-ODE1"});
  EXPECT_EQ(f.m.join_code, "NEWC-ODE1");
  EXPECT_NE(old, f.m.join_code);
}

TEST(JoinCode, AReplacedCodeNoLongerJoins) {
  MeetingFixture f;
  std::string old = f.m.join_code;
  EXPECT_EQ(rejection_code(f.run("", "j1", by_code("Lee", old))), "");
  f.ok(f.fac, "f1", RotateJoinCode{"NEWC-ODE1"});
  EXPECT_EQ(rejection_code(f.run("", "j2", by_code("Kim", old))), "bad_code");
  EXPECT_EQ(rejection_code(f.run("", "j3", by_code("Kim", "NEWC-ODE1"))), "");
  // With the facilitator token there is no code to check.
  EXPECT_EQ(rejection_code(f.run("", "j4", Join{"Sam 2", Attendance::room, "", Role::facilitator})),
            "");
  EXPECT_EQ(replay("", f.log).join_code, "NEWC-ODE1");
}

}  // namespace
}  // namespace rt::core
