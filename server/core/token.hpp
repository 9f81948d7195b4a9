// Signed tokens: base64url(JSON claims) "." base64url(HMAC-SHA256(secret, claims part)).
// A member token names a participant; a facilitator token (made when the meeting is
// created) names none and lets its holder join as facilitator.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/enums.hpp"
#include "core/rejection.hpp"

namespace rt::core {

struct TokenClaims {
  std::string meeting_id;
  std::string participant_id;  // empty in a facilitator token
  Role role = Role::member;
  int64_t expires_at_ms = 0;
};

// Lifetimes: a member comes back to the same partnership's meeting within weeks; the
// facilitator token is the meeting's key and is kept for the life of the series.
inline constexpr int64_t kMemberTokenLifetimeMs = 30LL * 24 * 3600 * 1000;
inline constexpr int64_t kFacilitatorTokenLifetimeMs = 365LL * 24 * 3600 * 1000;

std::string sign_token(const TokenClaims& claims, std::string_view secret);

// Rejection codes: bad_token (malformed or forged), token_expired.
std::variant<TokenClaims, Rejection> verify_token(std::string_view token, std::string_view secret,
                                                  int64_t now_ms);

std::string base64url_encode(std::string_view bytes);

}  // namespace rt::core
