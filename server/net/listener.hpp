// Accepts TCP connections and hands each to an HttpSession on its own strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "net/server_context.hpp"

namespace rt::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Throws boost::system::system_error when the address cannot be bound.
  Listener(ServerContext& ctx, const boost::asio::ip::tcp::endpoint& endpoint);
  void run();
  void stop();
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept();

  ServerContext& ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace rt::net
