// What one run of the load generator does: the command line, parsed and checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace loadgen {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int clients = 20;
  int meetings = 1;
  double rate = 100;  // commands per second offered in all, spread evenly over the clients
  double seconds = 10;
  std::string workload = "custom";
  int server_pid = 0;  // 0: found from the port
  int redis_pid = 0;   // 0: Redis' CPU is not reported
  // Share of commands that add an item rather than update the sender's own one (a meeting
  // holds at most 1,000 items, so adds stop short of that and become updates).
  double add_share = 0.05;
  // Connections being opened (TCP + WebSocket handshake + join) at once.
  int connect_concurrency = 200;
  // After the last send: how long to wait for every ack and every delivery.
  double drain_seconds = 15;
  // The server allows 20 commands/s per connection (burst 40); stay well under it.
  double max_rate_per_client = 15;
  // Join with batch: true, as the web client does: several messages per frame when busy.
  bool batch = true;
  // commands: the share of clients that stop reading for the whole load (slow consumers:
  // a frozen tab), then wake up, find themselves cut off and resume from their last seq.
  double slow_share = 0;

  // What the run does: "commands" (the offered load above), "vote-close" (vote_run.hpp:
  // one meeting of --clients voters, facilitator included, votes `rounds` times) or "coedit"
  // (coedit_run.hpp: --clients editors type into one field at --rate keystrokes/s, or flat
  // out with --rate 0).
  std::string scenario = "commands";
  int rounds = 10;
  std::string vote_results = "hidden";   // live | hidden (a blind vote)
  std::string vote_visibility = "open";  // open | anonymous
  int text_length = 300;                 // coedit: the notes' length, kept about there
};

// Parses argv; on a bad or missing value prints why (and the usage) and returns nothing; with
// --help prints the usage and exits 0.
std::optional<Options> parse_options(int argc, char** argv);

}  // namespace loadgen
