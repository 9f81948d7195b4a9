// The meetings live in this process, by id. A meeting is loaded from Redis (snapshot and
// the tail of its log) the first time a connection asks for it; connections that ask while
// it loads wait for the same load. From then on the process follows the meeting's channel,
// so what other instances commit reaches this one's clients too, until the room unloads
// itself (MeetingRoom, --unload-after) and the process stops following it.
//
// Following and unfollowing happen under the registry's lock, so that Redis is asked in the
// order the rooms came and went (an unfollow sent after the next load's follow would leave
// that room deaf to the other instances).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/rejection.hpp"

namespace rt::net {

class MeetingRoom;
struct ServerContext;

class MeetingRegistry {
 public:
  // Exactly one of room or rejection is set. Called on any thread.
  using OpenCallback =
      std::function<void(std::shared_ptr<MeetingRoom>, std::optional<core::Rejection>)>;

  void bind(ServerContext& ctx) { ctx_ = &ctx; }
  void open(const std::string& meeting_id, OpenCallback cb);
  // A batch of events committed to a meeting's log (store::MeetingStore::on_published).
  void published(const std::string& meeting_id, std::string batch);
  // Another instance's list of who is connected to it (MeetingRoom::presence_heard).
  void presence_heard(const std::string& meeting_id, std::string message);
  // Every live meeting reads its log for what it may have missed.
  void catch_up();
  // Every live meeting finishes its commits and sends its connections away
  // (MeetingRoom::drain); `done` runs once all have, on some room's strand.
  void drain(std::function<void()> done);
  // The room found itself idle and closed: the next open() loads the meeting again.
  void unload(const std::shared_ptr<MeetingRoom>& room);

 private:
  // The rooms loaded now, copied out of the lock so that calling them cannot deadlock.
  std::vector<std::shared_ptr<MeetingRoom>> live_rooms();
  void loaded(const std::string& meeting_id, std::shared_ptr<MeetingRoom> room,
              std::optional<core::Rejection> rejection);

  ServerContext* ctx_ = nullptr;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<MeetingRoom>> rooms_;
  std::unordered_map<std::string, std::vector<OpenCallback>> loading_;
};

}  // namespace rt::net
