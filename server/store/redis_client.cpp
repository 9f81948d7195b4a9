#include "store/redis_client.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include "support/log.hpp"

namespace rt::store {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Reconnect quickly after a blip, but do not hammer a Redis that is down.
constexpr auto kFirstBackoff = 100ms;
constexpr auto kMaxBackoff = 2000ms;
// The channel a sharded subscriber keeps (see redis_client.hpp); nothing is published on it.
const std::string kShardAnchor = "rt:shard-anchor";

RedisReply copy_reply(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy_reply(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::nil;
  }
  return out;
}

}  // namespace

// The event-loop side of one hiredis context: waits for the socket to become readable or
// writable and tells hiredis. It lives as long as a wait is pending (shared_ptr in each
// handler) or the context exists (the pointer in ac->ev.data), whichever is longer, so a
// handler never touches a freed context: cleanup clears `ac` first.
struct RedisClient::Watcher : std::enable_shared_from_this<Watcher> {
  Watcher(asio::strand<asio::io_context::executor_type> strand, redisAsyncContext* context)
      : descriptor(strand, context->c.fd), ac(context) {}

  void arm(bool read) {
    bool& waiting = read ? read_waiting : write_waiting;
    if (waiting || !ac) return;
    waiting = true;
    auto type =
        read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write;
    descriptor.async_wait(type, [self = shared_from_this(), read](boost::system::error_code ec) {
      (read ? self->read_waiting : self->write_waiting) = false;
      bool wanted = read ? self->want_read : self->want_write;
      if (ec || !self->ac || !wanted) return;
      if (read) {
        redisAsyncHandleRead(self->ac);
      } else {
        redisAsyncHandleWrite(self->ac);
      }
      // hiredis may have freed the context inside the call (cleanup cleared ac).
      if (self->ac && (read ? self->want_read : self->want_write)) self->arm(read);
    });
  }

  static Watcher& of(void* privdata) { return **static_cast<std::shared_ptr<Watcher>*>(privdata); }
  static void add_read(void* p) { of(p).want_read = true, of(p).arm(true); }
  static void del_read(void* p) { of(p).want_read = false; }
  static void add_write(void* p) { of(p).want_write = true, of(p).arm(false); }
  static void del_write(void* p) { of(p).want_write = false; }
  static void cleanup(void* p) {
    auto* holder = static_cast<std::shared_ptr<Watcher>*>(p);
    Watcher& w = **holder;
    w.ac = nullptr;
    w.want_read = w.want_write = false;
    // hiredis owns and closes the fd; release() cancels our waits without closing it.
    w.descriptor.release();
    delete holder;
  }

  static void attach(asio::strand<asio::io_context::executor_type> strand, redisAsyncContext* ac) {
    auto* holder = new std::shared_ptr<Watcher>(std::make_shared<Watcher>(strand, ac));
    ac->ev.data = holder;
    ac->ev.addRead = add_read;
    ac->ev.delRead = del_read;
    ac->ev.addWrite = add_write;
    ac->ev.delWrite = del_write;
    ac->ev.cleanup = cleanup;
  }

  asio::posix::stream_descriptor descriptor;
  redisAsyncContext* ac;
  bool want_read = false, want_write = false;
  bool read_waiting = false, write_waiting = false;
};

RedisClient::RedisClient(asio::io_context& ioc, RedisEndpoint endpoint)
    : strand_(asio::make_strand(ioc)),
      endpoint_(std::move(endpoint)),
      reconnect_timer_(strand_),
      backoff_(kFirstBackoff),
      watchdog_(strand_) {}

RedisClient::~RedisClient() {
  stopped_ = true;
  if (ac_) redisAsyncFree(ac_);
}

void RedisClient::set_state_listener(StateListener listener) {
  listener_ = std::move(listener);
}

void RedisClient::start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->connect();
    self->watch();
  });
}

