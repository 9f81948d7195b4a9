#include "net/minutes_download.hpp"

#include <boost/asio/post.hpp>
#include <charconv>
#include <memory>
#include <vector>

#include "minutes/render.hpp"
#include "support/log.hpp"

namespace rt::net {
namespace http = boost::beast::http;

namespace {

// Earlier meetings of a series read for the stage chart: a year of monthly meetings.
constexpr int kSeriesChartMeetings = 12;

// The stage check-in chart only tells the story; no page serves scripts.
constexpr std::string_view kMinutesPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

constexpr MinutesFormat kFormats[] = {
    {"md", "md", "text/markdown; charset=utf-8"},
    {"html", "html", "text/html; charset=utf-8"},
    {"json", "json", "application/json"},
    {"csv", "csv", "text/csv; charset=utf-8; header=present"},
    {"ics", "ics", "text/calendar; charset=utf-8"},
};

// One download in progress: the minutes so far and the earlier meetings' check-ins.
struct Download {
  std::shared_ptr<const HttpRequest> req;
  Respond respond;
  MinutesRequest request;
  minutes::Minutes minutes;
  std::vector<minutes::StageCheckIn> earlier;  // newest first
};

// Reads a meeting's log, then goes on on the I/O threads: projecting a long log takes tens of
// milliseconds (tests/load/minutes_download.mjs), which must not hold up the Redis client's
// strand, where every meeting's commit replies wait.
void read_log_then(ServerContext& ctx, const std::string& meeting_id,
                   std::function<void(store::StoreStatus, std::vector<std::string>)> then) {
  ctx.store.read_log(meeting_id, [&ctx, then = std::move(then)](store::StoreStatus status,
                                                                std::vector<std::string> log) {
    boost::asio::post(
        ctx.ioc, [then, status, log = std::move(log)]() mutable { then(status, std::move(log)); });
  });
}

std::optional<minutes::Minutes> project_or_log(const std::string& meeting_id,
                                               const std::vector<std::string>& log,
                                               std::optional<int64_t> until = std::nullopt) {
  try {
    return minutes::project(log, now_ms(), until);
  } catch (const std::exception& e) {
    log::error("meeting log unreadable for minutes",
               {{"meeting", meeting_id}, {"error", e.what()}});
    return std::nullopt;
  }
}

void finish(Download& d) {
  auto& m = d.minutes;
  m.stage_history.insert(m.stage_history.begin(), d.earlier.rbegin(), d.earlier.rend());
  d.respond(minutes_response(*d.req, d.request, m));
}

// Reads the meeting before `previous_id` ... back to kSeriesChartMeetings, then finishes.
void collect_stages(ServerContext& ctx, std::shared_ptr<Download> d, std::string previous_id,
                    int left) {
  if (left == 0) return finish(*d);
  read_log_then(
      ctx, previous_id,
      [&ctx, d, previous_id, left](store::StoreStatus status, std::vector<std::string> log) {
        if (status == store::StoreStatus::unavailable)
          return d->respond(store_unavailable(*d->req));
        // An earlier meeting that is gone or unreadable ends the chart, not the minutes. It is
        // read as it was at this meeting's end (or now): what it does later is not in these.
        auto earlier = status == store::StoreStatus::ok
                           ? project_or_log(previous_id, log, d->minutes.as_of)
                           : std::nullopt;
        if (!earlier) return finish(*d);
        if (earlier->stage) d->earlier.push_back(*earlier->stage);
        if (!earlier->previous) return finish(*d);
        collect_stages(ctx, d, earlier->previous->id, left - 1);
      });
}

std::optional<minutes::TimeZone> parse_zone(const std::string& text) {
  if (text.empty()) return minutes::TimeZone{};
  int minutes = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), minutes);
  if (ec != std::errc() || end != text.data() + text.size() ||
      minutes < -minutes::kMaxZoneOffsetMinutes || minutes > minutes::kMaxZoneOffsetMinutes) {
    return std::nullopt;
  }
  return minutes::TimeZone{minutes};
}

}  // namespace

