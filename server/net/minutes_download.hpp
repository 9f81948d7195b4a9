// GET /api/meetings/{id}/minutes?format=md|html|json|csv|ics&tz=<minutes east of UTC>: the
// minutes of a meeting for anyone holding one of its tokens (facilitator, member, observer).
// They are projected from the whole log on every request; an ended meeting's are final
// (minutes.hpp). For a meeting of a series, the earlier meetings' logs are read too, for the
// stage check-in chart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/token.hpp"
#include "minutes/format.hpp"
#include "minutes/minutes.hpp"
#include "net/http_support.hpp"

namespace rt::net {

// The meeting id in "/api/meetings/{id}/minutes", or nullopt for any other path.
std::optional<std::string> minutes_meeting_id(std::string_view path);

// One export format: its name in ?format=, file extension and media type.
struct MinutesFormat {
  std::string_view name;
  std::string_view extension;
  std::string_view content_type;
};

// A download request that passed every check that needs no store.
struct MinutesRequest {
  const MinutesFormat* format = nullptr;
  minutes::TimeZone tz;
  core::TokenClaims claims;
};

// Checks a minutes request of meeting `meeting_id`, in this order: ?format= (400
// bad_format), ?tz= (400 bad_time_zone), then the bearer token, verified with `secret` at
// `now` (401, 403: see authorize). Pure: the error response, or what to serve.
std::variant<MinutesRequest, HttpResponse> check_minutes_request(const HttpRequest& req,
                                                                 const std::string& meeting_id,
                                                                 std::string_view secret,
                                                                 int64_t now);

// The 200 response: `m` rendered in the request's format and time zone, as an attachment.
HttpResponse minutes_response(const HttpRequest& req, const MinutesRequest& r,
                              const minutes::Minutes& m);

void download_minutes(ServerContext& ctx, const HttpRequest& req, const std::string& meeting_id,
                      Respond respond);

}  // namespace rt::net
