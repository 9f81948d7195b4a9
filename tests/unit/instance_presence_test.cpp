// Presence across instances: whole lists, overlapping instances, silence as leaving.
#include "core/instance_presence.hpp"

#include <gtest/gtest.h>

namespace rt::core {
namespace {

using List = std::vector<std::string>;
using Gone = std::vector<std::pair<std::string, int64_t>>;

TEST(InstancePresence, WholeListsSayWhoCameAndWhoWent) {
  InstancePresence p;
  EXPECT_EQ(p.heard("b", {"p1", "p2"}, 0), (List{"p1", "p2"}));
  EXPECT_TRUE(p.online("p1"));
  EXPECT_EQ(p.heard("b", {"p2", "p3"}, 10), (List{"p1", "p3"}));
  EXPECT_FALSE(p.online("p1"));
  EXPECT_EQ(p.heard("b", {"p3", "p2"}, 20), List{}) << "the same list again changes nothing";
  EXPECT_FALSE(p.empty());
  EXPECT_EQ(p.heard("b", {}, 30), (List{"p2", "p3"}));
  EXPECT_FALSE(p.online("p2"));
  EXPECT_TRUE(p.empty()) << "an instance with nobody is forgotten";
}

TEST(InstancePresence, SomeoneOnTwoInstancesStaysOnlineUntilBothLetGo) {
  InstancePresence p;
  p.heard("b", {"p1"}, 0);
  EXPECT_EQ(p.heard("c", {"p1"}, 0), List{}) << "already online elsewhere";
  EXPECT_EQ(p.heard("b", {}, 1), List{});
  EXPECT_TRUE(p.online("p1"));
  EXPECT_EQ(p.heard("c", {}, 2), List{"p1"});
}

TEST(InstancePresence, AnInstanceSilentForTheExpiryIsGone) {
  InstancePresence p;
  p.heard("b", {"p1"}, 0);
  p.heard("c", {"p2"}, kPresenceHeartbeatMs);
  EXPECT_EQ(p.expire(kPresenceExpiryMs - 1), Gone{});
  EXPECT_EQ(p.expire(kPresenceExpiryMs), (Gone{{"p1", 0}})) << "b said nothing for the expiry";
  EXPECT_TRUE(p.online("p2"));
  p.heard("c", {"p2"}, 2 * kPresenceHeartbeatMs);  // a heartbeat keeps c
  EXPECT_EQ(p.expire(kPresenceHeartbeatMs + kPresenceExpiryMs), Gone{});
  EXPECT_EQ(p.expire(2 * kPresenceHeartbeatMs + kPresenceExpiryMs),
            (Gone{{"p2", 2 * kPresenceHeartbeatMs}}))
      << "gone when last heard, not when found silent";
  EXPECT_EQ(p.heard("b", {"p1"}, 100000), List{"p1"}) << "a restarted instance counts again";
}

}  // namespace
}  // namespace rt::core