std::optional<std::string> minutes_meeting_id(std::string_view path) {
  constexpr std::string_view kPrefix = "/api/meetings/", kSuffix = "/minutes";
  if (path.size() <= kPrefix.size() + kSuffix.size() || path.substr(0, kPrefix.size()) != kPrefix ||
      path.substr(path.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  std::string_view id = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  if (id.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(id);
}

std::variant<MinutesRequest, HttpResponse> check_minutes_request(const HttpRequest& req,
                                                                 const std::string& meeting_id,
                                                                 std::string_view secret,
                                                                 int64_t now) {
  std::string format = query_param(req.target(), "format");
  if (format.empty()) format = "html";
  const MinutesFormat* chosen = nullptr;
  for (const auto& f : kFormats) {
    if (f.name == format) chosen = &f;
  }
  if (!chosen) {
    return json_error(req, http::status::bad_request, "bad_format",
                      "format must be one of md, html, json, csv, ics");
  }
  auto tz = parse_zone(query_param(req.target(), "tz"));
  if (!tz) {
    return json_error(req, http::status::bad_request, "bad_time_zone",
                      "tz is the reader's offset from UTC in minutes, -840 to 840");
  }
  auto auth = authorize(req, meeting_id, false, secret, now);
  if (auto* refusal = std::get_if<HttpResponse>(&auth)) return std::move(*refusal);
  return MinutesRequest{chosen, *tz, std::get<core::TokenClaims>(std::move(auth))};
}

HttpResponse minutes_response(const HttpRequest& req, const MinutesRequest& r,
                              const minutes::Minutes& m) {
  std::string body;
  std::string_view format = r.format->name;
  if (format == "md") body = minutes::to_markdown(m, r.tz);
  if (format == "html") body = minutes::to_html(m, r.tz);
  if (format == "json") body = minutes::to_json(m).dump(2) + "\n";
  if (format == "csv") body = minutes::to_csv(m);
  if (format == "ics") body = minutes::to_ics(m);
  auto res = make_response(req, http::status::ok, std::move(body), r.format->content_type,
                           format == "html" ? kMinutesPagePolicy : kClientPolicy);
  res.set(http::field::content_disposition, "attachment; filename=\"minutes-" + m.meeting_id + "." +
                                                std::string(r.format->extension) + "\"");
  return res;
}

void download_minutes(ServerContext& ctx, const HttpRequest& req, const std::string& meeting_id,
                      Respond respond) {
  auto checked = check_minutes_request(req, meeting_id, ctx.secret, now_ms());
  if (auto* refusal = std::get_if<HttpResponse>(&checked)) return respond(std::move(*refusal));

  auto d = std::make_shared<Download>();
  d->req = std::make_shared<const HttpRequest>(req);
  d->respond = std::move(respond);
  d->request = std::get<MinutesRequest>(std::move(checked));
  read_log_then(ctx, meeting_id,
                [&ctx, d, meeting_id](store::StoreStatus status, std::vector<std::string> log) {
                  if (status == store::StoreStatus::not_found) {
                    return d->respond(json_error(*d->req, http::status::not_found, "not_found",
                                                 "there is no such meeting"));
                  }
                  if (status != store::StoreStatus::ok)
                    return d->respond(store_unavailable(*d->req));
                  auto projected = project_or_log(meeting_id, log);
                  if (!projected) {
                    return d->respond(
                        json_error(*d->req, http::status::internal_server_error, "unreadable_log",
                                   "the meeting's log cannot be read; the operator is told"));
                  }
                  d->minutes = std::move(*projected);
                  if (!d->minutes.previous) return finish(*d);
                  collect_stages(ctx, d, d->minutes.previous->id, kSeriesChartMeetings - 1);
                });
}

}  // namespace rt::net
