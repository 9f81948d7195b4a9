#include "net/http_routes.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/codec.hpp"
#include "core/event.hpp"
#include "core/replay.hpp"
#include "core/series.hpp"
#include "core/token.hpp"
#include "net/ids.hpp"
#include "net/join_qr.hpp"
#include "net/minutes_download.hpp"
#include "net/static_files.hpp"
#include "support/log.hpp"

namespace rt::net {
namespace http = boost::beast::http;

namespace {

// Creating a meeting draws fresh ids; on the rare collision, draw again a few times.
constexpr int kCreateAttempts = 3;

// A meeting to create: its title and goal, and the meeting it follows in a series.
struct Creation {
  std::shared_ptr<const HttpRequest> req;
  std::string title;
  std::string goal;
  std::shared_ptr<const core::Meeting> previous;
};

void create_attempt(ServerContext& ctx, Creation c, int attempts_left, Respond respond) {
  std::string id = new_meeting_id();
  std::string code = new_join_code();
  int64_t now = now_ms();
  std::vector<core::Event> first =
      c.previous ? core::next_meeting_events(*c.previous, {id, c.title, c.goal, code, now})
                 : std::vector<core::Event>{core::meeting_created(id, c.title, c.goal, code, now)};
  store::MeetingStore::Events events;
  for (const auto& e : first)
    events.push_back(std::make_shared<const std::string>(core::to_stored(e)));
  size_t carried = 0;
  for (const auto& e : first) carried += e.kind == "item_added";
  ctx.store.create_meeting(
      id, code, std::move(events),
      [&ctx, c = std::move(c), id, code, carried, attempts_left,
       respond = std::move(respond)](store::StoreStatus status) mutable {
        const HttpRequest& req = *c.req;
        if (status == store::StoreStatus::taken && attempts_left > 1) {
          return create_attempt(ctx, std::move(c), attempts_left - 1, std::move(respond));
        }
        if (status != store::StoreStatus::ok) {
          return respond(store_unavailable(req));
        }
        core::TokenClaims claims{id, "", core::Role::facilitator,
                                 now_ms() + core::kFacilitatorTokenLifetimeMs};
        nlohmann::json body = {{"meetingId", id},
                               {"joinCode", code},
                               {"facilitatorToken", core::sign_token(claims, ctx.secret)},
                               {"joinUrl", join_url(ctx, req, code)}};
        if (c.previous) {
          body["previousMeetingId"] = c.previous->id;
          body["carriedOver"] = carried;
        }
        respond(json_response(req, http::status::created, body));
      });
}

// Creates the meeting once its title and goal (given or inherited) are within their limits.
void create_checked(ServerContext& ctx, Creation c, Respond respond) {
  for (auto problem : {core::check_meeting_title(c.title), core::check_goal(c.goal)}) {
    if (problem) {
      return respond(
          json_error(*c.req, http::status::bad_request, problem->code, problem->message));
    }
  }
  create_attempt(ctx, std::move(c), kCreateAttempts, std::move(respond));
}

// The next meeting of a series: the facilitator of the earlier one loads it, and the new
// one inherits its title and goal unless the request gives new ones.
void create_next_meeting(ServerContext& ctx, Creation c, const std::string& previous_id,
                         std::optional<std::string> title, std::optional<std::string> goal,
                         Respond respond) {
  auto auth = authorize(ctx, *c.req, previous_id, true);
  if (auto* refusal = std::get_if<HttpResponse>(&auth)) return respond(std::move(*refusal));
  ctx.store.load(previous_id, [&ctx, c = std::move(c), previous_id, title = std::move(title),
                               goal = std::move(goal),
                               respond = std::move(respond)](store::LoadedMeeting loaded) mutable {
    const HttpRequest& req = *c.req;
    if (loaded.status == store::StoreStatus::not_found) {
      return respond(json_error(req, http::status::not_found, "not_found",
                                "there is no meeting to follow with that id"));
    }
    if (loaded.status != store::StoreStatus::ok) {
      return respond(store_unavailable(req));
    }
    std::shared_ptr<const core::Meeting> previous;
    try {
      previous =
          std::make_shared<const core::Meeting>(core::replay(loaded.snapshot_state, loaded.events));
    } catch (const std::exception& e) {
      log::error("meeting log unreadable", {{"meeting", previous_id}, {"error", e.what()}});
      return respond(json_error(req, http::status::internal_server_error, "unreadable_log",
                                "the earlier meeting's log cannot be read; the operator is told"));
    }
    c.title = title.value_or(previous->title);
    c.goal = goal.value_or(previous->goal);
    c.previous = std::move(previous);
    create_checked(ctx, std::move(c), std::move(respond));
  });
}

void create_meeting(ServerContext& ctx, const HttpRequest& req, const std::string& client,
                    Respond respond) {
  if (auto wait_ms = ctx.limits.refuse_meeting(client, now_ms())) {
    ctx.metrics.client_limit_refusals.inc("meetings_per_hour");
    auto res = json_error(req, http::status::too_many_requests, "rate_limited",
                          "this address has created too many meetings this hour; try again later");
    res.set(http::field::retry_after, std::to_string((*wait_ms + 999) / 1000));
    return respond(std::move(res));
  }
  auto body = nlohmann::json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return respond(json_error(req, http::status::bad_request, "bad_json",
                              "the body must be a JSON object {\"title\", \"goal\"}"));
  }
  std::map<std::string, std::optional<std::string>> fields = {
      {"title", std::nullopt}, {"goal", std::nullopt}, {"previousMeetingId", std::nullopt}};
  for (const auto& [key, value] : body.items()) {
    auto field = fields.find(key);
    if (field == fields.end()) {
      return respond(json_error(
          req, http::status::bad_request, "bad_request",
          "unknown field '" + key + "'; expected title, goal and optionally previousMeetingId"));
    }
    if (!value.is_string()) {
      return respond(json_error(req, http::status::bad_request, "bad_request",
                                "the field '" + key + "' must be a string"));
    }
    field->second = value.get<std::string>();
  }
  Creation c{std::make_shared<const HttpRequest>(req), "", "", nullptr};
  if (auto previous = fields["previousMeetingId"]) {
    return create_next_meeting(ctx, std::move(c), *previous, fields["title"], fields["goal"],
                               std::move(respond));
  }
  for (const char* field : {"title", "goal"}) {
    if (!fields[field]) {
      return respond(json_error(req, http::status::bad_request, "bad_request",
                                std::string("the field '") + field + "' must be a string"));
    }
  }
  c.title = *fields["title"];
  c.goal = *fields["goal"];
  create_checked(ctx, std::move(c), std::move(respond));
}

void health(ServerContext& ctx, const HttpRequest& req, Respond respond) {
  ctx.store.ping([req = std::make_shared<const HttpRequest>(req), respond = std::move(respond)](
                     bool ok, std::string reason) {
    if (ok)
      return respond(json_response(*req, http::status::ok, {{"status", "ok"}, {"redis", "ok"}}));
    respond(json_response(*req, http::status::service_unavailable,
                          {{"status", "unavailable"}, {"redis", reason}}));
  });
}

}  // namespace

