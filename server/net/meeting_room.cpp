#include "net/meeting_room.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "core/clock_duties.hpp"
#include "core/codec.hpp"
#include "core/commit_window.hpp"
#include "core/event.hpp"
#include "core/reducer.hpp"
#include "core/token.hpp"
#include "net/batch_frame.hpp"
#include "net/ids.hpp"
#include "net/meeting_registry.hpp"
#include "support/log.hpp"

namespace rt::net {
namespace asio = boost::asio;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

// Answers a command the room refused with its reject, and counts it.
void refuse(Metrics& metrics, Connection& conn, const std::string& cid, const core::Rejection& r) {
  metrics.commands_rejected.inc(r.code);
  conn.deliver(frame_of(core::encode_reject(cid, r)));
}

// What the log keeps of an event whose wire frame is `wire`: the same frame unless it is sealed.
Frame stored_frame(const core::Event& e, const Frame& wire) {
  return e.has_sealed_part() ? frame_of(core::to_stored(e)) : wire;
}

// The participants an event removes (participant_removed), added to `out`.
void note_removal(const core::Event& e, std::vector<std::string>& out) {
  if (e.kind == "participant_removed") out.push_back(e.data.at("participantId").get<std::string>());
}

// A fresh join code is one of 8.5 x 10^11: a taken one is drawn again a few times.
constexpr int kCodeAttempts = 3;

const core::Rejection kUnavailable{
    "unavailable", "the meeting store cannot be reached; nothing was applied, try again"};
// Sent when a commit was under way as Redis went away: it may or may not have landed.
const core::Rejection kOutcomeUnknown{
    "unavailable",
    "the meeting store went away during this change; resend it with the same cid, it will be "
    "applied at most once"};

}  // namespace

MeetingRoom::MeetingRoom(ServerContext& ctx, core::Meeting state, std::vector<Frame> tail)
    : ctx_(ctx),
      strand_(asio::make_strand(ctx.ioc)),
      id_(state.id),
      staged_(std::move(state)),
      snapshot_version_(staged_.committed().version - tail.size()),
      away_timer_(strand_),
      deadline_timer_(strand_),
      window_timer_(strand_),
      presence_timer_(strand_),
      presence_change_timer_(strand_),
      idle_timer_(strand_) {
  uint64_t seq = snapshot_version_;
  for (auto& f : tail) remember(++seq, std::move(f), nullptr);
  ctx_.metrics.meeting_rooms++;
}

MeetingRoom::~MeetingRoom() {
  ctx_.metrics.meeting_rooms--;
}

void MeetingRoom::start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->on_deadlines();
    self->say_presence(true);
    self->arm_presence_timer();
    self->arm_idle_timer();  // nobody may ever come: a join refused, a resume that failed
  });
}

void MeetingRoom::join(std::weak_ptr<Connection> conn, std::string cid, core::Join join) {
  enqueue({std::move(conn), "", std::move(cid), std::move(join)});
}

void MeetingRoom::submit(std::weak_ptr<Connection> conn, std::string participant_id,
                         std::string cid, core::Command command) {
  Pending p{std::move(conn), std::move(participant_id), std::move(cid), std::move(command)};
  if (std::holds_alternative<core::RotateJoinCode>(p.command)) {
    return asio::post(strand_, [self = shared_from_this(), p = std::move(p)]() mutable {
      self->claim_new_code(std::move(p), kCodeAttempts);
    });
  }
  enqueue(std::move(p));
}

void MeetingRoom::claim_new_code(Pending p, int attempts_left) {
  // Only a facilitator's draws a code: nobody else can fill Redis with claimed codes. The
  // reducer checks again when the command is decided.
  const core::Participant* self = state().find_participant(p.participant_id);
  if (!self || self->role != core::Role::facilitator) {
    return enqueue(std::move(p));  // decided, and refused, like any other command
  }
  std::string code = new_join_code();
  ++claims_in_flight_;  // the room stays until the claim is answered
  ctx_.store.claim_join_code(
      code, id_,
      [self = shared_from_this(), p = std::move(p), code,
       attempts_left](store::StoreStatus status) mutable {
        asio::post(self->strand_, [self, p = std::move(p), code = std::move(code), status,
                                   attempts_left]() mutable {
          --self->claims_in_flight_;
          if (status == store::StoreStatus::taken && attempts_left > 1) {
            return self->claim_new_code(std::move(p), attempts_left - 1);
          }
          if (status != store::StoreStatus::ok) return self->reject(p, kUnavailable);
          std::get<core::RotateJoinCode>(p.command).code = std::move(code);
          self->enqueue(std::move(p));
        });
      });
}

