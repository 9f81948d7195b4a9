// The HTTP API and the web client's files: everything but the WebSocket upgrade.
#pragma once

#include "net/http_support.hpp"
#include "net/server_context.hpp"

namespace rt::net {

// Answers exactly once, possibly later and on another thread (routes that ask Redis).
// `client` is the caller's key for the per-address limits (client_key).
void handle_http(ServerContext& ctx, const HttpRequest& req, const std::string& client,
                 Respond respond);

}  // namespace rt::net
