// One HTTP connection, plain or TLS (net/tls.hpp): completes the TLS handshake when there is
// one, reads requests (keep-alive), answers them through http_routes, and hands a WebSocket
// upgrade at /ws to a WebSocketSession after checking its Origin.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <variant>

#include "net/http_routes.hpp"
#include "net/tls.hpp"

namespace rt::net {

// Bodies are small JSON documents; anything bigger is refused before it is buffered.
inline constexpr size_t kMaxRequestBody = 16 * 1024;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // Speaks TLS when the context has a TLS context (ServerContext::tls).
  HttpSession(ServerContext& ctx, boost::asio::ip::tcp::socket socket);
  void run();

 private:
  void handshake();
  void read();
  void on_read(boost::beast::error_code ec);
  void write(HttpResponse res);
  // Ends the connection after the last response: TLS says close_notify first.
  void close();
  bool origin_allowed(const HttpRequest& req) const;
  // The TCP layer under either transport: timeouts, the peer's address, shutdown.
  PlainStream& tcp();

  ServerContext& ctx_;
  std::variant<PlainStream, TlsStream> stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

}  // namespace rt::net
