// A client connection as a meeting room sees it. The calls are thread-safe and keep their
// order: the room calls them from its strand, the connection runs them on its own.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rt::net {

class MeetingRoom;

// A connection's send queue bounds (frames, bytes waiting behind the write in flight): about a
// minute of a busy meeting. Past them the client is a slow consumer and is cut off (compare
// Redis' client-output-buffer-limit); a frame larger than them (a big meeting's snapshot)
// still goes when nothing waits.
inline constexpr size_t kMaxQueuedFrames = 1024;
inline constexpr size_t kMaxQueuedBytes = 4 * 1024 * 1024;
// A resume replays at most this much of the missed events; more, and it gets a snapshot: a
// replay filling the queue would cut the client off again at every resume.
inline constexpr size_t kMaxReplayFrames = kMaxQueuedFrames / 2;
inline constexpr size_t kMaxReplayBytes = kMaxQueuedBytes / 2;

// One encoded server message, shared by all its receivers.
using Frame = std::shared_ptr<const std::string>;
inline Frame frame_of(std::string message) {
  return std::make_shared<const std::string>(std::move(message));
}
// Messages handed over together, in order (the events of one commit).
using Frames = std::shared_ptr<const std::vector<Frame>>;

class Connection {
 public:
  virtual ~Connection() = default;
  // Queues one frame for the client.
  virtual void deliver(Frame frame) = 0;
  // Queues several, in order: one hand-over to the connection's strand instead of one each.
  // `as_batch`, when not null, is the same messages joined as one `batch` (net/batch_frame).
  virtual void deliver_all(Frames frames, Frame as_batch) = 0;
  // The connection now speaks for this participant in this room.
  virtual void attached(std::shared_ptr<MeetingRoom> room, std::string participant_id) = 0;
  // Its join or resume was refused (the reject frame is delivered too): it may try again.
  virtual void entry_refused() = 0;
  // The server is going away: after what is queued, an `error` shutting_down, then the close.
  // The client reconnects (to this server restarted, or another) and resumes.
  virtual void shutting_down() = 0;
  // Its participant was removed from the meeting: after what is queued, an `error` removed,
  // then the close. The client must not come back (its token no longer works).
  virtual void removed() = 0;
};

}  // namespace rt::net
