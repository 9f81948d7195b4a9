#include "core/rate_limit.hpp"

#include <gtest/gtest.h>

namespace rt::core {
namespace {

TEST(TokenBucket, AllowsTheBurstThenRefusesUntilRefilled) {
  TokenBucket bucket(20, 40);
  int64_t t = 1000;
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(bucket.take(t)) << i;
  EXPECT_FALSE(bucket.take(t));
  EXPECT_FALSE(bucket.take(t + 49));  // 0.98 of a token
  EXPECT_TRUE(bucket.take(t + 50));   // 20/s: one token per 50 ms
  EXPECT_FALSE(bucket.take(t + 50));
}

TEST(TokenBucket, NeverHoldsMoreThanTheBurst) {
  TokenBucket bucket(20, 40);
  EXPECT_TRUE(bucket.take(1000));
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += bucket.take(1'000'000) ? 1 : 0;
  EXPECT_EQ(allowed, 40);
}

TEST(TokenBucket, ClockGoingBackwardsGivesNothing) {
  TokenBucket bucket(1, 1);
  EXPECT_TRUE(bucket.take(5000));
  EXPECT_FALSE(bucket.take(1000));
  EXPECT_FALSE(bucket.take(5000));
}

}  // namespace
}  // namespace rt::core
