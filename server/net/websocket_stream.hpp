// A server WebSocket over plain TCP or over TLS (net/tls.hpp), with the operations a session
// uses. One std::visit per call picks the transport; the session's logic does not know which.
#pragma once

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <utility>
#include <variant>

#include "net/tls.hpp"

namespace rt::net {

class WebSocketStream {
  // Defined before its users: they deduce their return types from it.
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), ws_);
  }
  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit(std::forward<F>(f), ws_);
  }

 public:
  using executor_type = PlainStream::executor_type;

  // A plain WebSocket runs on the bare socket: beast::tcp_stream's timeouts served the HTTP
  // request, and the WebSocket stream keeps its own. Its per-operation layer cost ~4% of the
  // server's time in a big meeting's fan-out (README, "Measured").
  explicit WebSocketStream(PlainStream&& stream)
      : ws_(std::in_place_index<0>, stream.release_socket()) {}
  explicit WebSocketStream(TlsStream&& stream) : ws_(std::in_place_index<1>, std::move(stream)) {}

  executor_type get_executor() {
    return visit([](auto& ws) { return ws.get_executor(); });
  }
  template <class Option>
  void set_option(Option&& option) {
    visit([&](auto& ws) { ws.set_option(std::forward<Option>(option)); });
  }
  void read_message_max(std::size_t bytes) {
    visit([&](auto& ws) { ws.read_message_max(bytes); });
  }
  void auto_fragment(bool on) {
    visit([&](auto& ws) { ws.auto_fragment(on); });
  }
  void text(bool on) {
    visit([&](auto& ws) { ws.text(on); });
  }
  bool got_text() const {
    return visit([](const auto& ws) { return ws.got_text(); });
  }
  bool is_message_done() const {
    return visit([](const auto& ws) { return ws.is_message_done(); });
  }
  bool is_open() const {
    return visit([](const auto& ws) { return ws.is_open(); });
  }

  template <class Request, class Handler>
  void async_accept(const Request& upgrade, Handler&& handler) {
    visit([&](auto& ws) { ws.async_accept(upgrade, std::forward<Handler>(handler)); });
  }
  template <class Buffer, class Handler>
  void async_read_some(Buffer& buffer, std::size_t limit, Handler&& handler) {
    visit([&](auto& ws) { ws.async_read_some(buffer, limit, std::forward<Handler>(handler)); });
  }
  template <class Buffers, class Handler>
  void async_write(const Buffers& buffers, Handler&& handler) {
    visit([&](auto& ws) { ws.async_write(buffers, std::forward<Handler>(handler)); });
  }
  template <class Handler>
  void async_close(const boost::beast::websocket::close_reason& reason, Handler&& handler) {
    visit([&](auto& ws) { ws.async_close(reason, std::forward<Handler>(handler)); });
  }

 private:
  std::variant<boost::beast::websocket::stream<boost::asio::ip::tcp::socket>,
               boost::beast::websocket::stream<TlsStream>>
      ws_;
};

}  // namespace rt::net
