// A client connection as a meeting room sees it. The calls are thread-safe and keep their
// order: the room calls them from its strand, the connection runs them on its own.
#pragma once

#include <memory>
#include <string>

namespace rt::net {

class MeetingRoom;

class Connection {
 public:
  virtual ~Connection() = default;
  // Queues one frame for the client.
  virtual void deliver(std::shared_ptr<const std::string> frame) = 0;
  // The connection now speaks for this participant in this room.
  virtual void attached(std::shared_ptr<MeetingRoom> room, std::string participant_id) = 0;
  // Its join or resume was refused (the reject frame is delivered too): it may try again.
  virtual void entry_refused() = 0;
  // The server is going away: after what is queued, an `error` shutting_down, then the close.
  // The client reconnects (to this server restarted, or another) and resumes.
  virtual void shutting_down() = 0;
};

}  // namespace rt::net
