#include "store/redis_nodes.hpp"

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <limits>

#include "store/cluster_slot.hpp"
#include "support/log.hpp"

namespace rt::store {
namespace {

constexpr uint16_t kNoNode = std::numeric_limits<uint16_t>::max();
constexpr size_t kNoChannelNode = std::numeric_limits<size_t>::max();
// A moved slot's new owner is known to all masters within moments (redis-cli sets it on each).
constexpr int kRelocateAttempts = 20;
constexpr auto kRelocateRetry = std::chrono::milliseconds(100);

bool redirected(const std::optional<RedisReply>& r) {
  return r && r->is_error() && (r->str.rfind("MOVED ", 0) == 0 || r->str.rfind("ASK ", 0) == 0);
}

}  // namespace

RedisNodes::RedisNodes(boost::asio::io_context& ioc, RedisEndpoint endpoint)
    : ioc_(ioc), endpoint_(std::move(endpoint)) {}

void RedisNodes::set_listeners(RedisClient::StateListener commands,
                               RedisClient::StateListener subscriber) {
  commands_listener_ = std::move(commands);
  subscriber_listener_ = std::move(subscriber);
}

void RedisNodes::set_message_handler(RedisClient::MessageHandler handler) {
  message_handler_ = std::move(handler);
}

void RedisNodes::start() {
  std::lock_guard lock(mutex_);
  started_ = true;
  if (!endpoint_.cluster) {
    node_at(endpoint_);
    return;
  }
  seed_ = std::make_shared<RedisClient>(ioc_, endpoint_);
  seed_->set_state_listener([weak = weak_from_this()](bool up) {
    if (auto self = weak.lock(); self && up) self->refresh({});
  });
  seed_->start();
}

void RedisNodes::stop(std::function<void()> done) {
  std::vector<std::shared_ptr<RedisClient>> clients;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (const auto& node : nodes_) {
      clients.push_back(node.commands);
      clients.push_back(node.subscriber);
    }
    if (seed_) clients.push_back(seed_);
  }
  if (clients.empty()) {
    if (done) done();
    return;
  }
  auto left = std::make_shared<std::atomic<size_t>>(clients.size());
  for (const auto& client : clients) {
    client->stop([left, done] {
      if (--*left == 0 && done) done();
    });
  }
}

size_t RedisNodes::node_at(const RedisEndpoint& endpoint) {
  std::string address = endpoint.host + ":" + std::to_string(endpoint.port);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].address == address) return i;
  }
  Node node{address, std::make_shared<RedisClient>(ioc_, endpoint),
            std::make_shared<RedisClient>(ioc_, endpoint)};
  auto weak = weak_from_this();
  node.commands->set_state_listener([weak](bool) {
    if (auto self = weak.lock()) self->commands_state_changed();
  });
  node.subscriber->set_state_listener([weak](bool up) {
    if (auto self = weak.lock(); self && self->subscriber_listener_) self->subscriber_listener_(up);
  });
  if (message_handler_) node.subscriber->set_message_handler(message_handler_);
  if (endpoint_.cluster) {
    size_t index = nodes_.size();
    node.subscriber->set_sharded([weak, index](const std::string& channel) {
      if (auto self = weak.lock()) self->relocate(channel, index, kRelocateAttempts);
    });
  }
  if (!stopped_) {
    node.commands->start();
    node.subscriber->start();
  }
  nodes_.push_back(std::move(node));
  return nodes_.size() - 1;
}

bool RedisNodes::connected() const {
  std::lock_guard lock(mutex_);
  if (nodes_.empty()) return false;
  if (!endpoint_.cluster) return nodes_[0].commands->connected();
  if (slots_.empty()) return false;
  std::vector<bool> serving(nodes_.size(), false);
  for (uint16_t node : slots_) {
    if (node == kNoNode) return false;  // a slot nobody serves: the cluster is not whole
    serving[node] = true;
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (serving[i] && !nodes_[i].commands->connected()) return false;
  }
  return true;
}

void RedisNodes::commands_state_changed() {
  bool now = connected();
  {
    std::lock_guard lock(mutex_);
    if (now == was_connected_) return;
    was_connected_ = now;
  }
  if (commands_listener_) commands_listener_(now);
}

std::shared_ptr<RedisClient> RedisNodes::commands_for(uint16_t slot) const {
  std::lock_guard lock(mutex_);
  if (!endpoint_.cluster) return nodes_.empty() ? nullptr : nodes_[0].commands;
  if (slots_.empty() || slots_[slot] == kNoNode) return nullptr;
  return nodes_[slots_[slot]].commands;
}

void RedisNodes::command(std::string_view key, std::vector<std::string> args, Callback cb) {
  if (!endpoint_.cluster) {
    auto client = commands_for(0);
    if (!client) return cb(std::nullopt);
    return client->command(std::move(args), std::move(cb));
  }
  send(key_slot(key), std::make_shared<const std::vector<std::string>>(std::move(args)),
       std::move(cb), true);
}

void RedisNodes::send(uint16_t slot, std::shared_ptr<const std::vector<std::string>> args,
                      Callback cb, bool may_redirect) {
  auto client = commands_for(slot);
  if (!client) {
    // The map is not known yet (or lost a master): read it, then try once more.
    if (!may_redirect) return cb(std::nullopt);
    return refresh([self = shared_from_this(), slot, args, cb = std::move(cb)]() mutable {
      self->send(slot, args, std::move(cb), false);
    });
  }
  client->command(*args, [self = shared_from_this(), slot, args, cb = std::move(cb),
                          may_redirect](std::optional<RedisReply> r) mutable {
    if (may_redirect && redirected(r)) {
      return self->refresh([self, slot, args, cb = std::move(cb)]() mutable {
        self->send(slot, args, std::move(cb), false);
      });
    }
    cb(std::move(r));
  });
}

