#include "net/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "core/reducer.hpp"
#include "core/token.hpp"
#include "net/batch_frame.hpp"
#include "net/meeting_registry.hpp"
#include "net/meeting_room.hpp"
#include "support/log.hpp"

namespace rt::net {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

WebSocketSession::WebSocketSession(ServerContext& ctx, WebSocketStream ws, std::string client)
    : ctx_(ctx),
      metrics_(ctx.metrics),
      ws_(std::move(ws)),
      client_(std::move(client)),
      commands_(ctx.commands_per_second, 2 * ctx.commands_per_second) {
  metrics_.connections++;
}

WebSocketSession::~WebSocketSession() {
  metrics_.connections--;
}

void WebSocketSession::run(HttpRequest upgrade) {
  // Handshake within 30 s; an idle peer is pinged and dropped if it stops answering.
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "roundtable"); }));
  ws_.read_message_max(kMaxFrameBytes);
  // One frame per message: Beast would otherwise cut every message over 4 KiB into frames of
  // 4 KiB, a syscall each (a closed vote's outcome is ~30 KiB sent to 500 people).
  ws_.auto_fragment(false);
  asio::dispatch(ws_.get_executor(), [self = shared_from_this(), req = std::move(upgrade)] {
    self->ws_.async_accept(req, [self](beast::error_code ec) {
      if (!ec) self->read();
    });
  });
}