void MeetingRoom::enqueue(Pending p) {
  asio::post(strand_, [self = shared_from_this(), p = std::move(p)]() mutable {
    if (self->closed_) {
      // Only a join can come from nobody connected here (a rotation's code claim can outlive
      // its connection: that one has no one to answer).
      if (!std::holds_alternative<core::Join>(p.command) || p.conn.expired()) return;
      auto conn = p.conn;
      auto cid = p.cid;
      return self->reopen(std::move(conn), std::move(cid),
                          [p = std::move(p)](const std::shared_ptr<MeetingRoom>& room) mutable {
                            room->enqueue(std::move(p));
                          });
    }
    if (self->draining_) {
      // Not taken: the client resends it once it resumes on a server that is staying.
      if (auto conn = p.conn.lock()) conn->shutting_down();
      return;
    }
    self->arrivals_.arrived(std::chrono::steady_clock::now());
    self->queue_.push_back(std::move(p));
    self->pump();
  });
}

void MeetingRoom::drain(std::function<void()> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    if (self->closed_) return done();  // unloaded after the registry listed it: nothing here
    self->draining_ = true;
    self->drained_ = std::move(done);
    self->cancel_timers();  // the window's pump() would commit anyway: drains do not wait
    self->pump();           // finishes the drain once nothing is queued or in flight
  });
}

void MeetingRoom::cancel_timers() {
  for (auto* timer :
       {&idle_timer_, &away_timer_, &deadline_timer_, &presence_timer_, &window_timer_}) {
    timer->cancel();
  }
}

void MeetingRoom::finish_drain() {
  if (!draining_ || !drained_ || inflight_ || reloading_ || !queue_.empty()) return;
  for (const auto& s : subscribers_) {
    if (auto conn = s.conn.lock()) conn->shutting_down();
  }
  std::exchange(drained_, nullptr)();
}

void MeetingRoom::resume(std::weak_ptr<Connection> weak, std::string cid,
                         std::string participant_id, std::optional<uint64_t> last_seq) {
  asio::post(strand_, [self = shared_from_this(), weak = std::move(weak), cid = std::move(cid),
                       pid = std::move(participant_id), last_seq] {
    auto conn = weak.lock();
    if (!conn) return;
    if (self->closed_) {
      return self->reopen(weak, cid,
                          [weak, cid, pid, last_seq](const std::shared_ptr<MeetingRoom>& room) {
                            room->resume(weak, cid, pid, last_seq);
                          });
    }
    if (self->draining_) return conn->shutting_down();
    const core::Participant* p = self->state().find_participant(pid);
    if (!p || p->removed) {
      conn->deliver(frame_of(core::encode_reject(
          cid, p ? core::removed_rejection()
                 : core::Rejection{"bad_token",
                                   "this token's participant is not part of the meeting"})));
      conn->entry_refused();
      return;
    }
    // Replay from memory when every event after last_seq is still held there, and they fit
    // well within the connection's queue; otherwise a snapshot.
    uint64_t oldest = self->recent_.empty() ? self->state().version + 1 : self->recent_.front().seq;
    bool can_replay = last_seq && *last_seq <= self->state().version && *last_seq + 1 >= oldest;
    auto missed = std::make_shared<std::vector<Frame>>();
    size_t missed_bytes = 0;
    // Newest first, stopping at last_seq or as soon as the replay is over its bounds.
    for (auto it = self->recent_.rbegin(); can_replay && it != self->recent_.rend(); ++it) {
      if (it->seq <= *last_seq) break;
      missed->push_back(it->wire);
      missed_bytes += it->wire->size();
      can_replay = missed->size() <= kMaxReplayFrames && missed_bytes <= kMaxReplayBytes;
    }
    std::reverse(missed->begin(), missed->end());
    self->welcome(conn, cid, pid, can_replay ? last_seq : std::nullopt);
    if (can_replay && !missed->empty()) conn->deliver_all(std::move(missed), nullptr);
    self->subscribe(conn, pid);
  });
}

void MeetingRoom::leave(const Connection* conn, std::string participant_id) {
  asio::post(strand_, [self = shared_from_this(), conn, pid = std::move(participant_id)] {
    self->unsubscribe(conn);
  });
}

