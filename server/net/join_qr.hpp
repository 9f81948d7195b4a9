// GET /api/join-qr?code=XXXX-XXXX: the join link for a code as a QR code (SVG), for the room
// display. It answers for any code of the right form without asking the store: it tells
// nothing about which codes are in use, so it needs no token and no guessing limit.
#pragma once

#include "net/http_support.hpp"

namespace rt::net {

HttpResponse join_qr(const ServerContext& ctx, const HttpRequest& req);

}  // namespace rt::net
