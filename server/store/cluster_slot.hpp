// The Redis Cluster slot of a key: CRC16 (XMODEM) of its hash tag, modulo 16384, as the
// Cluster specification defines it. The hash tag is what lies between the first '{' and the
// next '}' when that is not empty, otherwise the whole key: so "{m:ID}:log" and "{m:ID}:ver"
// share a slot, and one master holds all of a meeting.
#pragma once

#include <cstdint>
#include <string_view>

namespace rt::store {

constexpr uint16_t kClusterSlots = 16384;

uint16_t crc16_xmodem(std::string_view data);
uint16_t key_slot(std::string_view key);

}  // namespace rt::store
