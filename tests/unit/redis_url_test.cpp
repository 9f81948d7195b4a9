#include "store/redis_url.hpp"

#include <gtest/gtest.h>

namespace rt::store {
namespace {

TEST(RedisUrl, ParsesHostPortAndDb) {
  auto ep = parse_redis_url("redis://10.0.0.5:6380/3");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "10.0.0.5");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->db, 3);
  ep = parse_redis_url("redis://localhost");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port, 6379);
  EXPECT_EQ(ep->db, 0);
}

TEST(RedisUrl, AClusterIsNamedByAnyOfItsNodes) {
  auto ep = parse_redis_url("redis-cluster://10.0.0.5:7001");
  ASSERT_TRUE(ep);
  EXPECT_TRUE(ep->cluster);
  EXPECT_EQ(ep->host, "10.0.0.5");
  EXPECT_EQ(ep->port, 7001);
  EXPECT_FALSE(parse_redis_url("redis://10.0.0.5:7001")->cluster);
}

TEST(RedisUrl, RefusesWhatItCannotUse) {
  for (auto url : {"", "http://h:1", "redis://", "redis://h:0", "redis://h:70000", "redis://h:x",
                   "redis://h:6379/16", "redis://h:6379/a", "redis-cluster://",
                   "redis-cluster://h:6379/1", "rediscluster://h:1"}) {
    EXPECT_FALSE(parse_redis_url(url)) << url;
  }
}

}  // namespace
}  // namespace rt::store
