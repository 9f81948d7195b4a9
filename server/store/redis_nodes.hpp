// The Redis behind the store: one server, or the masters of a Redis Cluster.
//
// Every command names the key it is for. With one server that changes nothing. In a cluster
// the command goes to the master that serves the key's slot: the slot map is read with
// CLUSTER SLOTS from the node named in the URL when it connects, and again whenever a master
// answers MOVED (the slot moved), after which the command is sent once more; ASK (the slot is
// moving) sends it to the master named, after ASKING.
//
// Each master has two connections: one for commands, and a subscriber for the channels of the
// meetings this instance follows. In a cluster those are shard channels (SSUBSCRIBE on the
// channel's master; the commit script SPUBLISHes), so a commit reaches the instances that
// follow that meeting and no other master. When a slot moves, its old master drops the
// channel's subscribers: the channel is then subscribed at the new master, and the subscriber
// listener is told "up" so that the meetings read what was committed meanwhile. When a master
// goes away, the map is read again every half second until every slot's master is reachable:
// once the cluster has promoted a replica, commands and subscriptions go to it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis_client.hpp"
#include "store/redis_url.hpp"

namespace rt::store {

class RedisNodes : public std::enable_shared_from_this<RedisNodes> {
 public:
  using Callback = RedisClient::Callback;

  RedisNodes(boost::asio::io_context& ioc, RedisEndpoint endpoint);
  RedisNodes(const RedisNodes&) = delete;
  RedisNodes& operator=(const RedisNodes&) = delete;

  // Before start(). `commands`: every master reachable (true) or not; `subscriber`: a
  // subscriber connection came up (what was published while it was down is lost) or went.
  void set_listeners(RedisClient::StateListener commands, RedisClient::StateListener subscriber);
  void set_message_handler(RedisClient::MessageHandler handler);
  void start();
  // Closes every connection; `done` runs once all are closed.
  void stop(std::function<void()> done);

  // Every master known and connected.
  bool connected() const;
  // How to publish on the meetings' channels: shard channels in a cluster.
  const char* publish_command() const { return endpoint_.cluster ? "SPUBLISH" : "PUBLISH"; }

  // Thread-safe. nullopt to the callback when the key's master cannot be reached.
  void command(std::string_view key, std::vector<std::string> args, Callback cb);
  // Thread-safe; kept across reconnects and moves of the channel's slot.
  void subscribe(const std::string& channel);
  void unsubscribe(const std::string& channel);

 private:
  struct Node {
    std::string address;  // host:port
    std::shared_ptr<RedisClient> commands;
    std::shared_ptr<RedisClient> subscriber;
  };

  // The index in nodes_ of the master at `endpoint`, added (and started) if new; locked.
  size_t node_at(const RedisEndpoint& endpoint);
  // The index in nodes_ of the master serving `slot`, or kNoNode; locked.
  uint16_t node_for(uint16_t slot) const;
  std::shared_ptr<RedisClient> commands_for(uint16_t slot) const;
  void send(uint16_t slot, std::shared_ptr<const std::vector<std::string>> args, Callback cb,
            bool may_redirect);
  // MOVED, or no map yet: the command once more, after the map is read again.
  void resend_after_refresh(uint16_t slot, std::shared_ptr<const std::vector<std::string>> args,
                            Callback cb);
  // The key's slot is migrating: the command goes to the master named in the ASK error.
  void ask(const std::string& error, std::shared_ptr<const std::vector<std::string>> args,
           Callback cb);
  // Reads the slot map again, then runs `then`; concurrent asks share one CLUSTER SLOTS.
  void refresh(std::function<void()> then, std::shared_ptr<RedisClient> ask = nullptr);
  void refreshed();  // runs what waited for the map
  void apply_slot_map(const RedisReply& reply);
  void commands_state_changed();
  // Reads the map again in a moment (and so on, through commands_state_changed, while a
  // master of the map cannot be reached): a failover shows up as a new master there.
  void watch_for_failover();
  // The master at `node` dropped `channel`: follows it to its slot's new master, asking that
  // one (it knows) and again a little later while the map still says `node`.
  void relocate(const std::string& channel, size_t node, int attempts);

  boost::asio::io_context& ioc_;
  RedisEndpoint endpoint_;
  RedisClient::StateListener commands_listener_;
  RedisClient::StateListener subscriber_listener_;
  RedisClient::MessageHandler message_handler_;
  std::shared_ptr<RedisClient> seed_;  // a cluster: asks for the slot map

  mutable std::mutex mutex_;
  bool stopped_ = false;
  bool was_connected_ = false;
  std::vector<Node> nodes_;
  std::vector<uint16_t> slots_;               // slot -> index in nodes_; empty: map not known
  std::vector<size_t> serving_;               // the nodes that serve a slot
  bool whole_ = false;                        // every slot is served
  std::map<std::string, uint16_t> channels_;  // followed channel -> node subscribed on
  bool refreshing_ = false;
  bool watching_ = false;                     // watch_for_failover's timer is set
  boost::asio::steady_timer failover_timer_;  // used under mutex_
  bool map_unreadable_said_ = false;          // warned once until the map is read again
  std::vector<std::function<void()>> after_refresh_;
};

}  // namespace rt::store