void WebSocketSession::read() {
  // A piece at a time: a whole-message read prepares Beast's read size hint (1.5 KiB) up front,
  // which every idle connection would hold while it waits.
  ws_.async_read_some(
      buffer_, kReadPiece,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
}

void WebSocketSession::on_read(beast::error_code ec) {
  if (ec) {
    // Closed, reset, timed out or over the frame limit (Beast closes with 1009 then).
    if (ec != websocket::error::closed && ec != asio::error::operation_aborted) {
      log::debug("websocket read ended", {{"error", ec.message()}});
    }
    closing_ = true;
    if (room_) room_->leave(this, participant_id_);
    return;
  }
  if (!ws_.is_message_done()) return read();  // read_message_max still bounds the whole
  if (!ws_.got_text()) {
    reply_reject(std::nullopt, {"bad_message", "binary frames are not accepted; send JSON text"});
  } else {
    auto data = buffer_.cdata();
    handle(std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > kReadPiece * 8) buffer_.shrink_to_fit();  // after a large message
  read();
}

void WebSocketSession::handle(std::string_view text) {
  core::Decoded decoded = core::decode_client_message(text);
  if (!commands_.take(now_ms())) {
    return reply_reject(decoded.cid, {"rate_limited", "too many messages; slow down and resend"});
  }
  if (auto* r = std::get_if<core::Rejection>(&decoded.result)) return reply_reject(decoded.cid, *r);
  auto& message = std::get<core::ClientMessage>(decoded.result);
  if (auto* clock = std::get_if<core::ClockRequest>(&message)) {
    return queue(frame_of(core::encode_clock(*clock, now_ms())));
  }
  if (auto* cmd = std::get_if<core::CommandRequest>(&message)) {
    if (stage_ != Stage::joined) {
      return reply_reject(cmd->cid, {"not_joined", "send join or resume and wait for welcome"});
    }
    room_->submit(weak_from_this(), participant_id_, std::move(cmd->cid), std::move(cmd->command));
    return;
  }
  if (auto* focus = std::get_if<core::FocusRequest>(&message)) {
    if (stage_ != Stage::joined) {
      return reply_reject(focus->cid, {"not_joined", "send join or resume and wait for welcome"});
    }
    room_->focus(weak_from_this(), participant_id_, std::move(*focus));
    return;
  }
  if (stage_ != Stage::fresh) {
    const std::string& cid = std::holds_alternative<core::JoinRequest>(message)
                                 ? std::get<core::JoinRequest>(message).cid
                                 : std::get<core::ResumeRequest>(message).cid;
    return reply_reject(cid, {"already_joined", "this connection has already joined"});
  }
  stage_ = Stage::entering;
  std::visit(
      [this](auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, core::JoinRequest> ||
                      std::is_same_v<M, core::ResumeRequest>) {
          enter(std::move(m));
        }
      },
      message);
}

void WebSocketSession::enter(core::JoinRequest join) {
  batches_ = join.batch;
  if (join.facilitator_token) {
    auto verified = core::verify_token(*join.facilitator_token, ctx_.secret, now_ms());
    if (auto* r = std::get_if<core::Rejection>(&verified)) {
      stage_ = Stage::fresh;
      return reply_reject(join.cid, *r);
    }
    auto& claims = std::get<core::TokenClaims>(verified);
    if (claims.role != core::Role::facilitator || !claims.participant_id.empty()) {
      stage_ = Stage::fresh;
      return reply_reject(join.cid, {"bad_token", "this is not a facilitator token"});
    }
    join.join.role = core::Role::facilitator;
    std::string cid = join.cid;
    return enter_room(claims.meeting_id, std::move(cid),
                      [self = shared_from_this(), join = std::move(join)](auto room) mutable {
                        room->join(self, std::move(join.cid), std::move(join.join));
                      });
  }
  // Asked before the lookup: past the limit, a right code and a wrong one look the same.
  if (!ctx_.limits.may_try_code(client_, now_ms())) {
    stage_ = Stage::fresh;
    metrics_.client_limit_refusals.inc("wrong_codes_per_minute");
    return reply_reject(join.cid, {"rate_limited",
                                   "too many wrong join codes from this address; wait a minute "
                                   "and check the code with the facilitator"});
  }
  join.join.code = join.code;     // the room refuses a code the facilitator has replaced
  std::string code = *join.code;  // read before `join` moves into the callback
  ctx_.store.find_meeting_by_code(
      code, [self = shared_from_this(), join = std::move(join)](store::StoreStatus status,
                                                                std::string meeting_id) mutable {
        asio::post(self->ws_.get_executor(), [self, status, meeting_id = std::move(meeting_id),
                                              join = std::move(join)]() mutable {
          if (status != store::StoreStatus::ok) {
            self->stage_ = Stage::fresh;
            if (status == store::StoreStatus::not_found) {
              self->ctx_.limits.wrong_code(self->client_, now_ms());
            }
            return self->reply_reject(
                join.cid, status == store::StoreStatus::not_found
                              ? core::Rejection{"bad_code", "no meeting has this join code"}
                              : core::Rejection{"unavailable",
                                                "the meeting store cannot be "
                                                "reached; try again"});
          }
          std::string cid = join.cid;
          self->enter_room(meeting_id, std::move(cid),
                           [self, join = std::move(join)](auto room) mutable {
                             room->join(self, std::move(join.cid), std::move(join.join));
                           });
        });
      });
}

void WebSocketSession::enter(core::ResumeRequest resume) {
  batches_ = resume.batch;
  auto verified = core::verify_token(resume.token, ctx_.secret, now_ms());
  if (auto* r = std::get_if<core::Rejection>(&verified)) {
    stage_ = Stage::fresh;
    return reply_reject(resume.cid, *r);
  }
  auto& claims = std::get<core::TokenClaims>(verified);
  if (claims.participant_id.empty()) {
    stage_ = Stage::fresh;
    return reply_reject(resume.cid, {"bad_token",
                                     "resume needs a member token, not a "
                                     "facilitator token; join with it instead"});
  }
  std::string cid = resume.cid;
  enter_room(claims.meeting_id, std::move(cid),
             [self = shared_from_this(), resume = std::move(resume),
              pid = claims.participant_id](auto room) mutable {
               room->resume(self, std::move(resume.cid), std::move(pid), resume.last_seq);
             });
}

void WebSocketSession::enter_room(const std::string& meeting_id, std::string cid,
                                  std::function<void(std::shared_ptr<MeetingRoom>)> then) {
  ctx_.registry.open(meeting_id,
                     [self = shared_from_this(), cid = std::move(cid), then = std::move(then)](
                         std::shared_ptr<MeetingRoom> room, std::optional<core::Rejection> r) {
                       if (room) return then(std::move(room));
                       asio::post(self->ws_.get_executor(), [self, cid, r = *r] {
                         self->stage_ = Stage::fresh;
                         self->reply_reject(cid, r);
                       });
                     });
}

void WebSocketSession::reply_reject(const std::optional<std::string>& cid,
                                    const core::Rejection& r) {
  ctx_.metrics.commands_rejected.inc(r.code);
  queue(frame_of(core::encode_reject(cid, r)));
}

void WebSocketSession::deliver(Frame frame) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
    self->queue(std::move(frame));
  });
}

