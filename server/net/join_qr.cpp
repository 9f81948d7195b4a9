#include "net/join_qr.hpp"

#include "net/ids.hpp"
#include "qr/qr_svg.hpp"

namespace rt::net {
namespace http = boost::beast::http;

HttpResponse join_qr(const ServerContext& ctx, const HttpRequest& req) {
  std::string code = query_param(req.target(), "code");
  if (!is_join_code_form(code)) {
    return json_error(req, http::status::bad_request, "bad_code",
                      "give the join code as ?code=XXXX-XXXX (capital letters and digits)");
  }
  auto svg = qr::qr_svg(join_url(ctx, req, code));
  if (!svg) {
    return json_error(req, http::status::bad_request, "too_long",
                      "the join link for this address is too long for a QR code");
  }
  return make_response(req, http::status::ok, std::move(*svg), "image/svg+xml");
}

}  // namespace rt::net
