#include "net/http_routes.hpp"

#include <nlohmann/json.hpp>

#include "core/codec.hpp"
#include "core/event.hpp"
#include "core/token.hpp"
#include "net/ids.hpp"
#include "net/static_files.hpp"

namespace rt::net {
namespace http = boost::beast::http;

namespace {

// Inline script and style are refused, so injected markup cannot run.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Creating a meeting draws fresh ids; on the rare collision, draw again a few times.
constexpr int kCreateAttempts = 3;

HttpResponse make_response(const HttpRequest& req, http::status status, std::string body,
                           std::string_view content_type) {
  HttpResponse res{status, req.version()};
  res.set(http::field::server, "roundtable");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse json_response(const HttpRequest& req, http::status status, const nlohmann::json& j) {
  return make_response(req, status, j.dump(), "application/json");
}

void create_attempt(ServerContext& ctx, std::shared_ptr<const HttpRequest> req, std::string title,
                    std::string goal, int attempts_left, Respond respond) {
  std::string id = new_meeting_id();
  std::string code = new_join_code();
  auto first = core::meeting_created(id, title, goal, code, now_ms());
  ctx.store.create_meeting(
      id, code, core::to_json(first).dump(),
      [&ctx, req, id, code, title = std::move(title), goal = std::move(goal), attempts_left,
       respond = std::move(respond)](store::StoreStatus status) mutable {
        if (status == store::StoreStatus::taken && attempts_left > 1) {
          return create_attempt(ctx, req, std::move(title), std::move(goal), attempts_left - 1,
                                std::move(respond));
        }
        if (status != store::StoreStatus::ok) {
          return respond(json_error(*req, http::status::service_unavailable, "unavailable",
                                    "the meeting store cannot be reached; try again"));
        }
        core::TokenClaims claims{id, "", core::Role::facilitator,
                                 now_ms() + core::kFacilitatorTokenLifetimeMs};
        std::string host(req->base()[http::field::host]);
        bool https = req->base()["X-Forwarded-Proto"] == "https";
        respond(json_response(
            *req, http::status::created,
            {{"meetingId", id},
             {"joinCode", code},
             {"facilitatorToken", core::sign_token(claims, ctx.secret)},
             {"joinUrl", (https ? "https://" : "http://") + host + "/?join=" + code}}));
      });
}

void create_meeting(ServerContext& ctx, const HttpRequest& req, Respond respond) {
  auto body = nlohmann::json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return respond(json_error(req, http::status::bad_request, "bad_json",
                              "the body must be a JSON object {\"title\", \"goal\"}"));
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "title" && key != "goal") {
      return respond(json_error(req, http::status::bad_request, "bad_request",
                                "unknown field '" + key + "'; expected title and goal"));
    }
  }
  for (const char* field : {"title", "goal"}) {
    if (!body.contains(field) || !body[field].is_string()) {
      return respond(json_error(req, http::status::bad_request, "bad_request",
                                std::string("the field '") + field + "' must be a string"));
    }
  }
  std::string title = body["title"], goal = body["goal"];
  for (auto problem : {core::check_meeting_title(title), core::check_goal(goal)}) {
    if (problem) {
      return respond(json_error(req, http::status::bad_request, problem->code, problem->message));
    }
  }
  create_attempt(ctx, std::make_shared<const HttpRequest>(req), std::move(title), std::move(goal),
                 kCreateAttempts, std::move(respond));
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

HttpResponse json_error(const HttpRequest& req, http::status status, const std::string& code,
                        const std::string& message) {
  return json_response(req, status, {{"error", {{"code", code}, {"message", message}}}});
}

void handle_http(ServerContext& ctx, const HttpRequest& req, Respond respond) {
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
    if (only(http::verb::post)) create_meeting(ctx, req, std::move(respond));
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
