#include "net/meeting_registry.hpp"

#include <atomic>

#include "core/event.hpp"
#include "core/replay.hpp"
#include "net/meeting_room.hpp"
#include "support/log.hpp"

namespace rt::net {

void MeetingRegistry::open(const std::string& meeting_id, OpenCallback cb) {
  {
    std::unique_lock lock(mutex_);
    if (auto it = rooms_.find(meeting_id); it != rooms_.end()) {
      auto room = it->second;
      lock.unlock();
      return cb(std::move(room), std::nullopt);
    }
    auto& waiting = loading_[meeting_id];
    waiting.push_back(std::move(cb));
    if (waiting.size() > 1) return;  // a load is already under way
    // Following before loading: a commit between the two is either in the load or published
    // (or both: the room skips what it has).
    ctx_->store.follow(meeting_id);
  }
  ctx_->store.load(meeting_id, [this, meeting_id](store::LoadedMeeting loaded) {
    if (loaded.status == store::StoreStatus::not_found) {
      return this->loaded(meeting_id, nullptr,
                          core::Rejection{"unknown_meeting", "there is no such meeting"});
    }
    if (loaded.status != store::StoreStatus::ok) {
      return this->loaded(meeting_id, nullptr,
                          core::Rejection{"unavailable", "the meeting store cannot be reached"});
    }
    try {
      core::Meeting state = core::replay(loaded.snapshot_state, loaded.events);
      std::vector<Frame> tail;
      for (const auto& e : loaded.events) {
        tail.push_back(std::make_shared<const std::string>(core::wire_form(e)));
      }
      auto room = std::make_shared<MeetingRoom>(*ctx_, std::move(state), std::move(tail));
      // Registered first: the other instances' answers to its presence ask must find it.
      this->loaded(meeting_id, room, std::nullopt);
      room->start();
    } catch (const std::exception& e) {
      log::error("meeting log unreadable", {{"meeting", meeting_id}, {"error", e.what()}});
      this->loaded(meeting_id, nullptr,
                   core::Rejection{"unavailable", "this meeting's stored data cannot be read"});
    }
  });
}

void MeetingRegistry::published(const std::string& meeting_id, std::string batch) {
  std::shared_ptr<MeetingRoom> room;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(meeting_id);
    if (it == rooms_.end()) return;  // still loading: the load has it or a later gap finds it
    room = it->second;
  }
  room->published(std::move(batch));
}

void MeetingRegistry::presence_heard(const std::string& meeting_id, std::string message) {
  std::shared_ptr<MeetingRoom> room;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(meeting_id);
    if (it == rooms_.end()) return;  // still loading: the room asks everyone once it starts
    room = it->second;
  }
  room->presence_heard(std::move(message));
}

std::vector<std::shared_ptr<MeetingRoom>> MeetingRegistry::live_rooms() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<MeetingRoom>> rooms;
  for (const auto& [id, room] : rooms_) rooms.push_back(room);
  return rooms;
}

void MeetingRegistry::catch_up() {
  for (const auto& room : live_rooms()) room->catch_up();
}

void MeetingRegistry::drain(std::function<void()> done) {
  auto rooms = live_rooms();
  if (rooms.empty()) return done();
  auto left = std::make_shared<std::atomic<size_t>>(rooms.size());
  auto finished = std::make_shared<std::function<void()>>(std::move(done));
  for (const auto& room : rooms) {
    room->drain([left, finished] {
      if (--*left == 0) (*finished)();
    });
  }
}

void MeetingRegistry::unload(const std::shared_ptr<MeetingRoom>& room) {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room->id());
  if (it == rooms_.end() || it->second != room) return;
  rooms_.erase(it);
  ctx_->store.unfollow(room->id());
  ctx_->metrics.meetings_live--;
  log::info("meeting unloaded", {{"meeting", room->id()}});
}

void MeetingRegistry::loaded(const std::string& meeting_id, std::shared_ptr<MeetingRoom> room,
                             std::optional<core::Rejection> rejection) {
  std::vector<OpenCallback> waiting;
  {
    std::lock_guard lock(mutex_);
    waiting = std::move(loading_[meeting_id]);
    loading_.erase(meeting_id);
    if (room) {
      rooms_[meeting_id] = room;
      ctx_->metrics.meetings_live++;
      log::info("meeting loaded", {{"meeting", meeting_id}});
    } else {
      ctx_->store.unfollow(meeting_id);  // nothing here listens
    }
  }
  for (auto& cb : waiting) cb(room, rejection);
}

}  // namespace rt::net