void RedisClient::watch() {
  watchdog_.expires_after(std::chrono::seconds(1));
  watchdog_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped_) return;
    auto stalled = std::chrono::steady_clock::now() - self->last_progress_;
    if (self->ac_ && self->outstanding_ > 0 && stalled > kReplyTimeout) {
      log::warn("redis stopped answering; dropping the connection",
                {{"outstanding", std::to_string(self->outstanding_)}});
      redisAsyncContext* ac = self->ac_;
      self->ac_ = nullptr;
      redisAsyncFree(ac);  // pending callbacks get NULL replies; on_disconnect reconnects
    }
    self->watch();
  });
}

void RedisClient::stop(std::function<void()> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
    self->stopped_ = true;
    self->reconnect_timer_.cancel();
    self->watchdog_.cancel();
    if (self->ac_) {
      redisAsyncContext* ac = self->ac_;
      self->ac_ = nullptr;
      redisAsyncFree(ac);  // pending callbacks get NULL replies
    }
    self->set_up(false);
    if (done) done();
  });
}

void RedisClient::connect() {
  if (stopped_ || ac_) return;
  redisAsyncContext* ac = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (!ac) {
    schedule_reconnect();
    return;
  }
  if (ac->err) {
    log::debug("redis connect failed", {{"error", ac->errstr}});
    redisAsyncFree(ac);
    schedule_reconnect();
    return;
  }
  ac->data = this;
  Watcher::attach(strand_, ac);
  ac_ = ac;
  redisAsyncSetDisconnectCallback(ac, &RedisClient::on_disconnect);
  redisAsyncSetConnectCallback(ac, &RedisClient::on_connect);  // arms the first write wait
}

void RedisClient::on_connect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisClient*>(ac->data);
  if (status != REDIS_OK) {
    // hiredis frees the context after this callback.
    log::debug("redis connect failed", {{"error", ac->errstr}});
    self->ac_ = nullptr;
    self->schedule_reconnect();
    return;
  }
  self->backoff_ = kFirstBackoff;
  if (self->endpoint_.db != 0) {
    // Sent before anything else on this connection; hiredis keeps the order.
    self->send({"SELECT", std::to_string(self->endpoint_.db)}, [](auto) {});
  }
  log::info("redis connected",
            {{"host", self->endpoint_.host}, {"port", std::to_string(self->endpoint_.port)}});
  if (self->sharded_) self->send_pubsub("SUBSCRIBE", kShardAnchor);
  for (const auto& channel : self->channels_) {
    if (!self->dropped_.count(channel)) self->send_subscription(true, channel);
  }
  self->set_up(true);
}

void RedisClient::on_disconnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisClient*>(ac->data);
  self->ac_ = nullptr;  // hiredis frees the context after this callback
  self->outstanding_ = 0;
  if (!self->stopped_) {
    log::warn("redis connection lost",
              {{"error", status == REDIS_OK ? std::string("closed") : std::string(ac->errstr)}});
  }
  self->set_up(false);
  std::string_view error = status == REDIS_OK ? "" : ac->errstr;
  if (self->redirected_ && (error.rfind("MOVED ", 0) == 0 || error.rfind("ASK ", 0) == 0)) {
    self->redirected_();
  }
  self->schedule_reconnect();
}

void RedisClient::schedule_reconnect() {
  if (stopped_) return;
  reconnect_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(kMaxBackoff));
  reconnect_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->connect();
  });
}

void RedisClient::set_up(bool up) {
  bool was = connected_.exchange(up);
  if (was != up && listener_) listener_(up);
}

void RedisClient::command(std::vector<std::string> args, Callback cb) {
  asio::dispatch(strand_,
                 [self = shared_from_this(), args = std::move(args), cb = std::move(cb)]() mutable {
                   if (!self->ac_ || !self->connected_) {
                     cb(std::nullopt);
                     return;
                   }
                   self->send(args, std::move(cb));
                 });
}

void RedisClient::set_message_handler(MessageHandler handler) {
  message_handler_ = std::move(handler);
}

