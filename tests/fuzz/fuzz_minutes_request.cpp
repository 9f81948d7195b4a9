// Fuzz target: an HTTP request to the minutes export API, GET /api/meetings/{id}/minutes
// ?format=..&tz=.. with Authorization: Bearer. The bytes go to Beast's request parser (with
// the server's 16 KiB body limit); a parsed request is routed like http_routes.cpp does and
// checked by the handler's own check_minutes_request (net/minutes_download.hpp), with a fixed
// secret and clock; an accepted one gets the minutes of a fixed, ended meeting rendered in the
// requested format and time zone, and the response is serialized. Seeds carry real tokens
// (tests/fuzz/run.sh asks this binary for them: fuzz_support.hpp).
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <variant>

#include "fuzz_support.hpp"
#include "minutes/minutes.hpp"
#include "net/minutes_download.hpp"

namespace {

using namespace rt;
namespace http = boost::beast::http;

constexpr uint32_t kMaxRequestBody = 16 * 1024;  // net/http_session.cpp

const minutes::Minutes& scripted_minutes() {
  static const minutes::Minutes m =
      minutes::project(fuzz::scripted_meeting(/*ended=*/true).log, fuzz::kNow + 3'600'000);
  return m;
}

void serialize(const net::HttpResponse& res) {
  std::ostringstream out;
  out << res;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::print_fixture_if_asked();
  scripted_minutes();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(kMaxRequestBody);
  parser.eager(true);
  boost::beast::error_code ec;
  boost::asio::const_buffer rest(data, size);
  while (rest.size() > 0 && !parser.is_done()) {
    size_t used = parser.put(rest, ec);
    if (ec || used == 0) break;
    rest += used;
  }
  if (!parser.is_done()) return 0;
  net::HttpRequest req = parser.release();

  // http_routes.cpp, handle_http: the path picks the route, then only GET is served.
  std::string_view target = req.target();
  auto meeting_id = net::minutes_meeting_id(target.substr(0, target.find('?')));
  if (!meeting_id || req.method() != http::verb::get) return 0;

  auto checked = net::check_minutes_request(req, *meeting_id, fuzz::kSecret, fuzz::kNow);
  if (const auto* refusal = std::get_if<net::HttpResponse>(&checked)) {
    auto status = refusal->result();
    RT_FUZZ_CHECK(status == http::status::bad_request || status == http::status::unauthorized ||
                  status == http::status::forbidden);
    RT_FUZZ_CHECK(nlohmann::json::parse(refusal->body()).at("error").at("code").is_string());
    serialize(*refusal);
    return 0;
  }
  const auto& request = std::get<net::MinutesRequest>(checked);
  // Only a token of this meeting gets this far (the store would then read its log; here it
  // is always the fixed meeting's).
  RT_FUZZ_CHECK(request.claims.meeting_id == *meeting_id);
  RT_FUZZ_CHECK(request.tz.offset_minutes >= -minutes::kMaxZoneOffsetMinutes &&
                request.tz.offset_minutes <= minutes::kMaxZoneOffsetMinutes);
  auto res = net::minutes_response(req, request, scripted_minutes());
  RT_FUZZ_CHECK(res.result() == http::status::ok && !res.body().empty());
  serialize(res);
  return 0;
}
