// The meeting log in Redis, and the only code that knows Redis key names.
//
// Keys of meeting M share the hash tag {m:M}, so one meeting lives in one Redis Cluster
// slot and every script touches a single slot:
//   {m:M}:ver    string  seq of the last committed event (the version)
//   {m:M}:log    stream  one entry per event, id "<seq>-0", field "e" = the event JSON
//   {m:M}:snap   hash    version, state: the state folded up to that version
//   {m:M}:events channel the JSON array of each commit's events (for other instances)
//   {m:M}:presence channel each instance's list of connected participants (not stored)
//   rt:code:<C>  string  meeting id of join code C
//   rt:secret    string  the token-signing secret shared by all instances
//
// A commit is one Lua script, so it is atomic: check the expected version, append the
// events, bump the version, publish. Either all of a batch is in the log or none of it.
// Callbacks run on the Redis client's strand.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/redis_nodes.hpp"

namespace rt::store {

enum class StoreStatus { ok, conflict, not_found, taken, unavailable };

struct CommitResult {
  StoreStatus status = StoreStatus::unavailable;
  uint64_t version = 0;  // the version after the commit, or the current one on conflict
};

struct LoadedMeeting {
  StoreStatus status = StoreStatus::unavailable;
  std::string snapshot_state;       // empty when no snapshot was taken yet
  std::vector<std::string> events;  // every event after the snapshot, in seq order
};

class MeetingStore {
 public:
  using Events = std::vector<std::shared_ptr<const std::string>>;
  // A batch of events another instance (or this one) committed: the JSON array of their
  // stored forms, as the commit script published it.
  using PublishedHandler = std::function<void(const std::string& meeting_id, std::string batch)>;

  explicit MeetingStore(std::shared_ptr<RedisNodes> redis);

  // Where the followed meetings' commits, and the other instances' presence messages, go;
  // before the Redis nodes start.
  void on_published(PublishedHandler events, PublishedHandler presence);
  // Starts or stops receiving a meeting's commits and presence (its channels only: no pattern
  // subscription).
  void follow(const std::string& meeting_id);
  void unfollow(const std::string& meeting_id);

  bool available() const { return redis_->connected(); }

  // Claims the join code, then commits the first events (meeting_created, and what a
  // meeting of a series inherits) at version 0.
  // taken: the code or the id is already used (the caller draws new ones).
  void create_meeting(const std::string& meeting_id, const std::string& join_code,
                      Events first_events, std::function<void(StoreStatus)> done);
  // Points the join code at the meeting unless it is taken (by any meeting).
  void claim_join_code(const std::string& join_code, const std::string& meeting_id,
                       std::function<void(StoreStatus)> done);
  // Forgets a join code the meeting no longer uses (best effort: a left-over one is refused
  // by the meeting anyway).
  void release_join_code(const std::string& join_code);
  void find_meeting_by_code(const std::string& join_code,
                            std::function<void(StoreStatus, std::string meeting_id)> done);
  void commit(const std::string& meeting_id, uint64_t expected_version, const Events& events,
              std::function<void(CommitResult)> done);
  void load(const std::string& meeting_id, std::function<void(LoadedMeeting)> done);
  // The whole log, from seq 1 (the minutes read it all).
  void read_log(const std::string& meeting_id,
                std::function<void(StoreStatus, std::vector<std::string> events)> done);
  // The events after seq `after`: what a live meeting missed (each must reach its clients,
  // so a snapshot taken meanwhile, by another instance, is no substitute).
  void read_log_after(const std::string& meeting_id, uint64_t after,
                      std::function<void(StoreStatus, std::vector<std::string> events)> done);
  // Best effort: a lost snapshot only makes the next load read more of the log.
  void save_snapshot(const std::string& meeting_id, uint64_t version, std::string state);
  // The secret already stored, or `candidate` if there was none (first instance wins).
  void ensure_secret(const std::string& candidate,
                     std::function<void(std::optional<std::string>)> done);
  void ping(std::function<void(bool ok, std::string reason)> done);
  // Tells the instances following the meeting (best effort: presence is not kept).
  void publish_presence(const std::string& meeting_id, std::string message);

 private:
  std::shared_ptr<RedisNodes> redis_;
};

}  // namespace rt::store
