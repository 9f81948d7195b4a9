#include "support/metrics.hpp"

#include <cstdio>

namespace rt {
namespace {

void append_number(std::string& out, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  out += buf;
}

void sample(std::string& out, const std::string& name, const char* type, const char* help,
            double value) {
  out += "# HELP " + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name + ' ';
  append_number(out, value);
  out += '\n';
}

}  // namespace

void Histogram::observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += name + "_bucket{le=\"";
    if (i < kBounds.size()) {
      append_number(out, kBounds[i]);
    } else {
      out += "+Inf";
    }
    out += "\"} " + std::to_string(cumulative) + '\n';
  }
  out += name + "_sum ";
  append_number(out, static_cast<double>(sum_micros_.load()) / 1e6);
  out += '\n' + name + "_count " + std::to_string(count_.load()) + '\n';
}

void LabelledCounter::inc(const std::string& label_value) {
  std::lock_guard lock(mutex_);
  ++values_[label_value];
}

void LabelledCounter::render(std::string& out, const std::string& name, const std::string& fixed,
                             const std::string& label) const {
  std::lock_guard lock(mutex_);
  for (const auto& [value, count] : values_) {
    out += name + '{' + fixed + (fixed.empty() ? "" : ",") + label + "=\"" + value + "\"} " +
           std::to_string(count) + '\n';
  }
}

std::string Metrics::render() const {
  std::string out;
  sample(out, "roundtable_connections", "gauge", "Open WebSocket connections.", connections.load());
  sample(out, "roundtable_meetings_live", "gauge", "Meetings loaded in this process.",
         meetings_live.load());
  sample(out, "roundtable_meeting_rooms", "gauge",
         "Meeting rooms in memory: the loaded ones, and unloaded ones not freed yet.",
         meeting_rooms.load());
  sample(out, "roundtable_redis_up", "gauge", "1 when the Redis connection is up.",
         redis_up.load());
  out +=
      "# HELP roundtable_commands_total Commands by result.\n"
      "# TYPE roundtable_commands_total counter\n"
      "roundtable_commands_total{result=\"accepted\"} " +
      std::to_string(commands_accepted.load()) + '\n';
  commands_rejected.render(out, "roundtable_commands_total", "result=\"rejected\"", "code");
  sample(out, "roundtable_events_committed_total", "counter", "Events committed to Redis.",
         static_cast<double>(events_committed.load()));
  sample(out, "roundtable_commits_total", "counter", "Group commits to Redis.",
         static_cast<double>(commits.load()));
  sample(out, "roundtable_commit_conflicts_total", "counter",
         "Commits refused because another instance committed first; retried after catching up.",
         static_cast<double>(commit_conflicts.load()));
  sample(out, "roundtable_slow_consumer_disconnects_total", "counter",
         "Connections closed because their send queue overflowed.",
         static_cast<double>(slow_consumer_disconnects.load()));
  sample(out, "roundtable_http_requests_total", "counter", "HTTP requests served.",
         static_cast<double>(http_requests.load()));
  sample(out, "roundtable_tls_handshake_failures_total", "counter",
         "TLS handshakes that failed or timed out.",
         static_cast<double>(tls_handshake_failures.load()));
  out +=
      "# HELP roundtable_client_limit_refusals_total Requests refused by a per-address limit.\n"
      "# TYPE roundtable_client_limit_refusals_total counter\n";
  client_limit_refusals.render(out, "roundtable_client_limit_refusals_total", "", "limit");
  out +=
      "# HELP roundtable_commit_seconds Latency of one group commit to Redis.\n"
      "# TYPE roundtable_commit_seconds histogram\n";
  commit_seconds.render(out, "roundtable_commit_seconds");
  return out;
}

}  // namespace rt
