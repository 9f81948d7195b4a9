// Key slots as Redis Cluster computes them (the specification's examples and CLUSTER KEYSLOT
// of a real redis-server 7.0 for the store's own keys).
#include "store/cluster_slot.hpp"

#include <gtest/gtest.h>

namespace rt::store {
namespace {

TEST(ClusterSlot, Crc16IsTheXmodemVariant) {
  EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);  // the specification's check value
  EXPECT_EQ(crc16_xmodem(""), 0);
}

TEST(ClusterSlot, SlotsOfPlainKeys) {
  EXPECT_EQ(key_slot("123456789"), 0x31C3 % 16384);
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("bar"), 5061);
  EXPECT_EQ(key_slot("rt:secret"), 14147);
}

TEST(ClusterSlot, TheHashTagDecides) {
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
  EXPECT_EQ(key_slot("foo{}{bar}"), crc16_xmodem("foo{}{bar}") % 16384) << "empty tag: whole key";
  EXPECT_EQ(key_slot("foo{{bar}}zap"), key_slot("{bar")) << "from the first {";
  EXPECT_EQ(key_slot("foo{bar}{zap}"), key_slot("bar")) << "to the first } after it";
  EXPECT_EQ(key_slot("{m:abc}:log"), key_slot("{m:abc}:events"));
  EXPECT_EQ(key_slot("{m:abc}:ver"), key_slot("m:abc"));
  EXPECT_EQ(key_slot("{m:abc}:log"), 8498);
}

}  // namespace
}  // namespace rt::store
