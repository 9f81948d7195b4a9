// A client connection as a meeting room sees it. The calls are thread-safe and keep their
// order: the room calls them from its strand, the connection runs them on its own.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace rt::net {

class MeetingRoom;

// One encoded server message, shared by all its receivers.
using Frame = std::shared_ptr<const std::string>;
// Messages handed over together, in order (the events of one commit).
using Frames = std::shared_ptr<const std::vector<Frame>>;

class Connection {
 public:
  virtual ~Connection() = default;
  // Queues one frame for the client.
  virtual void deliver(Frame frame) = 0;
  // Queues several, in order: one hand-over to the connection's strand instead of one each.
  virtual void deliver_all(Frames frames) = 0;
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
