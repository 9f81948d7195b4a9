// GET /api/meetings/{id}/minutes?format=md|html|json|csv|ics&tz=<minutes east of UTC>: the
// minutes of a meeting for anyone holding one of its tokens (facilitator, member, observer).
// They are projected from the whole log on every request; an ended meeting's are final
// (minutes.hpp). For a meeting of a series, the earlier meetings' logs are read too, for the
// stage check-in chart.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/http_support.hpp"

namespace rt::net {

// The meeting id in "/api/meetings/{id}/minutes", or nullopt for any other path.
std::optional<std::string> minutes_meeting_id(std::string_view path);

void download_minutes(ServerContext& ctx, const HttpRequest& req, const std::string& meeting_id,
                      Respond respond);

}  // namespace rt::net
