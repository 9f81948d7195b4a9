#include "net/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>

#include "net/websocket_session.hpp"
#include "support/log.hpp"

namespace rt::net {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {
// A client has this long to send a whole request (slowloris guard) and to read a reply.
constexpr auto kRequestTimeout = std::chrono::seconds(30);

std::variant<PlainStream, TlsStream> stream_for(ServerContext& ctx, asio::ip::tcp::socket socket) {
  if (ctx.tls) return TlsStream(std::move(socket), *ctx.tls);
  return PlainStream(std::move(socket));
}
}  // namespace

HttpSession::HttpSession(ServerContext& ctx, asio::ip::tcp::socket socket)
    : ctx_(ctx), stream_(stream_for(ctx, std::move(socket))) {}

PlainStream& HttpSession::tcp() {
  return std::visit([](auto& s) -> PlainStream& { return beast::get_lowest_layer(s); }, stream_);
}

void HttpSession::run() {
  asio::dispatch(tcp().get_executor(), [self = shared_from_this()] {
    if (std::holds_alternative<TlsStream>(self->stream_)) {
      self->handshake();
    } else {
      self->read();
    }
  });
}

void HttpSession::handshake() {
  // Same budget as a request: a peer that opens TLS and stalls is dropped like a slow request.
  tcp().expires_after(kRequestTimeout);
  std::get<TlsStream>(stream_).async_handshake(
      asio::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
        if (ec) {
          self->ctx_.metrics.tls_handshake_failures++;
          log::debug("tls handshake failed", {{"error", ec.message()}});
          return;
        }
        self->read();
      });
}

void HttpSession::read() {
  parser_.emplace();
  parser_->body_limit(kMaxRequestBody);
  tcp().expires_after(kRequestTimeout);
  std::visit(
      [&](auto& stream) {
        http::async_read(
            stream, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
      },
      stream_);
}

void HttpSession::close() {
  if (auto* tls = std::get_if<TlsStream>(&stream_)) {
    tcp().expires_after(kRequestTimeout);
    tls->async_shutdown([self = shared_from_this()](beast::error_code) {});
    return;
  }
  beast::error_code ignored;
  tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void HttpSession::on_read(beast::error_code ec) {
  if (ec == http::error::end_of_stream) return close();
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
  auto peer = tcp().socket().remote_endpoint(peer_ec);
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
    tcp().expires_never();  // the WebSocket stream sets its own timeouts
    auto ws = std::visit([](auto& stream) { return WebSocketStream(std::move(stream)); }, stream_);
    std::make_shared<WebSocketSession>(ctx_, std::move(ws), std::move(client))->run(std::move(req));
    return;
  }
  handle_http(ctx_, req, client, [self = shared_from_this()](HttpResponse res) {
    asio::post(self->tcp().get_executor(),
               [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
  });
}

void HttpSession::write(HttpResponse res) {
  auto shared = std::make_shared<HttpResponse>(std::move(res));
  tcp().expires_after(kRequestTimeout);
  std::visit(
      [&](auto& stream) {
        http::async_write(stream, *shared,
                          [self = shared_from_this(), shared](beast::error_code ec, size_t) {
                            if (ec) return;
                            if (!shared->keep_alive()) return self->close();
                            self->read();
                          });
      },
      stream_);
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