void handle_http(ServerContext& ctx, const HttpRequest& req, const std::string& client,
                 Respond respond) {
  ctx.metrics.http_requests++;
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  auto method = req.method();
  auto only = [&](http::verb allowed) {
    if (method == allowed) return true;
    respond(json_error(
        req, http::status::method_not_allowed, "method_not_allowed",
        std::string("use ") + std::string(http::to_string(allowed)) + " on " + std::string(path)));
    return false;
  };
  if (path == "/api/meetings") {
    if (only(http::verb::post)) create_meeting(ctx, req, client, std::move(respond));
    return;
  }
  if (path == "/healthz") {
    if (only(http::verb::get)) health(ctx, req, std::move(respond));
    return;
  }
  if (path == "/metrics") {
    if (only(http::verb::get)) {
      respond(
          make_response(req, http::status::ok, ctx.metrics.render(), "text/plain; version=0.0.4"));
    }
    return;
  }
  if (path == "/api/join-qr") {
    if (only(http::verb::get)) respond(join_qr(ctx, req));
    return;
  }
  if (auto minutes_of = minutes_meeting_id(path)) {
    if (only(http::verb::get)) download_minutes(ctx, req, *minutes_of, std::move(respond));
    return;
  }
  if (path.substr(0, 5) == "/api/") {
    return respond(json_error(req, http::status::not_found, "not_found", "no such API endpoint"));
  }
  if (method != http::verb::get && method != http::verb::head) {
    return respond(json_error(req, http::status::method_not_allowed, "method_not_allowed",
                              "only GET and HEAD serve files"));
  }
  auto file = read_static_file(ctx.web_root, target);
  if (!file) {
    return respond(json_error(req, http::status::not_found, "not_found", "no such file"));
  }
  auto res = make_response(req, http::status::ok, std::move(file->body), file->content_type);
  if (method == http::verb::head) {
    res.body().clear();  // Content-Length stays that of the file
  }
  respond(std::move(res));
}

}  // namespace rt::net
