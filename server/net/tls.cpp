#include "net/tls.hpp"

#include <stdexcept>

namespace rt::net {
namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_tls_context(const std::string& cert_chain_file,
                                               const std::string& private_key_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  auto load = [](const std::string& what, const std::string& file, auto&& call) {
    boost::system::error_code ec;
    call(ec);
    if (ec) throw std::runtime_error("cannot use " + what + " " + file + ": " + ec.message());
  };
  load("certificate chain", cert_chain_file,
       [&](auto& ec) { ctx->use_certificate_chain_file(cert_chain_file, ec); });
  load("private key", private_key_file,
       [&](auto& ec) { ctx->use_private_key_file(private_key_file, ssl::context::pem, ec); });
  return ctx;
}

}  // namespace rt::net
