// One live meeting: an actor on its own strand that holds the materialized state, turns
// commands into events through the core reducer, commits them to Redis, and fans them out.
//
// Unloading: with nobody connected here, the room looks every ctx.unload_after whether it has
// anything left to do (a queued or in-flight commit, a deadline, a presence record, people on
// another instance); once it has not and Redis' log holds its last event, it closes and
// leaves the registry, and its memory goes with the last reference. A join or resume that
// reaches it closed is handed to the room the registry loads next.
//
// Group commit: while one commit is in flight, new commands queue; the next commit takes
// all of them at once, decided against a draft of the state. A command is acked only after
// the commit that holds its events returned, and the state moves only then: a failed commit
// changes nothing in memory.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/codec.hpp"
#include "core/command.hpp"
#include "core/commit_window.hpp"
#include "core/instance_presence.hpp"
#include "core/meeting.hpp"
#include "core/rejection.hpp"
#include "core/staged_meeting.hpp"
#include "net/connection.hpp"
#include "net/server_context.hpp"

namespace rt::net {

// Events kept in memory for resume; a client further behind gets a fresh snapshot.
inline constexpr size_t kRecentEvents = 1024;
// Commands in one group commit: bounds one Lua script's run time (Redis is single-threaded).
inline constexpr size_t kMaxBatch = 256;
// A snapshot at most every this many events, and only once the events since the last one are
// about its size: a load reads at most about two snapshots' worth, however long the meeting,
// and a big meeting (500 people: ~200 KB) does not rewrite its whole state every 200 events.
inline constexpr uint64_t kSnapshotEvery = 200;

class MeetingRoom : public std::enable_shared_from_this<MeetingRoom> {
 public:
  // `tail` are the events after the loaded snapshot, already folded into `state`.
  MeetingRoom(ServerContext& ctx, core::Meeting state, std::vector<Frame> tail);
  ~MeetingRoom();
  MeetingRoom(const MeetingRoom&) = delete;
  MeetingRoom& operator=(const MeetingRoom&) = delete;

  const std::string& id() const { return id_; }

  // Starts the room's own clock (vote and partner-update deadlines); once, after construction.
  void start();

  // All thread-safe: they post onto the room's strand.
  void join(std::weak_ptr<Connection> conn, std::string cid, core::Join join);
  void resume(std::weak_ptr<Connection> conn, std::string cid, std::string participant_id,
              std::optional<uint64_t> last_seq);
  void submit(std::weak_ptr<Connection> conn, std::string participant_id, std::string cid,
              core::Command command);
  void leave(const Connection* conn, std::string participant_id);
  void focus(std::weak_ptr<Connection> conn, std::string participant_id, core::FocusRequest focus);
  // A batch of events committed to this meeting's log, published by whichever instance
  // committed it (this one's own come back too and are skipped).
  void published(std::string batch);
  // Another instance's list of who is connected to it (core::InstancePresence).
  void presence_heard(std::string message);
  // Reads the log for anything this process may have missed (the subscription was down).
  void catch_up();
  // For a graceful stop: takes no new command, commits (and acks) what is queued and in
  // flight, then tells every connection the server is going (shutting_down). `done` runs
  // once, on the room's strand. Commands that arrive meanwhile are not taken: their clients
  // resend them after they resume elsewhere (at most once, by cid).
  void drain(std::function<void()> done);

 private:
  struct Pending {
    std::weak_ptr<Connection> conn;
    std::string participant_id;  // empty for a join
    std::string cid;
    core::Command command;
    // The server's own: a duty of its clock (core/clock_duties.hpp) or a presence record.
    bool from_server = false;
  };
  struct Outcome {
    Pending pending;
    uint64_t seq;  // last event of the command (or of its first application)
  };
  struct Inflight {
    std::vector<core::Event> events;  // decided on staged_.draft(), in order
    std::vector<Frame> stored;        // what the log keeps (core::to_stored)
    std::vector<Frame> wire;          // what clients receive; the same frame unless sealed
    std::vector<Outcome> outcomes;
    std::chrono::steady_clock::time_point started;
  };
  struct Subscriber {
    std::weak_ptr<Connection> conn;
    const Connection* key;
    std::string participant_id;
  };

