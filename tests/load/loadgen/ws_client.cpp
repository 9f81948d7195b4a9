#include "ws_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>

namespace loadgen {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

ServerAddress resolve_server(asio::io_context& ioc, const std::string& host, uint16_t port) {
  tcp::resolver resolver(ioc);
  ServerAddress a;
  a.endpoint = *resolver.resolve(host, std::to_string(port)).begin();
  a.host_header = host + ":" + std::to_string(port);
  a.origin = "http://" + a.host_header;
  return a;
}

WsClient::WsClient(asio::io_context& ioc) : ws_(ioc) {}

asio::awaitable<beast::error_code> WsClient::open(const ServerAddress& server, int receive_buffer) {
  constexpr auto token = asio::as_tuple(asio::use_awaitable);
  beast::error_code ec;
  if (receive_buffer > 0) {
    ws_.next_layer().open(server.endpoint.protocol(), ec);
    if (ec) co_return ec;
    ws_.next_layer().set_option(asio::socket_base::receive_buffer_size(receive_buffer), ec);
    if (ec) co_return ec;
  }
  auto [connect_ec] = co_await ws_.next_layer().async_connect(server.endpoint, token);
  if (connect_ec) co_return connect_ec;
  ws_.next_layer().set_option(tcp::no_delay(true), ec);
  // Client defaults: a handshake timeout, no idle timeout, no pings of our own (the server
  // pings idle connections; a pending read answers them).
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  // The server checks Origin against Host, as a browser would present it.
  ws_.set_option(
      websocket::stream_base::decorator([origin = server.origin](websocket::request_type& req) {
        req.set(beast::http::field::origin, origin);
      }));
  ws_.text(true);
  auto [handshake_ec] = co_await ws_.async_handshake(server.host_header, "/ws", token);
  co_return handshake_ec;
}

void WsClient::start_reading(OnMessage on_message, OnClosed on_closed) {
  on_message_ = std::move(on_message);
  on_closed_ = std::move(on_closed);
  read();
}

void WsClient::resume_reading() {
  paused_ = false;
  if (!reading_ && !closed_) read();
}

void WsClient::read() {
  if (paused_) return;
  reading_ = true;
  ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
    reading_ = false;
    if (ec) {
      if (!closed_) {
        closed_ = true;
        on_closed_(ec);
      }
      return;
    }
    const auto received = Clock::now();
    auto data = buffer_.cdata();
    on_message_(std::string_view(static_cast<const char*>(data.data()), data.size()), received);
    buffer_.consume(buffer_.size());
    read();
  });
}

void WsClient::send(std::string text) {
  if (closed_) return;
  outbox_.push_back(std::move(text));
  if (!writing_) write_next();
}

void WsClient::write_next() {
  writing_ = true;
  ws_.async_write(asio::buffer(outbox_.front()), [this](beast::error_code ec, size_t) {
    outbox_.pop_front();
    // A failed write ends the connection; the read loop reports it.
    if (ec || outbox_.empty()) {
      writing_ = false;
      if (ec) outbox_.clear();
      return;
    }
    write_next();
  });
}

}  // namespace loadgen
