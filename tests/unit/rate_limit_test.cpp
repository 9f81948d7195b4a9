#include "core/rate_limit.hpp"

#include "core/keyed_limiter.hpp"

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

TEST(TokenBucket, TellsHowLongUntilTheNextToken) {
  TokenBucket bucket(2, 1);  // one every 500 ms
  EXPECT_EQ(bucket.wait_ms(1000), 0);
  EXPECT_TRUE(bucket.take(1000));
  EXPECT_FALSE(bucket.available(1000));
  EXPECT_NEAR(static_cast<double>(bucket.wait_ms(1000)), 500, 1);
  EXPECT_NEAR(static_cast<double>(bucket.wait_ms(1400)), 100, 1);
  EXPECT_TRUE(bucket.available(1500));
  EXPECT_TRUE(bucket.full(1500));
}

TEST(KeyedLimiter, EachKeyHasItsOwnBucket) {
  KeyedLimiter limiter(1.0 / 60, 3);  // 3 at once, then one a minute
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("10.0.0.1", 1000)) << i;
  EXPECT_FALSE(limiter.take("10.0.0.1", 1000));
  EXPECT_FALSE(limiter.available("10.0.0.1", 30'000));
  EXPECT_TRUE(limiter.available("10.0.0.2", 1000)) << "another address is not affected";
  EXPECT_TRUE(limiter.take("10.0.0.2", 1000));
  EXPECT_NEAR(static_cast<double>(limiter.wait_ms("10.0.0.1", 30'000)), 31'000,
              2);  // empty since 1000
  EXPECT_TRUE(limiter.take("10.0.0.1", 61'001));
}

TEST(KeyedLimiter, ForgetsRefilledKeysFirstWhenFull) {
  KeyedLimiter limiter(1, 2, 3);
  EXPECT_TRUE(limiter.take("a", 1000));  // refilled by 2000
  EXPECT_TRUE(limiter.take("b", 1900));  // not yet
  EXPECT_TRUE(limiter.take("b", 1900));
  EXPECT_TRUE(limiter.take("c", 1900));
  EXPECT_TRUE(limiter.take("d", 2000));  // at 3 keys: "a" (full again) goes
  EXPECT_EQ(limiter.keys(), 3u);
  EXPECT_FALSE(limiter.available("b", 2000)) << "a key still limited is kept";
}

}  // namespace
}  // namespace rt::core
