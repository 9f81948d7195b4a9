// A vote-close run (issue 4's benchmark): one meeting of N voters, the facilitator one of
// them. Each round the facilitator opens a consent vote, every voter casts a ballot at a
// random moment within one second, everyone catches up, and the facilitator closes it;
// measured: from sending close_vote to the final tally having reached each screen, and
// the ballots' ack latency.
//
// All voters live in this process on one I/O thread and one clock, as in LoadRun. A screen
// here only reads the frame's head (json_scan), where a browser parses it whole on a core
// of its own: the figures are the server's delivery plus this process reading 500 frames
// one after another, an upper bound on what any one screen sees.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json_scan.hpp"
#include "latency_samples.hpp"
#include "options.hpp"
#include "report.hpp"
#include "ws_client.hpp"

namespace loadgen {

class VoteRun {
 public:
  VoteRun(boost::asio::io_context& ioc, Options options, int server_pid);

  boost::asio::awaitable<void> run();
  const VoteFigures& figures() const { return figures_; }

 private:
  struct Voter {
    std::unique_ptr<WsClient> ws;
    bool closed = false;
    uint64_t last_seq = 0;
    std::optional<Clock::time_point> close_seen;  // this round's vote_closed
  };
  // A command (or join) awaiting its ack or reject (or welcome), by its cid, unique across
  // voters.
  struct Answer {
    Clock::time_point sent;
    Clock::time_point done_at;
    bool done = false;
    bool acked = false;
    uint64_t seq = 0;
  };

  boost::asio::awaitable<bool> join_all();
  boost::asio::awaitable<bool> vote_round(int round);
  // Sends `json` (which carries "cid":"<cid>") from voter `index` and tracks its answer.
  void request(size_t index, const std::string& cid, std::string json);
  // Waits until `cid` is answered; false (run failed) on a reject or the deadline.
  boost::asio::awaitable<bool> answered(const std::string& cid, Clock::duration within);
  // Waits until every voter has applied every event up to `seq`.
  boost::asio::awaitable<bool> caught_up(uint64_t seq, Clock::duration within);

  void on_frame(size_t index, std::string_view text, Clock::time_point received);
  void on_message(size_t index, std::string_view text, const MessageHead& head,
                  Clock::time_point received);
  void fail(std::string why);

  boost::asio::io_context& ioc_;
  Options o_;
  int server_pid_;
  ServerAddress server_;
  std::vector<Voter> voters_;
  std::map<std::string, Answer, std::less<>> answers_;
  bool closing_ = false;
  // CPU seconds from each close to its last screen, summed over the rounds.
  double close_server_cpu_s_ = 0, close_own_cpu_s_ = 0;
  bool server_cpu_known_ = true;
  LatencySamples every_screen_, one_screen_, ballot_ack_;
  std::vector<ScannedMessage> batch_parts_;  // reused by on_frame
  VoteFigures figures_;
};

}  // namespace loadgen
