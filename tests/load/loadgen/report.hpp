// The one JSON line a run prints: everything measured, named with its unit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "latency_samples.hpp"

namespace loadgen {

struct Figures {
  std::string workload;
  int clients = 0;
  int meetings = 0;
  double seconds = 0;
  double offered_commands_per_s = 0;
  bool batch = false;
  uint64_t frames = 0, batch_frames = 0;  // WebSocket messages received; of them, batches

  // Commands: sent in the window; answered by ack or reject; never answered by the drain.
  uint64_t sent = 0, acked = 0, rejected = 0, unanswered = 0;
  std::map<std::string, uint64_t> reject_codes;
  std::map<std::string, uint64_t> server_errors;  // `error` messages (e.g. slow_consumer)
  double achieved_commands_per_s = 0;             // acked / time from first send to last ack
  uint64_t deliveries = 0;                        // command events received by other clients
  double deliveries_per_s = 0;
  LatencySummary delivery;  // send -> receipt at every other client of the meeting
  // Per command: send -> its event's first receipt (the commit window, the commit, the first
  // write), and first -> last receipt (the fan-out to the meeting and the reading of it).
  LatencySummary first_delivery, delivery_spread;
  LatencySummary ack;  // send -> ack at the sender
  // Every client must see every seq of its meeting once, in order.
  uint64_t lost_deliveries = 0, duplicated_deliveries = 0;
  uint64_t disconnects = 0, connect_failures = 0;
  // Slow consumers (--slow-share): how many, how many the server cut off, how many came back
  // with the missed events replayed (resumeFrom) or with a fresh snapshot.
  uint64_t slow_clients = 0, slow_cut = 0, slow_resumed = 0, slow_resumed_by_snapshot = 0;
  double send_lag_max_ms = 0;  // how late the generator was against the schedule (its health)

  std::optional<double> server_cpu_s;
  std::optional<double> redis_cpu_s;
  double loadgen_cpu_s = 0;
  std::optional<double> events_per_commit;  // group commit, from the server's /metrics

  std::optional<int64_t> rss_before_connect_kib, rss_after_first_kib, rss_connected_kib,
      rss_idle_kib, rss_loaded_max_kib;
  double connect_seconds = 0;
  std::string error;  // why the run could not be completed, if it could not
};

std::string to_json_line(const Figures& f);

// A vote-close run's figures (vote_run.hpp).
struct VoteFigures {
  std::string workload;
  int voters = 0;
  int rounds = 0;
  std::string results, visibility;
  bool batch = false;
  LatencySummary close_to_every_screen;  // one sample per round: the last screen
  LatencySummary close_to_one_screen;    // one sample per screen per round
  LatencySummary ballot_ack;
  size_t close_message_bytes = 0;  // the largest vote_closed event received
  uint64_t lost_deliveries = 0, duplicated_deliveries = 0, disconnects = 0;
  std::map<std::string, uint64_t> reject_codes;
  // CPU spent from sending each close to its last screen, averaged over the rounds
  // (/proc counts in 10 ms ticks: only the mean over many rounds means anything).
  std::optional<double> server_cpu_ms_per_close;
  double loadgen_cpu_ms_per_close = 0;
  std::string error;
};

std::string to_json_line(const VoteFigures& f);

// A co-editing run's figures (coedit_run.hpp).
struct CoeditFigures {
  std::string workload;
  int editors = 0;
  double seconds = 0;
  double offered_keystrokes_per_s = 0;  // 0: every editor flat out (one op always in flight)
  int text_length = 0;                  // the length the editors keep the notes around
  bool batch = false;
  uint64_t keystrokes = 0, ops_sent = 0, ops_committed = 0;
  double committed_ops_per_s = 0;   // while typing: ops committed / typing time
  LatencySummary ack;               // send -> ack at the sender
  LatencySummary seen_by_each;      // send -> receipt at each other editor
  LatencySummary seen_by_all;       // send -> the last other editor's receipt
  LatencySummary keystroke_to_all;  // the op's first keystroke -> the last other editor's receipt
  bool converged = false;           // every editor's text and the server's are the same
  size_t final_length = 0;          // code points
  uint64_t lost_deliveries = 0, duplicated_deliveries = 0, disconnects = 0;
  std::map<std::string, uint64_t> reject_codes;
  std::optional<double> server_cpu_s, redis_cpu_s;
  double loadgen_cpu_s = 0;
  std::optional<double> events_per_commit;
  std::string error;
};

std::string to_json_line(const CoeditFigures& f);

}  // namespace loadgen