void MeetingRoom::focus(std::weak_ptr<Connection> weak, std::string participant_id,
                        core::FocusRequest focus) {
  asio::post(strand_, [self = shared_from_this(), weak = std::move(weak),
                       pid = std::move(participant_id), focus = std::move(focus)]() mutable {
    auto conn = weak.lock();
    if (!conn) return;
    if (auto r = core::check_focus(self->state(), pid, focus)) {
      refuse(self->ctx_.metrics, *conn, focus.cid, *r);
      return;
    }
    conn->deliver(frame_of(core::encode_ack(focus.cid, self->state().version)));
    Frame editing = frame_of(core::encode_editing(pid, focus));
    if (focus.field) {
      self->editing_[pid] = std::move(focus);
    } else {
      self->editing_.erase(pid);
    }
    self->broadcast(editing, conn.get());
  });
}

void MeetingRoom::published(std::string batch) {
  asio::post(strand_, [self = shared_from_this(), batch = std::move(batch)]() mutable {
    if (self->closed_) return;  // the next room loads it from the log
    self->published_.push_back(std::move(batch));
    self->take_published();
  });
}

void MeetingRoom::catch_up() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->closed_) return;
    self->needs_reload_ = true;
    if (!self->inflight_ && !self->reloading_) self->reload_then_pump();
    self->say_presence(true);  // the others' lists may have been missed too
  });
}

void MeetingRoom::take_published() {
  if (inflight_ || reloading_) return;
  std::vector<std::string> back_here;  // recorded once the batches are in: that commits
  uint64_t first_seq = state().version + 1;
  std::vector<Frame> taken;
  std::vector<Frame> taken_stored;
  std::vector<std::string> removed;
  for (const auto& batch : std::exchange(published_, {})) {
    if (needs_reload_) break;  // behind already: the reload reads them from the log
    auto events = nlohmann::json::parse(batch, nullptr, false);
    if (!events.is_array()) {
      log::error("unreadable published batch", {{"meeting", id_}});
      needs_reload_ = true;
      break;
    }
    for (const auto& j : events) {
      uint64_t seq = j.is_object() ? j.value("seq", uint64_t{0}) : 0;
      if (seq != 0 && seq <= state().version) continue;  // ours, or already read from the log
      try {
        // A gap (a message lost while the subscription was down) is filled from the log.
        if (seq != state().version + 1) throw std::logic_error("gap in the published events");
        core::Event e = core::event_from_json(j);
        staged_.apply_committed(e);
        taken.push_back(frame_of(core::to_json(e).dump()));
        taken_stored.push_back(stored_frame(e, taken.back()));
        note_removal(e, removed);
        // Gone from another instance, but connected to this one: not gone.
        if (e.kind == "participant_left") {
          auto pid = e.data.at("participantId").get<std::string>();
          if (connections_of_.count(pid)) back_here.push_back(std::move(pid));
        }
      } catch (const std::exception& ex) {
        log::warn("reading the log after a published batch",
                  {{"meeting", id_}, {"reason", ex.what()}});
        needs_reload_ = true;
        break;
      }
    }
  }
  fan_out(first_seq, std::move(taken), std::move(taken_stored), removed);
  if (needs_reload_) {
    published_.clear();  // the reload reads them from the log
    return reload_then_pump();
  }
  for (const auto& pid : back_here) record_presence(pid, true, 0);
  arm_deadline_timer(now_ms());
}

void MeetingRoom::pump() {
  if (closed_) return;  // a timer's handler already queued when the room closed
  if (inflight_ || reloading_ || queue_.empty()) return finish_drain();
  if (!ctx_.store.available()) return reject_queued();
  if (needs_reload_) return reload_then_pump();
  auto now_steady = std::chrono::steady_clock::now();
  auto window = core::commit_window(subscribers_.size(), ctx_.commit_window_per_connection);
  auto window_ends = last_commit_started_ + window;
  // A drain does not wait: the process is going.
  if (!draining_ && arrivals_.busy(window) && now_steady < window_ends) {
    return wait_for_window(window_ends);
  }

  Inflight batch{{}, {}, {}, {}, now_steady};
  core::Meeting& draft = staged_.draft();
  int64_t now = now_ms();
  for (size_t n = 0; n < kMaxBatch && !queue_.empty(); ++n) {
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    auto decision = core::decide(draft, p.participant_id, p.cid, p.command, now);
    if (auto* rejection = std::get_if<core::Rejection>(&decision)) {
      reject(p, *rejection);
    } else if (auto* dup = std::get_if<core::Duplicate>(&decision)) {
      batch.outcomes.push_back({std::move(p), dup->seq});
    } else {
      for (auto& e : std::get<core::Accepted>(decision).events) {
        core::apply(draft, e);
        Frame wire = frame_of(core::to_json(e).dump());
        batch.stored.push_back(stored_frame(e, wire));
        batch.wire.push_back(std::move(wire));
        batch.events.push_back(std::move(e));
      }
      batch.outcomes.push_back({std::move(p), draft.version});
    }
  }
  if (batch.wire.empty()) {
    // Only duplicates (or nothing): their events are already committed.
    complete(batch.outcomes);
    return pump();
  }
  last_commit_started_ = now_steady;
  inflight_ = std::move(batch);
  ctx_.store.commit(id_, state().version, inflight_->stored,
                    [self = shared_from_this()](store::CommitResult r) {
                      asio::post(self->strand_, [self, r] { self->on_committed(r); });
                    });
}

