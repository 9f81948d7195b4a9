#include "server_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace loadgen {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::vector<MeetingTicket> create_meetings(asio::io_context& ioc, const std::string& host,
                                           uint16_t port, int count, const std::string& prefix) {
  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(host, std::to_string(port));
  const std::string host_header = host + ":" + std::to_string(port);
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::vector<MeetingTicket> tickets;
  tickets.reserve(count);
  for (int n = 0; n < count; ++n) {
    if (!stream) {
      stream.emplace(ioc);
      stream->connect(endpoints);
    }
    http::request<http::string_body> req{http::verb::post, "/api/meetings", 11};
    req.set(http::field::host, host_header);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = nlohmann::json{{"title", prefix + " " + std::to_string(n + 1)},
                                {"goal", "Measure what the server sustains"}}
                     .dump();
    req.prepare_payload();
    http::write(*stream, req);
    http::response<http::string_body> res;
    http::read(*stream, buffer, res);
    if (res.result() != http::status::created) {
      throw std::runtime_error("POST /api/meetings answered " + std::to_string(res.result_int()) +
                               ": " + res.body());
    }
    auto body = nlohmann::json::parse(res.body());
    tickets.push_back({body.at("meetingId").get<std::string>(),
                       body.at("joinCode").get<std::string>(),
                       body.at("facilitatorToken").get<std::string>()});
    // The server may close after any answer; open a new connection for the next request.
    if (!res.keep_alive()) stream.reset();
  }
  if (stream) {
    beast::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
  return tickets;
}

std::map<std::string, double> read_metrics(asio::io_context& ioc, const std::string& host,
                                           uint16_t port) {
  std::map<std::string, double> samples;
  beast::error_code ec;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  stream.connect(resolver.resolve(host, std::to_string(port)), ec);
  if (ec) return samples;
  http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
  req.set(http::field::host, host + ":" + std::to_string(port));
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buffer, res, ec);
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  std::istringstream lines(res.body());
  std::string line;
  while (std::getline(lines, line)) {
    // "name value": no labels, no comment.
    auto space = line.find(' ');
    if (line.empty() || line[0] == '#' || space == std::string::npos) continue;
    if (line.find('{') < space) continue;
    try {
      samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      // Not a number (e.g. +Inf handled by stod, garbage is not): leave it out.
    }
  }
  return samples;
}

}  // namespace loadgen