void RedisClient::subscribe(const std::string& channel) {
  asio::dispatch(strand_, [self = shared_from_this(), channel] {
    if (!self->channels_.insert(channel).second) return;
    if (self->ac_ && self->connected_) self->send_subscription(true, channel);
  });
}

void RedisClient::unsubscribe(const std::string& channel) {
  asio::dispatch(strand_, [self = shared_from_this(), channel] {
    if (self->channels_.erase(channel) == 0) return;
    bool dropped = self->dropped_.erase(channel) > 0;
    if (!self->ac_ || !self->connected_) return;
    // A channel the server dropped is not a shard subscription any more, only a name.
    if (dropped) return self->send_pubsub("UNSUBSCRIBE", channel);
    self->send_subscription(false, channel);
  });
}

void RedisClient::send_subscription(bool subscribe, const std::string& channel) {
  if (!sharded_) return send_pubsub(subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE", channel);
  // The order keeps a registered callback for every reply: SUBSCRIBE registers it before
  // SSUBSCRIBE's reply comes, and UNSUBSCRIBE drops it after SUNSUBSCRIBE's.
  send_pubsub(subscribe ? "SUBSCRIBE" : "SUNSUBSCRIBE", channel);
  send_pubsub(subscribe ? "SSUBSCRIBE" : "UNSUBSCRIBE", channel);
}

void RedisClient::send_pubsub(const char* verb, const std::string& channel) {
  // hiredis keeps on_message for the channel and calls it for every message; it is not one
  // of the replies the watchdog waits for, since messages come whenever others publish.
  const char* argv[] = {verb, channel.data()};
  size_t argvlen[] = {std::char_traits<char>::length(verb), channel.size()};
  redisAsyncCommandArgv(ac_, &RedisClient::on_message, nullptr, 2, argv, argvlen);
}

void RedisClient::on_message(redisAsyncContext* ac, void* reply, void*) {
  auto* self = static_cast<RedisClient*>(ac->data);
  const auto* r = static_cast<const redisReply*>(reply);
  // Subscribe and unsubscribe confirmations, and NULL when the connection goes, carry no
  // message. (An error reply never gets here: hiredis drops the connection, see on_disconnect.)
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3 || !self->message_handler_) return;
  const redisReply* kind = r->element[0];
  std::string_view type(kind->str, kind->type == REDIS_REPLY_STRING ? kind->len : 0);
  if (type == "sunsubscribe" && self->channel_lost_) {
    // Ours were asked for after the channel left channels_; this one the server sent.
    std::string channel(r->element[1]->str, r->element[1]->len);
    if (self->channels_.count(channel) && self->dropped_.insert(channel).second) {
      self->channel_lost_(channel);
    }
    return;
  }
  if (type != "message" && type != "smessage") return;
  self->message_handler_(std::string(r->element[1]->str, r->element[1]->len),
                         std::string(r->element[2]->str, r->element[2]->len));
}

void RedisClient::send(const std::vector<std::string>& args, Callback cb) {
  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  for (const auto& a : args) {
    argv.push_back(a.data());
    argvlen.push_back(a.size());
  }
  if (outstanding_++ == 0) last_progress_ = std::chrono::steady_clock::now();
  auto* owned = new Callback(std::move(cb));
  if (redisAsyncCommandArgv(ac_, &RedisClient::on_reply, owned, static_cast<int>(argv.size()),
                            argv.data(), argvlen.data()) != REDIS_OK) {
    --outstanding_;
    (*owned)(std::nullopt);
    delete owned;
  }
}

void RedisClient::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Callback> cb(static_cast<Callback*>(privdata));
  auto* self = static_cast<RedisClient*>(ac->data);
  if (self->outstanding_ > 0) --self->outstanding_;
  self->last_progress_ = std::chrono::steady_clock::now();
  if (!reply) {
    (*cb)(std::nullopt);
    return;
  }
  (*cb)(copy_reply(static_cast<const redisReply*>(reply)));
}

}  // namespace rt::store
