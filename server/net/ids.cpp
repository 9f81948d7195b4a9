#include "net/ids.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <string_view>

namespace rt::net {
namespace {

constexpr std::string_view kJoinCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

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
  std::string code = random_text(kJoinCodeAlphabet, 8);
  return code.substr(0, 4) + "-" + code.substr(4);
}

bool is_join_code_form(std::string_view code) {
  if (code.size() != 9 || code[4] != '-') return false;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i != 4 && kJoinCodeAlphabet.find(code[i]) == std::string_view::npos) return false;
  }
  return true;
}

std::string new_secret() {
  return random_text("0123456789abcdef", 64);
}

}  // namespace rt::net