void MeetingRoom::wait_for_window(std::chrono::steady_clock::time_point ends) {
  if (window_timer_armed_) return;
  window_timer_armed_ = true;
  window_timer_.expires_at(ends);
  window_timer_.async_wait([weak = weak_from_this()](boost::system::error_code) {
    auto self = weak.lock();
    if (!self) return;
    self->window_timer_armed_ = false;
    self->pump();
  });
}

void MeetingRoom::on_committed(store::CommitResult result) {
  Inflight batch = std::move(*inflight_);
  inflight_.reset();
  auto elapsed = std::chrono::steady_clock::now() - batch.started;
  ctx_.metrics.commit_seconds.observe(std::chrono::duration<double>(elapsed).count());

  switch (result.status) {
    case store::StoreStatus::ok: {
      uint64_t first_seq = state().version + 1;
      std::string code_before = state().join_code;
      staged_.commit(batch.events);
      if (state().join_code != code_before) ctx_.store.release_join_code(code_before);
      ctx_.metrics.commits++;
      ctx_.metrics.events_committed += batch.wire.size();
      std::vector<std::string> removed;
      for (const auto& e : batch.events) note_removal(e, removed);
      fan_out(first_seq, std::move(batch.wire), std::move(batch.stored), removed);
      complete(batch.outcomes);
      maybe_snapshot();
      arm_deadline_timer(now_ms());
      take_published();
      break;
    }
    case store::StoreStatus::conflict:
      // Another writer moved the log: catch up, then decide the same commands again.
      staged_.abandon();
      ctx_.metrics.commit_conflicts++;
      log::warn("commit conflict", {{"meeting", id_},
                                    {"expected", std::to_string(state().version)},
                                    {"found", std::to_string(result.version)}});
      for (auto it = batch.outcomes.rbegin(); it != batch.outcomes.rend(); ++it) {
        queue_.push_front(std::move(it->pending));
      }
      if (result.version < state().version) return restore_log(result.version);
      needs_reload_ = true;
      break;
    default:
      staged_.abandon();
      for (const auto& o : batch.outcomes) reject(o.pending, kOutcomeUnknown);
      needs_reload_ = true;
  }
  pump();
}

void MeetingRoom::restore_log(uint64_t found) {
  if (found == 0) return refuse_lost(found, "the meeting is gone from Redis");
  std::vector<Frame> lost;
  const Remembered* at_found = nullptr;
  for (const auto& r : recent_) {
    if (r.seq == found) at_found = &r;
    if (r.seq > found && r.stored) lost.push_back(r.stored);
  }
  if (!at_found || lost.size() != state().version - found) {
    return refuse_lost(found, "the lost events are no longer all in memory");
  }
  reloading_ = true;  // nothing else commits until the events are back, or cannot be
  // The log's last event must be the one this room has there, or Redis took other events
  // (another instance's, after the failover) and the two histories have split.
  Frame wire_at_found = at_found->wire;
  ctx_.store.read_log_after(
      id_, found - 1,
      [self = shared_from_this(), found, lost = std::move(lost), wire_at_found](
          store::StoreStatus status, std::vector<std::string> events) mutable {
        asio::post(self->strand_, [self, found, lost = std::move(lost), wire_at_found, status,
                                   events = std::move(events)]() mutable {
          if (status != store::StoreStatus::ok) {
            self->reloading_ = false;
            self->needs_reload_ = true;
            return self->reject_queued();  // Redis went away again: later commands retry
          }
          if (events.size() != 1 || core::wire_form(events[0]) != *wire_at_found) {
            self->reloading_ = false;
            return self->refuse_lost(found, "Redis holds other events at those seqs");
          }
          size_t count = lost.size();
          self->ctx_.store.commit(
              self->id_, found, std::move(lost), [self, found, count](store::CommitResult r) {
                asio::post(self->strand_, [self, found, count, r] {
                  self->reloading_ = false;
                  if (r.status == store::StoreStatus::conflict) {
                    self->needs_reload_ = true;  // someone wrote meanwhile: look again
                    return self->pump();
                  }
                  if (r.status != store::StoreStatus::ok) {
                    // Maybe written, maybe not: the next commit finds out.
                    self->needs_reload_ = true;
                    return self->reject_queued();
                  }
                  log::warn("redis had lost acknowledged events; written back from memory",
                            {{"meeting", self->id_},
                             {"from", std::to_string(found + 1)},
                             {"events", std::to_string(count)}});
                  self->take_published();
                  self->pump();
                });
              });
        });
      });
}

