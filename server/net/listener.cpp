#include "net/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "net/http_session.hpp"
#include "support/log.hpp"

namespace rt::net {
namespace asio = boost::asio;

Listener::Listener(ServerContext& ctx, const asio::ip::tcp::endpoint& endpoint)
    : ctx_(ctx), acceptor_(asio::make_strand(ctx.ioc)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::run() {
  accept();
}

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(
      asio::make_strand(ctx_.ioc),
      [self = shared_from_this()](boost::system::error_code ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) {
          // Out of file descriptors and the like: keep accepting, the condition may pass.
          log::warn("accept failed", {{"error", ec.message()}});
        } else {
          // Frames are small and latency is the product: without this, Nagle holds an ack
          // back behind the event sent just before it until the peer's delayed ACK (~40 ms).
          boost::system::error_code ignored;
          socket.set_option(asio::ip::tcp::no_delay(true), ignored);
          std::make_shared<HttpSession>(self->ctx_, std::move(socket))->run();
        }
        self->accept();
      });
}

}  // namespace rt::net
