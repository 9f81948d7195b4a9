// A co-editing run (issue 3's benchmark): N editors type into ONE hot field, an action item's
// notes. Each editor is a real OT client, the web client's state machine in C++ (one op in
// flight, later keystrokes composed into a buffer, committed ops of others transformed over
// both), over the server's own OT algebra (server/core/text_ot), so the generator costs
// microseconds per op where the node one (tests/load/text_ops.mjs) cost a core.
//
// Two modes. With --rate R > 0: R keystrokes/s in all on a fixed schedule, round-robin over
// the editors (latency at a known load). With --rate 0: every editor types its next keystroke
// the moment its previous op is committed, so each always has one op in flight (the most the
// field sustains with N editors). Measured: committed ops/s, send -> ack, send -> seen by each
// other editor and by all of them, keystroke -> seen by all; at the end every editor's text
// and the server's (read through a fresh join) must be the same.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client_messages.hpp"
#include "core/text_ot.hpp"
#include "json_scan.hpp"
#include "latency_samples.hpp"
#include "options.hpp"
#include "report.hpp"
#include "server_http.hpp"
#include "ws_client.hpp"

namespace loadgen {

class CoeditRun {
 public:
  CoeditRun(boost::asio::io_context& ioc, Options options, int server_pid);

  boost::asio::awaitable<void> run();
  const CoeditFigures& figures() const { return figures_; }

 private:
  struct Editor {
    std::unique_ptr<WsClient> ws;
    bool welcomed = false;
    bool closed = false;
    uint64_t last_seq = 0;  // the last event applied; an op is based on it
    std::u32string text;    // the notes as this editor sees them
    // The op awaiting its commit (index into sent_, or -1), transformed over others' ops
    // committed meanwhile, and later keystrokes composed into one op.
    int64_t inflight = -1;
    std::optional<rt::core::TextOp> inflight_op;
    std::optional<rt::core::TextOp> buffer;
    std::optional<Clock::time_point> first_unsent_keystroke;
    uint64_t random = 0;  // xorshift state: each editor types its own repeatable text
  };
  // One edit_text sent; its cid is "e<index>".
  struct SentOp {
    uint32_t editor = 0;
    Clock::time_point sent;
    Clock::time_point first_keystroke;
    uint32_t seen_by = 0;  // other editors that received its event
    bool acked = false;
  };

  boost::asio::awaitable<bool> set_up();
  boost::asio::awaitable<bool> open_editor(size_t index, JoinAs as);
  boost::asio::awaitable<void> type_at_rate();
  boost::asio::awaitable<void> type_flat_out();
  boost::asio::awaitable<bool> drained();
  boost::asio::awaitable<void> check_convergence();

  void keystroke(size_t index, Clock::time_point now);
  void send_op(size_t index, rt::core::TextOp op, Clock::time_point now);
  void on_frame(size_t index, std::string_view text, Clock::time_point received);
  void on_message(size_t index, std::string_view text, const MessageHead& head,
                  Clock::time_point received);
  void on_text_edited(size_t index, std::string_view text, const MessageHead& head,
                      Clock::time_point received);
  // The op of the text_edited event with `seq`, parsed once for all editors.
  const rt::core::TextOp& op_of(uint64_t seq, std::string_view text);
  int64_t sent_index(std::string_view cid) const;
  void fail(std::string why);

  boost::asio::io_context& ioc_;
  Options o_;
  int server_pid_;
  ServerAddress server_;
  MeetingTicket ticket_;
  std::string item_id_;
  std::vector<Editor> editors_;
  std::vector<SentOp> sent_;
  // Parsed ops of recent text_edited events: ops_[seq - ops_base_].
  std::deque<std::optional<rt::core::TextOp>> ops_;
  uint64_t ops_base_ = 0;
  bool typing_ = false;
  uint64_t keystrokes_ = 0, committed_while_typing_ = 0;
  LatencySamples ack_, seen_by_each_, seen_by_all_, keystroke_to_all_;
  std::vector<ScannedMessage> batch_parts_;
  CoeditFigures figures_;
};

}  // namespace loadgen
