// The two transports a listener may speak: plain TCP, or TLS over TCP when the server was
// given a certificate (--tls-cert, --tls-key). Sessions hold one or the other in a variant,
// so their logic is written once; only the handshake and the close differ.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <string>

namespace rt::net {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// A server-side TLS context: TLS 1.2 and 1.3 only, the certificate chain and private key from
// PEM files. Throws std::runtime_error naming the file when one cannot be read or the key is
// not the certificate's (OpenSSL checks that as it loads the key), so the server refuses to start
// rather than serve without the TLS it was asked for.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_chain_file,
                                                            const std::string& private_key_file);

}  // namespace rt::net