void MeetingRoom::refuse_lost(uint64_t found, const char* why) {
  log::error("redis lost acknowledged events of this meeting; its commands are refused",
             {{"meeting", id_},
              {"redis_version", std::to_string(found)},
              {"acked_version", std::to_string(state().version)},
              {"reason", why}});
  reject_queued();
}

void MeetingRoom::reload_then_pump() {
  reloading_ = true;
  // The events after ours, not a snapshot and its tail: every missed event must reach the
  // clients, also those inside a snapshot another instance took meanwhile.
  ctx_.store.read_log_after(
      id_, state().version,
      [self = shared_from_this()](store::StoreStatus status, std::vector<std::string> events) {
        asio::post(self->strand_, [self, status, events = std::move(events)] {
          self->reloading_ = false;
          if (status == store::StoreStatus::ok) {
            try {
              // Events this process never saw (a commit that landed although its reply was
              // lost, or another instance's): folded, then everyone here gets them, in order.
              core::Meeting fresh = self->state();
              std::vector<Frame> missed;
              std::vector<Frame> missed_stored;
              std::vector<std::string> removed;
              for (auto& stored : events) {
                core::Event e = core::event_from_json(nlohmann::json::parse(stored));
                core::apply(fresh, e);
                note_removal(e, removed);
                missed.push_back(frame_of(core::wire_form(stored)));
                missed_stored.push_back(frame_of(std::move(stored)));
              }
              self->fan_out(self->state().version + 1, std::move(missed), std::move(missed_stored),
                            removed);
              self->staged_.replace(std::move(fresh));
              self->needs_reload_ = false;
              self->arm_deadline_timer(now_ms());
              self->take_published();
            } catch (const std::exception& e) {
              log::error("meeting log unreadable", {{"meeting", self->id_}, {"error", e.what()}});
            }
          }
          // Still behind: answer what waits rather than let it hang; later commands retry.
          if (self->needs_reload_) return self->reject_queued();
          self->pump();
        });
      });
}

void MeetingRoom::complete(std::vector<Outcome>& outcomes) {
  for (auto& o : outcomes) {
    auto conn = o.pending.conn.lock();
    ctx_.metrics.commands_accepted++;
    if (!conn) continue;
    if (std::holds_alternative<core::Join>(o.pending.command)) {
      // The participant id derives from the seq of its participant_joined event.
      std::string pid = "p" + std::to_string(o.seq);
      welcome(conn, o.pending.cid, pid, std::nullopt);
      subscribe(conn, pid);
    } else {
      conn->deliver(frame_of(core::encode_ack(o.pending.cid, o.seq)));
    }
  }
}

void MeetingRoom::reject_queued() {
  while (!queue_.empty()) {
    reject(queue_.front(), kUnavailable);
    queue_.pop_front();
  }
  finish_drain();
}

void MeetingRoom::reject(const Pending& p, const core::Rejection& r) {
  if (p.from_server) {
    // A clock duty already done by someone else (another instance, a facilitator) is fine;
    // anything else is retried by on_deadlines while the deadline stays unmet. A presence
    // record Redis could not take is lost: the minutes then show a visit as longer.
    log::debug("server duty not applied", {{"meeting", id_}, {"duty", p.cid}, {"code", r.code}});
    return;
  }
  auto conn = p.conn.lock();
  if (!conn) {  // gone meanwhile: still a refused command
    ctx_.metrics.commands_rejected.inc(r.code);
    return;
  }
  refuse(ctx_.metrics, *conn, p.cid, r);
  if (std::holds_alternative<core::Join>(p.command)) conn->entry_refused();
}

