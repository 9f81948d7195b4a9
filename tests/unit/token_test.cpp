#include "core/token.hpp"

#include <gtest/gtest.h>

namespace rt::core {
namespace {

constexpr std::string_view kSecret = "a-secret-of-sixteen-plus";
constexpr int64_t kNow = 1'790'000'000'000;

TokenClaims member() {
  return {"m1", "p3", Role::member, kNow + 1000};
}

std::string code_of(const std::variant<TokenClaims, Rejection>& v) {
  return std::holds_alternative<Rejection>(v) ? std::get<Rejection>(v).code : "";
}

TEST(Token, SignedTokenVerifiesWithItsClaims) {
  auto v = verify_token(sign_token(member(), kSecret), kSecret, kNow);
  ASSERT_EQ(code_of(v), "");
  auto c = std::get<TokenClaims>(v);
  EXPECT_EQ(c.meeting_id, "m1");
  EXPECT_EQ(c.participant_id, "p3");
  EXPECT_EQ(c.role, Role::member);
}

TEST(Token, FacilitatorTokenNamesNoParticipant) {
  auto v =
      verify_token(sign_token({"m1", "", Role::facilitator, kNow + 1000}, kSecret), kSecret, kNow);
  EXPECT_EQ(std::get<TokenClaims>(v).participant_id, "");
  EXPECT_EQ(std::get<TokenClaims>(v).role, Role::facilitator);
}

TEST(Token, AnotherSecretOrAChangedPayloadIsRefused) {
  std::string token = sign_token(member(), kSecret);
  EXPECT_EQ(code_of(verify_token(token, "another-secret-entirely", kNow)), "bad_token");
  // Same signature over a payload claiming the facilitator role.
  std::string forged = sign_token({"m1", "p3", Role::facilitator, kNow + 1000}, kSecret);
  std::string spliced = forged.substr(0, forged.find('.')) + token.substr(token.find('.'));
  EXPECT_EQ(code_of(verify_token(spliced, kSecret, kNow)), "bad_token");
}

TEST(Token, GarbageIsRefused) {
  for (auto t : {"", ".", "abc", "abc.def", "!!!.???", "eyJ9.x"}) {
    EXPECT_EQ(code_of(verify_token(t, kSecret, kNow)), "bad_token") << t;
  }
}

TEST(Token, ExpiredTokenIsRefusedAsExpired) {
  std::string token = sign_token(member(), kSecret);
  EXPECT_EQ(code_of(verify_token(token, kSecret, kNow + 1000)), "token_expired");
  EXPECT_EQ(code_of(verify_token(token, kSecret, kNow + 999)), "");
}

TEST(Token, Base64UrlHasNoPaddingOrUnsafeCharacters) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_encode("Man"), "TWFu");
}

}  // namespace
}  // namespace rt::core
