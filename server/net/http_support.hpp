// What every HTTP route shares: responses with the security headers, JSON errors, and the
// bearer token that some API routes require.
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "core/token.hpp"
#include "net/server_context.hpp"

namespace rt::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using Respond = std::function<void(HttpResponse)>;

// Pages of the web client: inline script and style are refused, so injected markup cannot run.
inline constexpr std::string_view kClientPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

HttpResponse make_response(const HttpRequest& req, boost::beast::http::status status,
                           std::string body, std::string_view content_type,
                           std::string_view content_security_policy = kClientPolicy);
HttpResponse json_response(const HttpRequest& req, boost::beast::http::status status,
                           const nlohmann::json& j);
// A JSON error body {"error":{"code","message"}} with the given status.
HttpResponse json_error(const HttpRequest& req, boost::beast::http::status status,
                        const std::string& code, const std::string& message);

// 503 unavailable: Redis cannot be reached, nothing was done; the client may retry.
HttpResponse store_unavailable(const HttpRequest& req);

// The claims of the request's `Authorization: Bearer` token when it is a valid token of
// meeting `meeting_id` (and, with facilitator_only, a facilitator's); otherwise the answer:
// 401 without a token or with a bad or expired one, 403 for another meeting or role.
std::variant<core::TokenClaims, HttpResponse> authorize(const ServerContext& ctx,
                                                        const HttpRequest& req,
                                                        std::string_view meeting_id,
                                                        bool facilitator_only);
// The same, with the token-signing key and the time given (no server needed).
std::variant<core::TokenClaims, HttpResponse> authorize(const HttpRequest& req,
                                                        std::string_view meeting_id,
                                                        bool facilitator_only,
                                                        std::string_view secret, int64_t now);

// The link that joins with `code`: this server's address as the request reached it, https when
// served over TLS here or by a proxy in front that says so.
std::string join_url(const ServerContext& ctx, const HttpRequest& req, std::string_view code);

// The value of query parameter `name` in the request target ("" when absent).
std::string query_param(std::string_view target, std::string_view name);

}  // namespace rt::net