void MeetingRoom::welcome(const std::shared_ptr<Connection>& conn, const std::string& cid,
                          const std::string& participant_id, std::optional<uint64_t> resume_from) {
  const core::Participant* p = state().find_participant(participant_id);
  int64_t now = now_ms();
  core::TokenClaims claims{id_, participant_id, p->role, now + core::kMemberTokenLifetimeMs};
  nlohmann::json j = {
      {"type", "welcome"},
      {"v", core::kProtocolVersion},
      {"cid", cid},
      {"serverTime", now},
      {"version", state().version},
      {"you", {{"participantId", participant_id}, {"role", core::name_of(p->role)}}},
      {"token", core::sign_token(claims, ctx_.secret)}};
  if (resume_from) {
    j["resumeFrom"] = *resume_from;
  } else {
    j["meeting"] = core::public_snapshot(
        state(),
        [&](const std::string& id) {
          return id == participant_id || connections_of_.count(id) > 0 || elsewhere_.online(id);
        },
        participant_id);
    nlohmann::json editing = nlohmann::json::array();
    for (const auto& [pid, focus] : editing_) editing.push_back(core::editing_json(pid, focus));
    j["meeting"]["editing"] = std::move(editing);
  }
  conn->attached(shared_from_this(), participant_id);
  conn->deliver(frame_of(j.dump()));
}

void MeetingRoom::subscribe(const std::shared_ptr<Connection>& conn,
                            const std::string& participant_id) {
  subscribers_.push_back({conn, conn.get(), participant_id});
  if (++connections_of_[participant_id] == 1) {
    presence_changed();
    arm_presence_timer();
    if (!elsewhere_.online(participant_id)) {
      broadcast(frame_of(core::encode_presence(participant_id, true)), conn.get());
    }
    // Back soon enough, nothing to record; back after being logged as gone, a return.
    const core::Participant* p = state().find_participant(participant_id);
    if (!gone_since_.erase(participant_id) && p && p->away) {
      record_presence(participant_id, true, 0);
    }
  }
}

void MeetingRoom::record_presence(const std::string& participant_id, bool online, int64_t since) {
  // Not once the meeting has ended: the reducer would refuse it, and the minutes are final.
  // Not while the server stops: everyone is leaving at once, which is not leaving.
  if (state().phase == core::Phase::ended || draining_) return;
  std::string cid = "presence:" + std::to_string(++presence_records_);
  queue_.push_back(
      {{}, "", std::move(cid), core::MarkPresence{participant_id, online, since}, true});
  pump();
}

void MeetingRoom::on_away_timer() {
  if (closed_) return;
  int64_t now = now_ms();
  auto away_ms = static_cast<int64_t>(ctx_.away_after.count());
  for (auto it = gone_since_.begin(); it != gone_since_.end();) {
    if (it->second + away_ms > now) {
      ++it;
      continue;
    }
    // Still connected to another instance: went on there, not gone.
    if (!elsewhere_.online(it->first)) record_presence(it->first, false, it->second);
    it = gone_since_.erase(it);
  }
  arm_away_timer();
}

void MeetingRoom::arm_away_timer() {
  if (gone_since_.empty()) return;
  int64_t first = gone_since_.begin()->second;
  for (const auto& [pid, since] : gone_since_) first = std::min(first, since);
  auto due = first + static_cast<int64_t>(ctx_.away_after.count());
  away_timer_.expires_after(std::chrono::milliseconds(std::max<int64_t>(0, due - now_ms())));
  away_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;  // cancelled: re-armed or shutting down
    if (auto self = weak.lock()) self->on_away_timer();
  });
}

void MeetingRoom::unsubscribe(const Connection* conn) {
  for (auto it = subscribers_.begin(); it != subscribers_.end(); ++it) {
    if (it->key != conn) continue;
    std::string pid = std::move(it->participant_id);
    subscribers_.erase(it);
    if (subscribers_.empty()) arm_idle_timer();
    if (--connections_of_[pid] == 0) {
      connections_of_.erase(pid);
      presence_changed();
      // Offline first, then no longer editing: the order clients have always seen.
      if (!elsewhere_.online(pid)) broadcast(frame_of(core::encode_presence(pid, false)));
      if (editing_.erase(pid)) broadcast(frame_of(core::encode_editing(pid, core::FocusRequest{})));
      // Even when another instance lists them: it may be losing them at this moment too, and
      // the away timer asks again when their time is up.
      gone_since_[pid] = now_ms();
      arm_away_timer();
    }
    return;
  }
}

void MeetingRoom::presence_changed() {
  if (presence_change_armed_) return;
  presence_change_armed_ = true;
  presence_change_timer_.expires_after(std::chrono::milliseconds(core::kPresenceCoalesceMs));
  presence_change_timer_.async_wait([weak = weak_from_this()](boost::system::error_code) {
    auto self = weak.lock();
    if (!self || self->closed_) return;
    self->presence_change_armed_ = false;
    self->say_presence(false);
  });
}

