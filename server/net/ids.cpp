#include "net/ids.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <string_view>

namespace rt::net {
namespace {

// Uniform over the alphabet: bytes at or above the largest multiple of its size are
// drawn again instead of folded in with %, which would favour the first letters.
std::string random_text(std::string_view alphabet, size_t length) {
  std::string out;
  const unsigned limit = 256 - 256 % alphabet.size();
  while (out.size() < length) {
    unsigned char buf[32];
    if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("no randomness available");
    for (unsigned char b : buf) {
      if (b < limit && out.size() < length) out += alphabet[b % alphabet.size()];
    }
  }
  return out;
}

}  // namespace

std::string new_meeting_id() {
  return random_text("abcdefghijklmnopqrstuvwxyz0123456789", 16);
}

std::string new_join_code() {
  std::string code = random_text("ABCDEFGHJKMNPQRSTUVWXYZ23456789", 8);
  return code.substr(0, 4) + "-" + code.substr(4);
}

std::string new_secret() {
  return random_text("0123456789abcdef", 64);
}

}  // namespace rt::net
