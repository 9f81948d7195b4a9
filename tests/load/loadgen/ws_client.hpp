// One simulated participant's WebSocket: async Beast on the generator's single I/O thread
// (no thread per connection, so 20,000 clients cost sockets and buffers, not stacks).
// Reads run continuously so the server's pings are answered and receipt times are taken
// as soon as the frame is read; writes are queued with one in flight, as Beast requires.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

namespace loadgen {

using Clock = std::chrono::steady_clock;

// Where the clients connect: the server's address, and the Host and Origin that a browser on
// the server's own page sends (the server checks Origin against Host).
struct ServerAddress {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header, origin;
};
// Resolves host:port; throws on failure.
ServerAddress resolve_server(boost::asio::io_context& ioc, const std::string& host, uint16_t port);

class WsClient {
 public:
  // Called for each text message with the time it was read; the view dies after the call.
  using OnMessage = std::function<void(std::string_view text, Clock::time_point received)>;
  using OnClosed = std::function<void(boost::beast::error_code)>;

  explicit WsClient(boost::asio::io_context& ioc);

  // TCP connect (with TCP_NODELAY: a command must not wait behind Nagle for the previous
  // one's ACK) and the WebSocket handshake on /ws with Host and Origin set. A non-zero
  // `receive_buffer` sets SO_RCVBUF (bytes) before connecting: a client that then stops
  // reading fills its window, and the server's queue for it, quickly.
  boost::asio::awaitable<boost::beast::error_code> open(const ServerAddress& server,
                                                        int receive_buffer = 0);
  // Starts the read loop; `on_closed` is called once when it ends.
  void start_reading(OnMessage on_message, OnClosed on_closed);
  // A paused client reads nothing (a frozen tab, a laptop lid closed) until resumed.
  void pause_reading() { paused_ = true; }
  void resume_reading();
  // Queues one text frame.
  void send(std::string text);

 private:
  void read();
  void write_next();

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool closed_ = false;
  bool paused_ = false;
  bool reading_ = false;  // a read is in flight
  OnMessage on_message_;
  OnClosed on_closed_;
};

}  // namespace loadgen