void MeetingRoom::say_presence(bool ask) {
  nlohmann::json online = nlohmann::json::array();
  for (const auto& [pid, connections] : connections_of_) online.push_back(pid);
  said_someone_ = !online.empty();
  nlohmann::json message = {
      {"instance", ctx_.instance_id}, {"online", std::move(online)}, {"ask", ask}};
  ctx_.store.publish_presence(id_, message.dump());
}

void MeetingRoom::presence_heard(std::string message) {
  asio::post(strand_, [self = shared_from_this(), message = std::move(message)] {
    if (self->closed_) return;
    auto j = nlohmann::json::parse(message, nullptr, false);
    auto instance = j.is_object() ? j.find("instance") : j.end();
    auto listed = j.is_object() ? j.find("online") : j.end();
    if (instance == j.end() || !instance->is_string() || listed == j.end() || !listed->is_array()) {
      return log::warn("unreadable presence message", {{"meeting", self->id_}});
    }
    if (*instance == self->ctx_.instance_id) return;  // our own, back from Redis
    std::vector<std::string> online;
    for (const auto& pid : *listed) {
      if (pid.is_string()) online.push_back(pid.get<std::string>());
    }
    for (const auto& pid : self->elsewhere_.heard(instance->get<std::string>(), online, now_ms())) {
      if (self->connections_of_.count(pid)) continue;  // here too: shown online all along
      self->broadcast(frame_of(core::encode_presence(pid, self->elsewhere_.online(pid))));
    }
    // Anything but true is no ask (json::value would throw on a wrong type).
    if (auto ask = j.find("ask"); ask != j.end() && *ask == true) self->say_presence(false);
    self->arm_presence_timer();
  });
}

void MeetingRoom::arm_presence_timer() {
  if (presence_timer_armed_ || draining_) return;
  presence_timer_armed_ = true;
  presence_timer_.expires_after(std::chrono::milliseconds(core::kPresenceHeartbeatMs));
  presence_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;  // cancelled: shutting down
    if (auto self = weak.lock()) {
      self->presence_timer_armed_ = false;
      self->on_presence_timer();
    }
  });
}

void MeetingRoom::on_presence_timer() {
  if (closed_) return;
  if (said_someone_ || !connections_of_.empty()) say_presence(false);
  int64_t now = now_ms();
  for (const auto& [pid, last_heard] : elsewhere_.expire(now)) {
    if (connections_of_.count(pid)) continue;
    broadcast(frame_of(core::encode_presence(pid, false)));
    // Their instance went silent (killed, cut off): nobody else will log them as having left.
    if (state().find_participant(pid)) gone_since_.emplace(pid, last_heard);
  }
  arm_away_timer();
  // A meeting nobody is in, here or elsewhere, needs no heartbeat until someone comes.
  if (!connections_of_.empty() || !elsewhere_.empty() || said_someone_) arm_presence_timer();
}

void MeetingRoom::broadcast(const Frame& frame, const Connection* except) {
  for (const auto& s : subscribers_) {
    if (s.key == except) continue;
    // An expired connection has called leave() on its way out; its entry goes then.
    if (auto conn = s.conn.lock()) conn->deliver(frame);
  }
}

void MeetingRoom::fan_out(uint64_t first_seq, std::vector<Frame> events, std::vector<Frame> stored,
                          const std::vector<std::string>& removed) {
  if (events.empty()) return;
  for (size_t i = 0; i < events.size(); ++i) remember(first_seq + i, events[i], stored.at(i));
  Frame as_batch;
  if (const BatchExtent extent = batch_extent(events);
      extent.count > 1 && extent.count == events.size()) {
    std::string joined;
    join_batch(joined, events, extent);
    as_batch = frame_of(std::move(joined));
  }
  auto shared = std::make_shared<const std::vector<Frame>>(std::move(events));
  for (const auto& s : subscribers_) {
    auto conn = s.conn.lock();
    if (!conn) continue;
    conn->deliver_all(shared, as_batch);
    // After the events, so the removed see their removal before the close.
    if (std::find(removed.begin(), removed.end(), s.participant_id) != removed.end()) {
      conn->removed();
    }
  }
}

void MeetingRoom::remember(uint64_t seq, Frame wire, Frame stored) {
  logged_since_snapshot_ += wire->size();
  recent_.push_back({seq, std::move(wire), std::move(stored)});
  if (recent_.size() > kRecentEvents) recent_.pop_front();
}