void RedisNodes::refresh(std::function<void()> then, std::shared_ptr<RedisClient> asked) {
  {
    std::lock_guard lock(mutex_);
    if (then) after_refresh_.push_back(std::move(then));
    if (refreshing_) return;
    refreshing_ = true;
    // The node given, the one named in the URL, or any master reachable when they are not.
    if (!asked || !asked->connected()) asked = seed_;
    for (const auto& node : nodes_) {
      if (asked && asked->connected()) break;
      asked = node.commands;
    }
  }
  if (!asked) return refreshed();  // not started: nobody to ask
  asked->command({"CLUSTER", "SLOTS"}, [self = shared_from_this()](std::optional<RedisReply> r) {
    if (r && r->type == RedisReply::Type::array) {
      self->apply_slot_map(*r);
    } else {
      log::warn("cannot read the redis cluster's slot map",
                {{"error", r ? r->str : std::string("not connected")}});
    }
    self->refreshed();
    self->commands_state_changed();
  });
}

void RedisNodes::refreshed() {
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard lock(mutex_);
    refreshing_ = false;
    waiting.swap(after_refresh_);
  }
  for (auto& f : waiting) f();
}

void RedisNodes::apply_slot_map(const RedisReply& reply) {
  struct Move {
    std::shared_ptr<RedisClient> from, to;
    std::string channel;
  };
  std::vector<Move> moves;
  {
    std::lock_guard lock(mutex_);
    std::vector<uint16_t> slots(kClusterSlots, kNoNode);
    // Each range: [first slot, last slot, [host, port, id, ...] of the master, replicas...].
    for (const auto& range : reply.elements) {
      if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) continue;
      const auto& master = range.elements[2];
      RedisEndpoint at = endpoint_;
      // An empty host (or "?") means the address this node was reached at.
      if (!master.elements[0].str.empty() && master.elements[0].str != "?") {
        at.host = master.elements[0].str;
      }
      at.port = static_cast<int>(master.elements[1].integer);
      auto node = static_cast<uint16_t>(node_at(at));
      auto first = std::max<long long>(range.elements[0].integer, 0);
      auto last = std::min<long long>(range.elements[1].integer, kClusterSlots - 1);
      for (auto s = first; s <= last; ++s) slots[s] = node;
    }
    slots_ = std::move(slots);
    for (auto& [channel, on] : channels_) {
      uint16_t now = slots_[key_slot(channel)];
      size_t target = now == kNoNode ? kNoChannelNode : now;
      if (target == on) continue;
      moves.push_back({on == kNoChannelNode ? nullptr : nodes_[on].subscriber,
                       target == kNoChannelNode ? nullptr : nodes_[target].subscriber, channel});
      on = target;
    }
    log::info("redis cluster slot map read", {{"masters", std::to_string(nodes_.size())}});
  }
  for (const auto& m : moves) {
    if (m.from) m.from->unsubscribe(m.channel);
    if (m.to) m.to->subscribe(m.channel);
  }
}

void RedisNodes::relocate(const std::string& channel, size_t node, int attempts) {
  std::shared_ptr<RedisClient> ask;
  {
    std::lock_guard lock(mutex_);
    ask = nodes_[node].commands;
  }
  refresh(
      [self = shared_from_this(), channel, node, attempts] {
        bool still_there;
        {
          std::lock_guard lock(self->mutex_);
          auto it = self->channels_.find(channel);
          if (it == self->channels_.end()) return;  // unfollowed meanwhile
          still_there = it->second == node;
        }
        if (!still_there) {
          // Subscribed at the new master; what was published in between is read from the log.
          if (self->subscriber_listener_) self->subscriber_listener_(true);
        } else if (attempts > 1) {
          auto timer = std::make_shared<boost::asio::steady_timer>(self->ioc_, kRelocateRetry);
          timer->async_wait([self, timer, channel, node, attempts](boost::system::error_code) {
            self->relocate(channel, node, attempts - 1);
          });
        } else {
          log::error("a followed channel's slot has no new master", {{"channel", channel}});
        }
      },
      ask);
}

void RedisNodes::subscribe(const std::string& channel) {
  std::shared_ptr<RedisClient> on;
  {
    std::lock_guard lock(mutex_);
    size_t node = kNoChannelNode;
    if (!endpoint_.cluster && !nodes_.empty()) {
      node = 0;
    } else if (!slots_.empty() && slots_[key_slot(channel)] != kNoNode) {
      node = slots_[key_slot(channel)];
    }
    auto [it, added] = channels_.emplace(channel, node);
    if (!added || node == kNoChannelNode) return;  // placed when the slot map comes
    on = nodes_[node].subscriber;
  }
  on->subscribe(channel);
}

void RedisNodes::unsubscribe(const std::string& channel) {
  std::shared_ptr<RedisClient> on;
  {
    std::lock_guard lock(mutex_);
    auto it = channels_.find(channel);
    if (it == channels_.end()) return;
    if (it->second != kNoChannelNode) on = nodes_[it->second].subscriber;
    channels_.erase(it);
  }
  if (on) on->unsubscribe(channel);
}

}  // namespace rt::store
