// One asynchronous Redis connection (hiredis 0.14) driven by Asio, with reconnection.
//
// All hiredis calls run on one strand: hiredis is not thread-safe. The five hiredis event
// hooks (add/del read, add/del write, cleanup) map onto async_wait on the socket, in the
// shape of hiredis' own adapters (adapters/libevent.h and friends). No call here blocks.
//
// When the connection drops, every pending callback gets nullopt (hiredis hands them a
// NULL reply), new commands fail at once with nullopt, and the client reconnects with
// exponential backoff until stop().
//
// A client is either for commands or a subscriber: Redis takes nothing but (UN)SUBSCRIBE on a
// connection that subscribed. A subscriber remembers its channels and subscribes again after
// every reconnect; what was published meanwhile is lost, so its owner catches up from the
// log when the state listener says it is up again.
//
// A sharded subscriber (a Redis Cluster's master) takes its channels with SSUBSCRIBE.
// hiredis 0.14 knows only SUBSCRIBE: it hands a pushed message to the callback it registered
// for the message's channel name, and a push it cannot place trips an assertion. So each
// channel is also SUBSCRIBEd (nothing is PUBLISHed on it: the store SPUBLISHes), which
// registers on_message for that name, "smessage" included; and one channel nobody uses stays
// subscribed, so that hiredis never leaves its subscribed mode while shard channels remain.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/redis_reply.hpp"
#include "store/redis_url.hpp"

struct redisAsyncContext;

namespace rt::store {

class RedisClient : public std::enable_shared_from_this<RedisClient> {
 public:
  // Called on the client's strand; nullopt when the command could not be sent or the
  // connection was lost before its reply.
  using Callback = std::function<void(std::optional<RedisReply>)>;
  // Called on the client's strand whenever the connection comes up (true) or goes down.
  using StateListener = std::function<void(bool up)>;
  // Called on the client's strand with each message published on a subscribed channel.
  using MessageHandler = std::function<void(const std::string& channel, std::string payload)>;

  RedisClient(boost::asio::io_context& ioc, RedisEndpoint endpoint);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  void set_state_listener(StateListener listener);  // before start()
  void start();
  // Closes the connection and stops reconnecting; `done` runs on the strand afterwards.
  void stop(std::function<void()> done = {});
  bool connected() const { return connected_.load(); }

  // Thread-safe. The args are one Redis command, binary-safe.
  void command(std::vector<std::string> args, Callback cb);

  // Makes this client a subscriber; before start().
  void set_message_handler(MessageHandler handler);
  // Makes it a sharded subscriber; before start(). `lost` is told of a shard channel the
  // server dropped: its slot moved to another master (Redis unsubscribes its clients then).
  // `redirected` is told when the server refused a subscription with MOVED or ASK (the slot
  // map was stale); hiredis drops the connection on such an error.
  void set_sharded(std::function<void(const std::string& channel)> lost,
                   std::function<void()> redirected) {
    sharded_ = true;
    channel_lost_ = std::move(lost);
    redirected_ = std::move(redirected);
  }
  // Thread-safe; kept across reconnects. Subscribing twice to a channel is subscribing once.
  void subscribe(const std::string& channel);
  void unsubscribe(const std::string& channel);

 private:
  struct Watcher;
  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_message(redisAsyncContext* ac, void* reply, void* privdata);
  // Subscribes to `channel` or unsubscribes now (on the strand, connected).
  void send_subscription(bool subscribe, const std::string& channel);
  void send_pubsub(const char* verb, const std::string& channel);

  void connect();
  void send(const std::vector<std::string>& args, Callback cb);  // on the strand, connected
  void connection_lost();
  void schedule_reconnect();
  void set_up(bool up);
  void watch();  // the hang watchdog, every second while started

  // A Redis that stops answering without closing the connection (paused, swapping,
  // partitioned) would leave every caller waiting forever: replies outstanding with no
  // progress for this long mean the connection is dropped and its callers told at once.
  static constexpr std::chrono::seconds kReplyTimeout{5};

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  RedisEndpoint endpoint_;
  redisAsyncContext* ac_ = nullptr;
  boost::asio::steady_timer reconnect_timer_;
  std::chrono::milliseconds backoff_;
  bool stopped_ = false;
  std::atomic<bool> connected_{false};
  size_t outstanding_ = 0;  // commands sent, replies not yet received
  std::chrono::steady_clock::time_point last_progress_;
  boost::asio::steady_timer watchdog_;
  StateListener listener_;
  MessageHandler message_handler_;
  std::set<std::string> channels_;  // subscribed, or to subscribe once connected
  bool sharded_ = false;
  std::function<void(const std::string& channel)> channel_lost_;
  std::function<void()> redirected_;
  // Followed shard channels the server dropped: not subscribed again here (the master would
  // answer MOVED), only released when the owner moves them elsewhere.
  std::set<std::string> dropped_;
};

}  // namespace rt::store
