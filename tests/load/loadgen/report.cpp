#include "report.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace loadgen {
namespace {

// Three decimals: microsecond resolution for milliseconds, enough for rates and ratios.
double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}
// CPU seconds per 1,000 deliveries are milliseconds or less.
double round6(double x) {
  return std::round(x * 1e6) / 1e6;
}

nlohmann::ordered_json latency_json(const LatencySummary& s) {
  if (s.count == 0) return nullptr;
  return {{"p50", round3(s.p50_ms)},
          {"p95", round3(s.p95_ms)},
          {"p99", round3(s.p99_ms)},
          {"max", round3(s.max_ms)}};
}

template <class T>
nlohmann::ordered_json optional_json(const std::optional<T>& v) {
  if (!v) return nullptr;
  if constexpr (std::is_floating_point_v<T>) return round3(*v);
  return *v;
}

// (after - before) / n in KiB, when both were read.
nlohmann::ordered_json per_connection(const std::optional<int64_t>& before,
                                      const std::optional<int64_t>& after, int n) {
  if (!before || !after || n <= 0) return nullptr;
  return round3(static_cast<double>(*after - *before) / n);
}

}  // namespace

std::string to_json_line(const Figures& f) {
  nlohmann::ordered_json j;
  j["workload"] = f.workload;
  j["scenario"] = "commands";
  j["clients"] = f.clients;
  j["meetings"] = f.meetings;
  j["seconds"] = f.seconds;
  j["offered_commands_per_s"] = round3(f.offered_commands_per_s);
  j["achieved_commands_per_s"] = round3(f.achieved_commands_per_s);
  j["deliveries_per_s"] = round3(f.deliveries_per_s);
  j["delivery_ms"] = latency_json(f.delivery);
  j["first_delivery_ms"] = latency_json(f.first_delivery);
  j["delivery_spread_ms"] = latency_json(f.delivery_spread);
  j["ack_ms"] = latency_json(f.ack);
  j["lost_deliveries"] = f.lost_deliveries;
  j["duplicated_deliveries"] = f.duplicated_deliveries;
  j["commands"] = {
      {"sent", f.sent}, {"acked", f.acked}, {"rejected", f.rejected}, {"unanswered", f.unanswered}};
  j["deliveries"] = f.deliveries;
  j["batch"] = f.batch;
  j["frames"] = f.frames;
  j["batch_frames"] = f.batch_frames;
  if (!f.reject_codes.empty()) j["reject_codes"] = f.reject_codes;
  if (!f.server_errors.empty()) j["server_errors"] = f.server_errors;
  j["disconnects"] = f.disconnects;
  j["connect_failures"] = f.connect_failures;
  j["slow_clients"] = f.slow_clients;
  j["slow_cut"] = f.slow_cut;
  j["slow_resumed"] = f.slow_resumed;
  j["slow_resumed_by_snapshot"] = f.slow_resumed_by_snapshot;
  j["server_cpu_s"] = optional_json(f.server_cpu_s);
  j["server_cpu_s_per_1000_deliveries"] =
      f.server_cpu_s && f.deliveries > 0
          ? nlohmann::ordered_json(round6(*f.server_cpu_s * 1000.0 / f.deliveries))
          : nullptr;
  j["redis_cpu_s"] = optional_json(f.redis_cpu_s);
  j["events_per_commit"] = optional_json(f.events_per_commit);
  j["server_rss_idle_kib"] = optional_json(f.rss_idle_kib);
  j["server_rss_loaded_max_kib"] = optional_json(f.rss_loaded_max_kib);
  // The brief's figure: everything the connections brought, meetings' rooms included.
  j["rss_per_connection_kib"] =
      per_connection(f.rss_before_connect_kib, f.rss_connected_kib, f.clients);
  // Each meeting's first client also loads the meeting's room; the others are connections
  // (and a participant record) only: the cost of one more idle connection.
  j["rss_per_extra_connection_kib"] =
      per_connection(f.rss_after_first_kib, f.rss_connected_kib, f.clients - f.meetings);
  j["server_rss_before_connect_kib"] = optional_json(f.rss_before_connect_kib);
  j["server_rss_connected_kib"] = optional_json(f.rss_connected_kib);
  j["connect_seconds"] = round3(f.connect_seconds);
  j["loadgen_cpu_s"] = round3(f.loadgen_cpu_s);
  j["send_lag_max_ms"] = round3(f.send_lag_max_ms);
  if (!f.error.empty()) j["error"] = f.error;
  return j.dump();
}

std::string to_json_line(const VoteFigures& f) {
  nlohmann::ordered_json j;
  j["workload"] = f.workload;
  j["scenario"] = "vote-close";
  j["voters"] = f.voters;
  j["rounds"] = f.rounds;
  j["results"] = f.results;
  j["visibility"] = f.visibility;
  j["batch"] = f.batch;
  j["close_to_every_screen_ms"] = latency_json(f.close_to_every_screen);
  j["close_to_one_screen_ms"] = latency_json(f.close_to_one_screen);
  j["ballot_ack_ms"] = latency_json(f.ballot_ack);
  j["close_message_bytes"] = f.close_message_bytes;
  j["server_cpu_ms_per_close"] = optional_json(f.server_cpu_ms_per_close);
  j["loadgen_cpu_ms_per_close"] = round3(f.loadgen_cpu_ms_per_close);
  j["lost_deliveries"] = f.lost_deliveries;
  j["duplicated_deliveries"] = f.duplicated_deliveries;
  j["disconnects"] = f.disconnects;
  if (!f.reject_codes.empty()) j["reject_codes"] = f.reject_codes;
  if (!f.error.empty()) j["error"] = f.error;
  return j.dump();
}

std::string to_json_line(const CoeditFigures& f) {
  nlohmann::ordered_json j;
  j["workload"] = f.workload;
  j["scenario"] = "coedit";
  j["editors"] = f.editors;
  j["seconds"] = f.seconds;
  j["offered_keystrokes_per_s"] = round3(f.offered_keystrokes_per_s);
  j["text_length"] = f.text_length;
  j["batch"] = f.batch;
  j["keystrokes"] = f.keystrokes;
  j["ops_sent"] = f.ops_sent;
  j["ops_committed"] = f.ops_committed;
  j["committed_ops_per_s"] = round3(f.committed_ops_per_s);
  j["keystrokes_per_op"] =
      f.ops_sent > 0 ? round3(static_cast<double>(f.keystrokes) / f.ops_sent) : 0.0;
  j["ack_ms"] = latency_json(f.ack);
  j["seen_by_each_other_ms"] = latency_json(f.seen_by_each);
  j["seen_by_all_others_ms"] = latency_json(f.seen_by_all);
  j["keystroke_to_seen_by_all_ms"] = latency_json(f.keystroke_to_all);
  j["converged"] = f.converged;
  j["final_length"] = f.final_length;
  j["lost_deliveries"] = f.lost_deliveries;
  j["duplicated_deliveries"] = f.duplicated_deliveries;
  j["disconnects"] = f.disconnects;
  if (!f.reject_codes.empty()) j["reject_codes"] = f.reject_codes;
  j["server_cpu_s"] = optional_json(f.server_cpu_s);
  j["redis_cpu_s"] = optional_json(f.redis_cpu_s);
  j["loadgen_cpu_s"] = round3(f.loadgen_cpu_s);
  j["events_per_commit"] = optional_json(f.events_per_commit);
  if (!f.error.empty()) j["error"] = f.error;
  return j.dump();
}

}  // namespace loadgen
