#include "store/redis_nodes.hpp"

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <limits>
#include <utility>

#include "store/cluster_slot.hpp"
#include "support/log.hpp"

namespace rt::store {
namespace {

constexpr uint16_t kNoNode = std::numeric_limits<uint16_t>::max();
// A moved slot's new owner is known to all masters within moments (redis-cli sets it on each).
constexpr int kRelocateAttempts = 20;
constexpr auto kRelocateRetry = std::chrono::milliseconds(100);
// A cluster fails a silent master over after its cluster-node-timeout (15 s by default) and
// an election of about a second; polling twice a second adds little to that.
constexpr auto kFailoverPoll = std::chrono::milliseconds(500);

bool starts(const std::optional<RedisReply>& r, std::string_view prefix) {
  return r && r->is_error() && r->str.rfind(prefix, 0) == 0;
}

// "ASK <slot> <host>:<port>": where the key is while its slot migrates.
std::optional<RedisEndpoint> ask_target(const std::string& error, RedisEndpoint base) {
  auto space = error.rfind(' ');
  auto colon = error.rfind(':');
  if (space == std::string::npos || colon == std::string::npos || colon < space)
    return std::nullopt;
  base.host = error.substr(space + 1, colon - space - 1);
  try {
    base.port = std::stoi(error.substr(colon + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return base;
}

}  // namespace

RedisNodes::RedisNodes(boost::asio::io_context& ioc, RedisEndpoint endpoint)
    : ioc_(ioc), endpoint_(std::move(endpoint)), failover_timer_(ioc) {}

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
    failover_timer_.cancel();
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
    node.subscriber->set_sharded(
        [weak, index](const std::string& channel) {
          if (auto self = weak.lock()) self->relocate(channel, index, kRelocateAttempts);
        },
        [weak] {
          if (auto self = weak.lock()) self->refresh({});
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
  if (slots_.empty() || !whole_) return false;
  for (size_t node : serving_) {
    if (!nodes_[node].commands->connected()) return false;
  }
  return true;
}

void RedisNodes::commands_state_changed() {
  bool now = connected();
  if (!now && endpoint_.cluster) watch_for_failover();
  {
    std::lock_guard lock(mutex_);
    if (now == was_connected_) return;
    was_connected_ = now;
  }
  if (commands_listener_) commands_listener_(now);
}

void RedisNodes::watch_for_failover() {
  std::lock_guard lock(mutex_);
  if (watching_ || stopped_) return;
  watching_ = true;
  failover_timer_.expires_after(kFailoverPoll);
  failover_timer_.async_wait([weak = weak_from_this()](boost::system::error_code) {
    auto self = weak.lock();
    if (!self) return;
    {
      std::lock_guard held(self->mutex_);
      self->watching_ = false;
      if (self->stopped_) return;
    }
    if (!self->connected()) self->refresh({});  // which looks again, through the state
  });
}

uint16_t RedisNodes::node_for(uint16_t slot) const {
  if (!endpoint_.cluster) return nodes_.empty() ? kNoNode : 0;
  return slots_.empty() ? kNoNode : slots_[slot];
}

std::shared_ptr<RedisClient> RedisNodes::commands_for(uint16_t slot) const {
  std::lock_guard lock(mutex_);
  uint16_t node = node_for(slot);
  return node == kNoNode ? nullptr : nodes_[node].commands;
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
    return resend_after_refresh(slot, std::move(args), std::move(cb));
  }
  client->command(*args, [self = shared_from_this(), slot, args, cb = std::move(cb),
                          may_redirect](std::optional<RedisReply> r) mutable {
    if (may_redirect && starts(r, "ASK ")) return self->ask(r->str, args, std::move(cb));
    if (may_redirect && starts(r, "MOVED ")) {
      return self->resend_after_refresh(slot, std::move(args), std::move(cb));
    }
    cb(std::move(r));
  });
}

void RedisNodes::resend_after_refresh(uint16_t slot,
                                      std::shared_ptr<const std::vector<std::string>> args,
                                      Callback cb) {
  refresh([self = shared_from_this(), slot, args = std::move(args), cb = std::move(cb)]() mutable {
    self->send(slot, std::move(args), std::move(cb), false);
  });
}

void RedisNodes::ask(const std::string& error, std::shared_ptr<const std::vector<std::string>> args,
                     Callback cb) {
  auto target = ask_target(error, endpoint_);
  if (!target) return cb(RedisReply{RedisReply::Type::error, error, 0, {}});
  std::shared_ptr<RedisClient> client;
  {
    std::lock_guard lock(mutex_);
    client = nodes_[node_at(*target)].commands;
  }
  // ASKING lets the importing master take the next command for the slot; a client's
  // commands go out in order, so the two stay together.
  client->command({"ASKING"}, [](std::optional<RedisReply>) {});
  client->command(*args, std::move(cb));
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
      // While no node answers, the failover watch asks twice a second: said once, until a map
      // is read again.
      bool said;
      {
        std::lock_guard lock(self->mutex_);
        said = std::exchange(self->map_unreadable_said_, true);
      }
      log::write(said ? log::Level::debug : log::Level::warn,
                 "cannot read the redis cluster's slot map",
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
  bool moved = false;
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
    map_unreadable_said_ = false;
    std::vector<bool> serving(nodes_.size(), false);
    whole_ = true;
    for (uint16_t node : slots_) {
      if (node == kNoNode) {
        whole_ = false;  // a slot nobody serves: the cluster is not whole
      } else {
        serving[node] = true;
      }
    }
    serving_.clear();
    for (size_t i = 0; i < serving.size(); ++i) {
      if (serving[i]) serving_.push_back(i);
    }
    for (auto& [channel, on] : channels_) {
      uint16_t target = slots_[key_slot(channel)];
      if (target == on) continue;
      // Under the lock, so that a subscribe() racing with the move reaches the clients in the
      // same order as it took effect here.
      if (on != kNoNode) nodes_[on].subscriber->unsubscribe(channel);
      if (target != kNoNode) nodes_[target].subscriber->subscribe(channel);
      on = target;
      moved = true;
    }
    log::info("redis cluster slot map read", {{"masters", std::to_string(serving_.size())}});
  }
  // Published while a channel moved: lost; the meetings read it from the log.
  if (moved && subscriber_listener_) subscriber_listener_(true);
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
        if (!still_there) return;  // apply_slot_map moved it, and had the log read
        if (attempts > 1) {
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

// The subscriber's calls are made under the lock (as in apply_slot_map), so that they reach it
// in the order they took effect here; they only queue work on its strand.
void RedisNodes::subscribe(const std::string& channel) {
  std::lock_guard lock(mutex_);
  uint16_t node = node_for(key_slot(channel));
  auto [it, added] = channels_.emplace(channel, node);
  if (added && node != kNoNode) nodes_[node].subscriber->subscribe(channel);
}

void RedisNodes::unsubscribe(const std::string& channel) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  if (it->second != kNoNode) nodes_[it->second].subscriber->unsubscribe(channel);
  channels_.erase(it);
}

}  // namespace rt::store
