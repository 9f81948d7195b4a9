// The server's HTTP side as the generator uses it: creating the run's meetings through the
// real API (POST /api/meetings) and reading counters from /metrics. Both happen outside the
// measured window, so plain synchronous Beast is enough.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace loadgen {

struct MeetingTicket {
  std::string meeting_id;
  std::string join_code;
  std::string facilitator_token;
};

// Creates `count` meetings titled "<prefix> <n>". Throws std::runtime_error with the
// server's answer when one is refused.
std::vector<MeetingTicket> create_meetings(boost::asio::io_context& ioc, const std::string& host,
                                           uint16_t port, int count, const std::string& prefix);

// The unlabelled samples of GET /metrics (Prometheus text), by name; empty if unreachable.
std::map<std::string, double> read_metrics(boost::asio::io_context& ioc, const std::string& host,
                                           uint16_t port);

}  // namespace loadgen
