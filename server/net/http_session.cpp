#include "net/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>

#include "net/websocket_session.hpp"

namespace rt::net {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {
// A client has this long to send a whole request (slowloris guard) and to read a reply.
constexpr auto kRequestTimeout = std::chrono::seconds(30);
}  // namespace

HttpSession::HttpSession(ServerContext& ctx, asio::ip::tcp::socket socket)
    : ctx_(ctx), stream_(std::move(socket)) {}

void HttpSession::run() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void HttpSession::read() {
  parser_.emplace();
  parser_->body_limit(kMaxRequestBody);
  stream_.expires_after(kRequestTimeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
}

void HttpSession::on_read(beast::error_code ec) {
  if (ec == http::error::end_of_stream) {
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    return;
  }
  if (ec == http::error::body_limit) {
    HttpRequest head{parser_->get().method(), parser_->get().target(), parser_->get().version()};
    auto res = json_error(head, http::status::payload_too_large, "payload_too_large",
                          "request bodies are limited to 16 KiB");
    res.keep_alive(false);
    return write(std::move(res));
  }
  if (ec) return;  // timeout or reset: nothing to answer

  HttpRequest req = parser_->release();
  boost::system::error_code peer_ec;
  auto peer = stream_.socket().remote_endpoint(peer_ec);
  if (peer_ec) return;  // gone already
  std::string client = client_key(peer.address(), req["X-Real-IP"], ctx_.trusted_proxies);
  if (beast::websocket::is_upgrade(req)) {
    if (req.target() != "/ws") {
      return write(
          json_error(req, http::status::not_found, "not_found", "the WebSocket endpoint is /ws"));
    }
    if (!origin_allowed(req)) {
      auto res = json_error(req, http::status::forbidden, "forbidden_origin",
                            "this page's origin may not open a Roundtable connection");
      res.keep_alive(false);
      return write(std::move(res));
    }
    stream_.expires_never();  // the WebSocket stream sets its own timeouts
    std::make_shared<WebSocketSession>(ctx_, stream_.release_socket(), std::move(client))
        ->run(std::move(req));
    return;
  }
  handle_http(ctx_, req, client, [self = shared_from_this()](HttpResponse res) {
    asio::post(self->stream_.get_executor(),
               [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
  });
}

void HttpSession::write(HttpResponse res) {
  auto shared = std::make_shared<HttpResponse>(std::move(res));
  stream_.expires_after(kRequestTimeout);
  http::async_write(stream_, *shared,
                    [self = shared_from_this(), shared](beast::error_code ec, size_t) {
                      if (ec) return;
                      if (!shared->keep_alive()) {
                        self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
                        return;
                      }
                      self->read();
                    });
}

// Cross-site WebSocket hijacking guard: a browser always sends Origin, and a page on
// another site must not be able to speak for a member whose browser holds a token.
// Clients without Origin are not browsers (tests, load generators) and are let through.
bool HttpSession::origin_allowed(const HttpRequest& req) const {
  auto it = req.find(http::field::origin);
  if (it == req.end()) return true;
  std::string_view origin = it->value();
  if (ctx_.allowed_origins.empty()) {
    std::string_view host = req[http::field::host];
    return origin == "http://" + std::string(host) || origin == "https://" + std::string(host);
  }
  for (const auto& allowed : ctx_.allowed_origins) {
    if (origin == allowed) return true;
  }
  return false;
}

}  // namespace rt::net
