// The HTTP API and the web client's files: everything but the WebSocket upgrade.
#pragma once

#include <boost/beast/http.hpp>
#include <functional>

#include "net/server_context.hpp"

namespace rt::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using Respond = std::function<void(HttpResponse)>;

// Answers exactly once, possibly later and on another thread (routes that ask Redis).
void handle_http(ServerContext& ctx, const HttpRequest& req, Respond respond);

// A JSON error body {"error":{"code","message"}} with the given status.
HttpResponse json_error(const HttpRequest& req, boost::beast::http::status status,
                        const std::string& code, const std::string& message);

}  // namespace rt::net
