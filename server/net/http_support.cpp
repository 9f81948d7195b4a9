#include "net/http_support.hpp"

#include <boost/beast/core/string.hpp>

namespace rt::net {
namespace http = boost::beast::http;

HttpResponse make_response(const HttpRequest& req, http::status status, std::string body,
                           std::string_view content_type,
                           std::string_view content_security_policy) {
  HttpResponse res{status, req.version()};
  res.set(http::field::server, "roundtable");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", content_security_policy);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse json_response(const HttpRequest& req, http::status status, const nlohmann::json& j) {
  return make_response(req, status, j.dump(), "application/json");
}

HttpResponse json_error(const HttpRequest& req, http::status status, const std::string& code,
                        const std::string& message) {
  return json_response(req, status, {{"error", {{"code", code}, {"message", message}}}});
}

HttpResponse store_unavailable(const HttpRequest& req) {
  return json_error(req, http::status::service_unavailable, "unavailable",
                    "the meeting store cannot be reached; try again");
}

std::variant<core::TokenClaims, HttpResponse> authorize(const ServerContext& ctx,
                                                        const HttpRequest& req,
                                                        std::string_view meeting_id,
                                                        bool facilitator_only) {
  return authorize(req, meeting_id, facilitator_only, ctx.secret, now_ms());
}

std::variant<core::TokenClaims, HttpResponse> authorize(const HttpRequest& req,
                                                        std::string_view meeting_id,
                                                        bool facilitator_only,
                                                        std::string_view secret, int64_t now) {
  constexpr std::string_view kScheme = "bearer ";
  std::string_view header = req.base()[http::field::authorization];
  // The scheme's name is case-insensitive (RFC 9110 11.1).
  if (!boost::beast::iequals(header.substr(0, kScheme.size()), kScheme)) {
    return json_error(req, http::status::unauthorized, "unauthorized",
                      "send the meeting token as 'Authorization: Bearer <token>'");
  }
  auto verified = core::verify_token(header.substr(kScheme.size()), secret, now);
  if (auto* r = std::get_if<core::Rejection>(&verified)) {
    return json_error(req, http::status::unauthorized, r->code, r->message);
  }
  auto claims = std::get<core::TokenClaims>(std::move(verified));
  if (claims.meeting_id != meeting_id) {
    return json_error(req, http::status::forbidden, "forbidden",
                      "this token belongs to another meeting");
  }
  if (facilitator_only && claims.role != core::Role::facilitator) {
    return json_error(req, http::status::forbidden, "forbidden",
                      "only the meeting's facilitator can do this");
  }
  return claims;
}

std::string join_url(const ServerContext& ctx, const HttpRequest& req, std::string_view code) {
  bool https = ctx.tls != nullptr || req.base()["X-Forwarded-Proto"] == "https";
  std::string host(req.base()[http::field::host]);
  return (https ? "https://" : "http://") + host + "/?join=" + std::string(code);
}

std::string query_param(std::string_view target, std::string_view name) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return "";
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return "";
}

}  // namespace rt::net