void WebSocketSession::deliver_all(Frames frames, Frame as_batch) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), frames = std::move(frames),
                                  as_batch = std::move(as_batch)] {
    // Nothing queued: the batch the room joined is exactly what this client would be sent.
    if (as_batch && self->batches_ && self->outbox_.empty()) {
      if (self->push(as_batch)) self->write_next();
      return;
    }
    for (const auto& frame : *frames) {
      if (!self->push(frame)) break;
    }
    if (!self->writing_) self->write_next();
  });
}

void WebSocketSession::attached(std::shared_ptr<MeetingRoom> room, std::string participant_id) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), room = std::move(room),
                                  pid = std::move(participant_id)]() mutable {
    self->room_ = std::move(room);
    self->participant_id_ = std::move(pid);
    self->stage_ = Stage::joined;
    // The connection may have closed while the join was committed: leave at once.
    if (self->closing_) self->room_->leave(self.get(), self->participant_id_);
  });
}

void WebSocketSession::shutting_down() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->close_after({"shutting_down", "the server is restarting; reconnect and resume"}, false,
                      websocket::close_code::going_away, "server restarting");
  });
}

void WebSocketSession::removed() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->close_after(core::removed_rejection(), false, websocket::close_code::policy_error,
                      "removed from the meeting");
  });
}

void WebSocketSession::close_after(const core::Rejection& why, bool drop_queued,
                                   websocket::close_code code, const char* reason) {
  if (closing_) return;
  Frame last = frame_of(core::encode_error(why.code, why.message));
  if (drop_queued) {
    outbox_.resize(in_write_);
    outbox_bytes_ = 0;
  }
  outbox_bytes_ += last->size();
  outbox_.push_back(std::move(last));
  close_reason_ = websocket::close_reason(code, reason);
  closing_ = true;
  if (!writing_) write_next();
}

void WebSocketSession::entry_refused() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->stage_ == Stage::entering) self->stage_ = Stage::fresh;
  });
}

void WebSocketSession::queue(Frame frame) {
  if (push(std::move(frame)) && !writing_) write_next();
}

bool WebSocketSession::push(Frame frame) {
  if (closing_) return false;
  // The bounds are on what waits behind the write in flight: a frame larger than them (a big
  // meeting's snapshot) goes when nothing waits, and what follows it waits its turn.
  const size_t waiting = outbox_.size() - in_write_;
  if (waiting > 0 &&
      (waiting >= kMaxQueuedFrames || outbox_bytes_ + frame->size() > kMaxQueuedBytes)) {
    ctx_.metrics.slow_consumer_disconnects++;
    log::info("slow consumer disconnected", {{"participant", participant_id_}});
    // Drop what it could not take; tell it why, then close. It resumes from its last seq.
    close_after({"slow_consumer", "this connection fell too far behind; reconnect and resume"},
                true, websocket::close_code::policy_error, "slow consumer");
    return false;
  }
  outbox_bytes_ += frame->size();
  outbox_.push_back(std::move(frame));
  return true;
}

size_t WebSocketSession::fill_batch() {
  const BatchExtent extent = batch_extent(outbox_);
  if (extent.count > 1) join_batch(batch_, outbox_, extent);
  return extent.count;
}

void WebSocketSession::write_next() {
  if (outbox_.empty()) {
    // A burst's batch and queue may have been large; an idle connection should not keep them.
    if (batch_.capacity() > 4096) std::string().swap(batch_);
    if (outbox_.capacity() > 64) std::vector<Frame>().swap(outbox_);
    if (closing_ && ws_.is_open()) {
      ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) {});
    }
    return;
  }
  writing_ = true;
  in_write_ = batches_ ? fill_batch() : 1;
  for (size_t i = 0; i < in_write_; ++i) outbox_bytes_ -= outbox_[i]->size();
  ws_.text(true);
  const std::string& text = in_write_ > 1 ? batch_ : *outbox_.front();
  ws_.async_write(asio::buffer(text), [self = shared_from_this()](beast::error_code ec, size_t) {
    self->writing_ = false;
    if (ec) {
      self->in_write_ = 0;  // the connection is gone; on_read ends the session
      return;
    }
    auto& outbox = self->outbox_;
    outbox.erase(outbox.begin(), outbox.begin() + static_cast<std::ptrdiff_t>(self->in_write_));
    self->in_write_ = 0;
    self->write_next();
  });
}

}  // namespace rt::net