void MeetingRoom::maybe_snapshot() {
  if (state().version - snapshot_version_ < kSnapshotEvery) return;
  if (logged_since_snapshot_ < snapshot_bytes_) return;
  std::string snapshot = core::state_to_json(state()).dump();
  snapshot_version_ = state().version;
  snapshot_bytes_ = snapshot.size();
  logged_since_snapshot_ = 0;
  ctx_.store.save_snapshot(id_, state().version, std::move(snapshot));
}

namespace {
// While a due duty waits for Redis, try again this often.
constexpr std::chrono::milliseconds kDeadlineRetry{1000};
}  // namespace

void MeetingRoom::on_deadlines() {
  if (draining_ || closed_) return;  // the instance that stays (or this one restarted) takes it
  auto queued = [&](const std::string& cid) {
    auto is_it = [&](const Pending& p) { return p.from_server && p.cid == cid; };
    if (std::any_of(queue_.begin(), queue_.end(), is_it)) return true;
    return inflight_ && std::any_of(inflight_->outcomes.begin(), inflight_->outcomes.end(),
                                    [&](const Outcome& o) { return is_it(o.pending); });
  };
  // One reading of the clock for both: a deadline not due now is waited for, never retried.
  int64_t now = now_ms();
  for (auto& duty : core::due_duties(state(), now)) {
    std::string cid = "clock:" + duty.key;
    if (queued(cid)) continue;
    queue_.push_back({{}, "", std::move(cid), std::move(duty.command), true});
  }
  pump();
  arm_deadline_timer(now);
}

void MeetingRoom::arm_deadline_timer(int64_t now) {
  std::optional<int64_t> next = core::next_duty_at(state());
  if (!next) {
    deadline_timer_.cancel();
    return;
  }
  // A deadline already passed means its duty is queued or in flight: look again a little later.
  auto delay = *next > now ? std::chrono::milliseconds(*next - now) : kDeadlineRetry;
  deadline_timer_.expires_after(delay);
  deadline_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;  // cancelled: re-armed or shutting down
    if (auto self = weak.lock()) self->on_deadlines();
  });
}

bool MeetingRoom::idle() const {
  // elsewhere_: while another instance has people here, this one logs them as having left if
  // that instance dies.
  return subscribers_.empty() && queue_.empty() && !inflight_ && !reloading_ &&
         published_.empty() && gone_since_.empty() && elsewhere_.empty() &&
         !presence_change_armed_ && !draining_ && claims_in_flight_ == 0 &&
         !core::next_duty_at(state());
}

void MeetingRoom::arm_idle_timer() {
  if (idle_timer_armed_ || closed_ || draining_ || ctx_.unload_after.count() == 0) return;
  idle_timer_armed_ = true;
  idle_timer_.expires_after(ctx_.unload_after);
  idle_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec || self->closed_) return;  // cancelled: draining
    self->idle_timer_armed_ = false;
    if (!self->subscribers_.empty()) return;  // armed again when the last one leaves
    if (!self->idle()) return self->arm_idle_timer();
    self->close_if_stored();
  });
}

void MeetingRoom::close_if_stored() {
  // Memory may hold acked events Redis lost (a failover before replication): the room goes
  // only once the log holds its last event, or it would take them along.
  uint64_t version = state().version;
  ctx_.store.read_log_after(
      id_, version - 1,
      [weak = weak_from_this(), version](store::StoreStatus status,
                                         std::vector<std::string> events) {
        auto self = weak.lock();
        if (!self) return;
        bool stored = status == store::StoreStatus::ok;
        bool behind = events.empty();
        asio::post(self->strand_, [self, version, stored, behind] {
          if (self->closed_) return;
          if (!self->idle() || self->state().version != version || !stored || behind) {
            if (stored && behind) {
              log::warn("meeting log behind memory: kept loaded until a commit writes it back",
                        {{"meeting", self->id_}, {"version", std::to_string(version)}});
            }
            return self->arm_idle_timer();
          }
          self->closed_ = true;
          self->cancel_timers();  // idle(): no presence change is waiting to be said
          self->ctx_.registry.unload(self);
        });
      });
}

void MeetingRoom::reopen(std::weak_ptr<Connection> conn, std::string cid,
                         std::function<void(const std::shared_ptr<MeetingRoom>&)> then) {
  ctx_.registry.open(
      id_, [&ctx = ctx_, conn = std::move(conn), cid = std::move(cid), then = std::move(then)](
               std::shared_ptr<MeetingRoom> room, std::optional<core::Rejection> rejection) {
        if (room) return then(room);
        if (auto c = conn.lock()) {
          refuse(ctx.metrics, *c, cid, *rejection);
          c->entry_refused();
        }
      });
}

}  // namespace rt::net
