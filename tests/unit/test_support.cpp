#include "test_support.hpp"

#include <gtest/gtest.h>

#include "core/event.hpp"

namespace rt::test {

MeetingFixture::MeetingFixture() {
  auto created =
      core::meeting_created("m1", "Readiness Council", "Every child ready", "ABCD-EFGH", kNow);
  core::apply(m, created);
  log.push_back(core::to_stored(created));
  fac = join("Sam", core::Role::facilitator);
  member = join("Ana", core::Role::member);
  observer = join("Projector", core::Role::observer);
}

std::string MeetingFixture::join(const std::string& name, core::Role role) {
  uint64_t seq = ok("", "join-" + name, core::Join{name, core::Attendance::room, "Org", role});
  return "p" + std::to_string(seq);
}

core::Decision MeetingFixture::run(const std::string& actor, const std::string& cid,
                                   const core::Command& c, int64_t now) {
  core::Decision d = core::decide(m, actor, cid, c, now);
  if (auto* a = std::get_if<core::Accepted>(&d)) {
    for (const auto& e : a->events) {
      core::apply(m, e);
      log.push_back(core::to_stored(e));
    }
  }
  return d;
}

uint64_t MeetingFixture::ok(const std::string& actor, const std::string& cid,
                            const core::Command& c, int64_t now) {
  core::Decision d = run(actor, cid, c, now);
  EXPECT_TRUE(std::holds_alternative<core::Accepted>(d)) << "rejected: " << rejection_code(d);
  return m.version;
}

std::string rejection_code(const core::Decision& d) {
  if (auto* r = std::get_if<core::Rejection>(&d)) return r->code;
  return "";
}

}  // namespace rt::test