  const core::Meeting& state() const { return staged_.committed(); }
  void enqueue(Pending p);
  // Draws a join code and claims it in Redis, then queues the rotation with it.
  void claim_new_code(Pending p, int attempts_left);
  void pump();
  // Pumps again when the commit window (core/commit_window.hpp) ends; once however often asked.
  void wait_for_window(std::chrono::steady_clock::time_point ends);
  void on_committed(store::CommitResult result);
  void reload_then_pump();
  void complete(std::vector<Outcome>& outcomes);
  void reject(const Pending& p, const core::Rejection& r);
  // Redis cannot take them: every queued command gets `unavailable` (nothing applied).
  void reject_queued();
  void welcome(const std::shared_ptr<Connection>& conn, const std::string& cid,
               const std::string& participant_id, std::optional<uint64_t> resume_from);
  void subscribe(const std::shared_ptr<Connection>& conn, const std::string& participant_id);
  // Logs that a participant left (gone since `since`) or came back, for the minutes.
  void record_presence(const std::string& participant_id, bool online, int64_t since);
  // Logs as having left those gone for ctx_.away_after, and waits for the next one.
  void on_away_timer();
  void arm_away_timer();
  void unsubscribe(const Connection* conn);
  // Tells the other instances who is connected here; `ask`: and asks them to say theirs.
  void say_presence(bool ask);
  // Who is connected here changed: says the list once core::kPresenceCoalesceMs has passed,
  // with every change made meanwhile.
  void presence_changed();
  // Every kPresenceHeartbeatMs while anyone is connected here or elsewhere: says the list
  // again, and forgets silent instances (their participants are gone from then on, and
  // logged as having left if they stay away).
  void on_presence_timer();
  void arm_presence_timer();  // unless armed
  void broadcast(const Frame& frame, const Connection* except = nullptr);
  // Keeps the events (seqs first_seq, first_seq + 1, ...) for resume and hands them to
  // every connection at once; then closes the connections of the participants they removed.
  void fan_out(uint64_t first_seq, std::vector<Frame> events, std::vector<Frame> stored,
               const std::vector<std::string>& removed);
  void remember(uint64_t seq, Frame wire, Frame stored);
  // A commit found Redis' log at `found`, behind what this room committed and acked (a Redis
  // Cluster failover lost writes not yet replicated, or an older backup was restored): writes
  // the lost events back from memory, with their seqs, unless Redis holds others there. A
  // split is caught only while Redis is behind: a log that already grew past this room's
  // version on another history is read as events this room missed.
  void restore_log(uint64_t found);
  // Cannot restore: refuses what waits (unavailable). Each later command tries again, one
  // commit each, so the meeting goes on once Redis has its events back (another instance
  // restored them) and never spins.
  void refuse_lost(uint64_t found, const char* why);
  void maybe_snapshot();
  // Applies the published batches that wait, in seq order, unless a commit or a reload is
  // under way: its outcome decides which of them are this process' own.
  void take_published();
  // Submits the clock duties that are due, and sets the timer for the next deadline.
  void on_deadlines();
  void arm_deadline_timer(int64_t now);
  // When draining and nothing is queued or in flight: the connections go, `drained_` runs.
  void finish_drain();
  // The room's clock and checks, for a drain or a close; not the presence-change timer, whose
  // list is still to be said.
  void cancel_timers();
  // Nobody connected here, nothing queued, in flight or due later: the room can go.
  bool idle() const;
  // While nobody is connected here: looks every ctx_.unload_after, and closes once idle().
  void arm_idle_timer();
  // Closes and leaves the registry if still idle once Redis' log is seen to hold the room's
  // last event; otherwise looks again later.
  void close_if_stored();
  // A join or resume that found the room closed goes to the meeting's next room.
  void reopen(std::weak_ptr<Connection> conn, std::string cid,
              std::function<void(const std::shared_ptr<MeetingRoom>&)> then);

  ServerContext& ctx_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  std::string id_;
  core::StagedMeeting staged_;
  struct Remembered {
    uint64_t seq;
    Frame wire;
    Frame stored;  // what the log keeps; null for the events loaded with the room
  };
  std::deque<Remembered> recent_;  // the last kRecentEvents events

  std::deque<Pending> queue_;
  std::vector<std::string> published_;  // batches from the meeting's channel, not yet taken
  std::optional<Inflight> inflight_;
  bool reloading_ = false;
  // After a commit whose outcome is unknown (Redis went away mid-commit), memory may lag
  // Redis: reload before the next commit.
  bool needs_reload_ = false;
  uint64_t snapshot_version_ = 0;
  size_t snapshot_bytes_ = 0;         // of the last snapshot this room stored; 0 before one
  size_t logged_since_snapshot_ = 0;  // bytes of the events after snapshot_version_ (wire size)
  std::vector<Subscriber> subscribers_;
  std::unordered_map<std::string, int> connections_of_;  // participant -> open connections
  // Participants whose last connection closed, and when: not logged as having left until
  // they stay away for ctx_.away_after (a closed lid or a network blip is not leaving).
  std::unordered_map<std::string, int64_t> gone_since_;
  uint64_t presence_records_ = 0;  // numbers the cids of presence records
  boost::asio::steady_timer away_timer_;
  bool draining_ = false;
  std::function<void()> drained_;
  std::unordered_map<std::string, core::FocusRequest> editing_;  // participant -> what they edit
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer window_timer_;
  bool window_timer_armed_ = false;
  std::chrono::steady_clock::time_point last_commit_started_{};
  core::CommandArrivals arrivals_;    // of clients' commands: whether a window merges any
  core::InstancePresence elsewhere_;  // who is connected to the other instances
  bool said_someone_ = false;         // the last list said here was not empty
  boost::asio::steady_timer presence_timer_;
  bool presence_timer_armed_ = false;
  boost::asio::steady_timer presence_change_timer_;
  bool presence_change_armed_ = false;
  boost::asio::steady_timer idle_timer_;
  bool idle_timer_armed_ = false;
  bool closed_ = false;       // unloaded: what still arrives goes to the next room, or nowhere
  int claims_in_flight_ = 0;  // join codes being claimed for a rotation
};

}  // namespace rt::net
