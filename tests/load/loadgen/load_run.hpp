// One run of the load generator: it creates the meetings, joins the clients, offers the
// command load on a fixed schedule and accounts for everything that comes back.
//
// All clients live in this process on one I/O thread, so a send time and a receipt time
// are read from the same steady clock: the latency of a delivery is receipt at one client
// minus send at another, with no clock offset to estimate. The price is that the generator
// shares the machine with the server; `loadgen_cpu_s` and `send_lag_max_ms` in the report
// say whether it kept up.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json_scan.hpp"
#include "latency_samples.hpp"
#include "options.hpp"
#include "report.hpp"
#include "server_http.hpp"
#include "ws_client.hpp"

namespace loadgen {

class LoadRun {
 public:
  LoadRun(boost::asio::io_context& ioc, Options options, int server_pid);

  // The whole run; figures() is complete when it returns (with `error` set if it failed).
  boost::asio::awaitable<void> run();
  const Figures& figures() const { return figures_; }

 private:
  enum class State { idle, connecting, joining, joined, resuming, failed, closed };
  struct Member {
    uint32_t meeting = 0;
    State state = State::idle;
    std::unique_ptr<WsClient> ws;
    std::string participant_id;  // from welcome
    std::string setup_cid;       // the add_item that creates the member's own item
    std::string item_id;         // that item, which the load then updates
    bool item_acked = false;
    uint64_t last_seq = 0;  // the last event seq applied, checked for gaps and repeats
    bool slow = false;      // stops reading during the load (--slow-share)
    std::string token;      // from welcome: a slow client resumes with it
  };
  struct Meeting {
    MeetingTicket ticket;
    std::vector<uint32_t> members;
    uint64_t top_seq = 0;  // the highest seq anyone saw for it (welcome, ack or event)
    uint32_t items = 0;    // items it holds or will once our adds land (limit 1,000)
  };
  // One command of the load; its cid is "b<index>", so an event or ack finds it directly.
  struct Send {
    Clock::time_point at;
    uint32_t member = 0;
    bool answered = false;
    // Its event's first and last receipt at the other clients, once seen.
    bool seen = false;
    Clock::time_point first_seen, last_seen;
  };

  boost::asio::awaitable<bool> create_meetings_and_members();
  boost::asio::awaitable<bool> connect(uint32_t begin, uint32_t end);
  boost::asio::awaitable<void> open_member(uint32_t index);
  // A slow client, cut off by the server: a new connection resuming from its last seq.
  boost::asio::awaitable<void> resume_member(uint32_t index);
  void start_reading(uint32_t index);
  boost::asio::awaitable<bool> add_own_items();
  boost::asio::awaitable<void> offer_load();
  boost::asio::awaitable<void> sample_rss();

  // One WebSocket message: a server message, or a batch of them.
  void on_frame(uint32_t index, std::string_view text, Clock::time_point received);
  void on_message(uint32_t index, std::string_view text, const MessageHead& head,
                  Clock::time_point received);
  void on_closed(uint32_t index, boost::beast::error_code ec);
  void on_event(Member& m, uint32_t index, std::string_view text, uint64_t seq,
                std::string_view cid, std::string_view actor, Clock::time_point received);
  void send_command(uint64_t k, Clock::time_point now);
  // The load's send index of a cid "b<index>", or -1.
  int64_t send_index(std::string_view cid) const;
  // Every joined client has applied every event of its meeting seen so far.
  bool settled() const;
  uint64_t missing_at_end() const;
  std::optional<int64_t> server_rss() const;
  void fail(std::string why);

  boost::asio::io_context& ioc_;
  Options o_;
  int server_pid_;
  ServerAddress server_;
  std::vector<Meeting> meetings_;
  std::vector<Member> members_;
  std::vector<Send> sends_;
  std::vector<uint32_t> senders_;  // the clients that send the load (not the slow ones)
  int joining_ = 0;                // connections between connect and welcome
  bool sampling_ = false;

  LatencySamples delivery_, ack_;
  uint64_t answered_ = 0;
  uint64_t setup_rejections_ = 0;  // own items the server refused to add
  uint64_t gaps_ = 0;
  Clock::time_point load_start_, last_ack_at_, last_delivery_at_;
  Figures figures_;
  std::vector<ScannedMessage> batch_parts_;         // reused by on_frame
  std::vector<std::unique_ptr<WsClient>> retired_;  // slow clients' first connections
};

}  // namespace loadgen
