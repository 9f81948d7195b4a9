// The HTTP API and the web client's files: everything but the WebSocket upgrade.
#pragma once

#include "net/http_support.hpp"
#include "net/server_context.hpp"

namespace rt::net {

// Answers exactly once, possibly later and on another thread (routes that ask Redis).
void handle_http(ServerContext& ctx, const HttpRequest& req, Respond respond);

}  // namespace rt::net
