#include "core/token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>
#include <optional>

namespace rt::core {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string hmac_sha256(std::string_view secret, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

Rejection bad_token() {
  return {"bad_token", "this token is not valid for this server"};
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::string sign_token(const TokenClaims& claims, std::string_view secret) {
  nlohmann::json j = {
      {"m", claims.meeting_id}, {"r", name_of(claims.role)}, {"exp", claims.expires_at_ms}};
  if (!claims.participant_id.empty()) j["p"] = claims.participant_id;
  std::string body = base64url_encode(j.dump());
  return body + "." + base64url_encode(hmac_sha256(secret, body));
}

std::variant<TokenClaims, Rejection> verify_token(std::string_view token, std::string_view secret,
                                                  int64_t now_ms) {
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return bad_token();
  std::string_view body = token.substr(0, dot);
  auto mac = base64url_decode(token.substr(dot + 1));
  std::string expected = hmac_sha256(secret, body);
  // Constant time, so the MAC cannot be guessed byte by byte from response times.
  if (!mac || mac->size() != expected.size() ||
      CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0) {
    return bad_token();
  }
  auto json_text = base64url_decode(body);
  if (!json_text) return bad_token();
  auto j = nlohmann::json::parse(*json_text, nullptr, false);
  if (!j.is_object()) return bad_token();
  try {
    TokenClaims c;
    c.meeting_id = j.at("m").get<std::string>();
    c.participant_id = j.value("p", "");
    auto role = parse_role(j.at("r").get<std::string>());
    if (!role) return bad_token();
    c.role = *role;
    c.expires_at_ms = j.at("exp").get<int64_t>();
    if (c.expires_at_ms <= now_ms) {
      return Rejection{"token_expired", "this token has expired; join again with the code"};
    }
    return c;
  } catch (const nlohmann::json::exception&) {
    return bad_token();
  }
}

}  // namespace rt::core
