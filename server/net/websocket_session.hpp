// One WebSocket client. Decodes each frame at the edge (core/codec), answers protocol
// errors itself, and passes join/resume/commands to the meeting room.
//
// Sending is one write in flight and a bounded queue of shared frames (an event is
// serialized once for all its receivers). A client that asked for batches gets what queued
// during a write in one `batch` message: one write, one syscall, however busy the meeting.
// A client that falls too far behind is told so and disconnected: it resumes from its last
// seq, and one slow client never slows a meeting.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/codec.hpp"
#include "core/rate_limit.hpp"
#include "net/connection.hpp"
#include "net/http_routes.hpp"
#include "net/websocket_stream.hpp"

namespace rt::net {

// A frame of 64 KiB holds any valid command many times over; more is abuse.
inline constexpr size_t kMaxFrameBytes = 64 * 1024;
// An idle connection's pending read holds a buffer of this size (read() says why).
inline constexpr size_t kReadPiece = 512;

class WebSocketSession : public Connection, public std::enable_shared_from_this<WebSocketSession> {
 public:
  // `client`: the peer's key for the per-address limits (client_key).
  WebSocketSession(ServerContext& ctx, WebSocketStream ws, std::string client);
  ~WebSocketSession() override;

  void run(HttpRequest upgrade);

  void deliver(Frame frame) override;
  void deliver_all(Frames frames, Frame as_batch) override;
  void attached(std::shared_ptr<MeetingRoom> room, std::string participant_id) override;
  void entry_refused() override;
  void shutting_down() override;
  void removed() override;

 private:
  enum class Stage { fresh, entering, joined };

  void read();
  void on_read(boost::beast::error_code ec);
  void handle(std::string_view text);
  void enter(core::JoinRequest join);
  void enter(core::ResumeRequest resume);
  void enter_room(const std::string& meeting_id, std::string cid,
                  std::function<void(std::shared_ptr<MeetingRoom>)> then);
  void reply_reject(const std::optional<std::string>& cid, const core::Rejection& r);
  // Queues and starts writing.
  void queue(Frame frame);
  // Queues without starting a write; false once the connection is closing.
  bool push(Frame frame);
  // Sends an `error` saying `why` after the frames being written (dropping the rest when
  // `drop_queued`), then closes with `code`.
  void close_after(const core::Rejection& why, bool drop_queued,
                   boost::beast::websocket::close_code code, const char* reason);
  void write_next();
  // Joins the first queued frames that fit kMaxBatchBytes into batch_; how many it took.
  size_t fill_batch();

  ServerContext& ctx_;
  // Held directly: the destructor may run while the io_context tears down after the
  // context object is gone; the metrics outlive the io_context (app/main.cpp).
  Metrics& metrics_;
  WebSocketStream ws_;
  std::string client_;
  boost::beast::flat_buffer buffer_;
  // Frames to be written, oldest first: the first in_write_ are in the write in flight, the rest
  // wait. A vector, not a deque: a deque allocates ~600 bytes up front, which 20,000 idle
  // connections would hold for nothing.
  std::vector<Frame> outbox_;
  size_t outbox_bytes_ = 0;  // of the frames that wait
  bool writing_ = false;
  size_t in_write_ = 0;   // frames at the front of outbox_ that the write in flight carries
  bool batches_ = false;  // the client asked for them at join or resume
  std::string batch_;     // the batch being written; its capacity is reused
  bool closing_ = false;  // no more frames are queued once set
  boost::beast::websocket::close_reason close_reason_;
  Stage stage_ = Stage::fresh;
  std::shared_ptr<MeetingRoom> room_;
  std::string participant_id_;
  core::TokenBucket commands_;  // ctx.commands_per_second, bursts of twice that
};

}  // namespace rt::net
