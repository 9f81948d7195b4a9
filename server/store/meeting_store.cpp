#include "store/meeting_store.hpp"

#include "support/log.hpp"

namespace rt::store {
namespace {

std::string key(const std::string& meeting_id, const char* suffix) {
  return "{m:" + meeting_id + "}:" + suffix;
}
std::string code_key(const std::string& join_code) {
  return "rt:code:" + join_code;
}
constexpr const char* kSecretKey = "rt:secret";

// KEYS: ver, log. ARGV: PUBLISH or SPUBLISH (a cluster's shard channel), channel, expected
// version, event... Returns {1, new version} or {0, current version} on a version mismatch.
constexpr const char* kCommitScript = R"lua(
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if v ~= tonumber(ARGV[3]) then return {0, v} end
local events = {}
for i = 4, #ARGV do
  v = v + 1
  redis.call('XADD', KEYS[2], v .. '-0', 'e', ARGV[i])
  events[#events + 1] = ARGV[i]
end
redis.call('SET', KEYS[1], v)
redis.call(ARGV[1], ARGV[2], '[' .. table.concat(events, ',') .. ']')
return {1, v}
)lua";

// KEYS: ver, snap, log. Returns nil when the meeting does not exist, else
// {snapshot state or '', event...} with every event after the snapshot.
constexpr const char* kLoadScript = R"lua(
if not redis.call('GET', KEYS[1]) then return false end
local snap = redis.call('HMGET', KEYS[2], 'version', 'state')
local from = 1
if snap[1] then from = tonumber(snap[1]) + 1 end
local out = {snap[2] or ''}
for _, entry in ipairs(redis.call('XRANGE', KEYS[3], from .. '-0', '+')) do
  out[#out + 1] = entry[2][2]
end
return out
)lua";

// KEYS: ver, log. ARGV: the first entry id wanted. Returns nil when the meeting does not
// exist, else the events from there on, in seq order.
constexpr const char* kLogScript = R"lua(
if not redis.call('GET', KEYS[1]) then return false end
local out = {}
for _, entry in ipairs(redis.call('XRANGE', KEYS[2], ARGV[1], '+')) do
  out[#out + 1] = entry[2][2]
end
return out
)lua";

// KEYS: snap. ARGV: version, state. Never replaces a newer snapshot with an older one.
constexpr const char* kSnapshotScript = R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if tonumber(ARGV[1]) <= current then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'state', ARGV[2])
return 1
)lua";

constexpr const char* kSecretScript = R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
)lua";

bool failed(const std::optional<RedisReply>& r, const char* what) {
  if (!r) return true;
  if (r->is_error()) {
    log::error("redis error", {{"op", what}, {"error", r->str}});
    return true;
  }
  return false;
}

}  // namespace

MeetingStore::MeetingStore(std::shared_ptr<RedisNodes> redis) : redis_(std::move(redis)) {}

void MeetingStore::on_published(PublishedHandler events, PublishedHandler presence) {
  redis_->set_message_handler([events = std::move(events), presence = std::move(presence)](
                                  const std::string& channel, std::string payload) {
    // "{m:<id>}:events" or "{m:<id>}:presence"
    constexpr std::string_view kPrefix = "{m:";
    std::string_view c = channel;
    auto close = c.find("}:");
    if (c.substr(0, kPrefix.size()) != kPrefix || close == std::string_view::npos) return;
    std::string meeting_id(c.substr(kPrefix.size(), close - kPrefix.size()));
    std::string_view suffix = c.substr(close + 2);
    if (suffix == "events") {
      events(meeting_id, std::move(payload));
    } else if (suffix == "presence") {
      presence(meeting_id, std::move(payload));
    }
  });
}

void MeetingStore::follow(const std::string& meeting_id) {
  redis_->subscribe(key(meeting_id, "events"));
  redis_->subscribe(key(meeting_id, "presence"));
}

void MeetingStore::unfollow(const std::string& meeting_id) {
  redis_->unsubscribe(key(meeting_id, "events"));
  redis_->unsubscribe(key(meeting_id, "presence"));
}

void MeetingStore::publish_presence(const std::string& meeting_id, std::string message) {
  std::string channel = key(meeting_id, "presence");
  redis_->command(channel, {redis_->publish_command(), channel, std::move(message)},
                  [](std::optional<RedisReply> r) { failed(r, "publish presence"); });
}

void MeetingStore::create_meeting(const std::string& meeting_id, const std::string& join_code,
                                  Events first_events, std::function<void(StoreStatus)> done) {
  claim_join_code(join_code, meeting_id,
                  [this, meeting_id, events = std::move(first_events),
                   done = std::move(done)](StoreStatus claimed) mutable {
                    if (claimed != StoreStatus::ok) return done(claimed);
                    commit(meeting_id, 0, events, [done = std::move(done)](CommitResult c) {
                      done(c.status == StoreStatus::conflict ? StoreStatus::taken : c.status);
                    });
                  });
}

void MeetingStore::claim_join_code(const std::string& join_code, const std::string& meeting_id,
                                   std::function<void(StoreStatus)> done) {
  redis_->command(code_key(join_code), {"SET", code_key(join_code), meeting_id, "NX"},
                  [done = std::move(done)](std::optional<RedisReply> r) {
                    if (failed(r, "claim join code")) return done(StoreStatus::unavailable);
                    done(r->type == RedisReply::Type::nil ? StoreStatus::taken : StoreStatus::ok);
                  });
}

void MeetingStore::release_join_code(const std::string& join_code) {
  redis_->command(code_key(join_code), {"DEL", code_key(join_code)},
                  [](std::optional<RedisReply> r) { failed(r, "release join code"); });
}

void MeetingStore::find_meeting_by_code(const std::string& join_code,
                                        std::function<void(StoreStatus, std::string)> done) {
  redis_->command(code_key(join_code), {"GET", code_key(join_code)},
                  [done = std::move(done)](std::optional<RedisReply> r) {
                    if (failed(r, "find join code")) return done(StoreStatus::unavailable, "");
                    if (r->type != RedisReply::Type::string)
                      return done(StoreStatus::not_found, "");
                    done(StoreStatus::ok, r->str);
                  });
}

void MeetingStore::commit(const std::string& meeting_id, uint64_t expected_version,
                          const Events& events, std::function<void(CommitResult)> done) {
  std::string ver = key(meeting_id, "ver");
  std::vector<std::string> args = {"EVAL",
                                   kCommitScript,
                                   "2",
                                   ver,
                                   key(meeting_id, "log"),
                                   redis_->publish_command(),
                                   key(meeting_id, "events"),
                                   std::to_string(expected_version)};
  for (const auto& e : events) args.push_back(*e);
  redis_->command(ver, std::move(args), [done = std::move(done)](std::optional<RedisReply> r) {
    if (failed(r, "commit") || r->elements.size() != 2) return done({StoreStatus::unavailable, 0});
    auto version = static_cast<uint64_t>(r->elements[1].integer);
    done({r->elements[0].integer == 1 ? StoreStatus::ok : StoreStatus::conflict, version});
  });
}

void MeetingStore::load(const std::string& meeting_id, std::function<void(LoadedMeeting)> done) {
  std::string ver = key(meeting_id, "ver");
  redis_->command(ver,
                  {"EVAL", kLoadScript, "3", ver, key(meeting_id, "snap"), key(meeting_id, "log")},
                  [done = std::move(done)](std::optional<RedisReply> r) {
                    LoadedMeeting out;
                    if (failed(r, "load")) return done(std::move(out));
                    if (r->type != RedisReply::Type::array || r->elements.empty()) {
                      out.status = StoreStatus::not_found;
                      return done(std::move(out));
                    }
                    out.status = StoreStatus::ok;
                    out.snapshot_state = std::move(r->elements[0].str);
                    for (size_t i = 1; i < r->elements.size(); ++i) {
                      out.events.push_back(std::move(r->elements[i].str));
                    }
                    done(std::move(out));
                  });
}

void MeetingStore::read_log(const std::string& meeting_id,
                            std::function<void(StoreStatus, std::vector<std::string>)> done) {
  read_log_after(meeting_id, 0, std::move(done));
}

void MeetingStore::read_log_after(const std::string& meeting_id, uint64_t after,
                                  std::function<void(StoreStatus, std::vector<std::string>)> done) {
  std::string ver = key(meeting_id, "ver");
  redis_->command(
      ver, {"EVAL", kLogScript, "2", ver, key(meeting_id, "log"), std::to_string(after + 1) + "-0"},
      [done = std::move(done)](std::optional<RedisReply> r) {
        if (failed(r, "read log")) return done(StoreStatus::unavailable, {});
        if (r->type != RedisReply::Type::array) {
          return done(StoreStatus::not_found, {});
        }
        std::vector<std::string> events;
        events.reserve(r->elements.size());
        for (auto& e : r->elements) events.push_back(std::move(e.str));
        done(StoreStatus::ok, std::move(events));
      });
}

void MeetingStore::save_snapshot(const std::string& meeting_id, uint64_t version,
                                 std::string state) {
  std::string snap = key(meeting_id, "snap");
  redis_->command(snap,
                  {"EVAL", kSnapshotScript, "1", snap, std::to_string(version), std::move(state)},
                  [](std::optional<RedisReply> r) { failed(r, "snapshot"); });
}

void MeetingStore::ensure_secret(const std::string& candidate,
                                 std::function<void(std::optional<std::string>)> done) {
  redis_->command(kSecretKey, {"EVAL", kSecretScript, "1", kSecretKey, candidate},
                  [done = std::move(done)](std::optional<RedisReply> r) {
                    if (failed(r, "secret") || r->type != RedisReply::Type::string) {
                      return done(std::nullopt);
                    }
                    done(r->str);
                  });
}

void MeetingStore::ping(std::function<void(bool, std::string)> done) {
  if (!redis_->connected()) return done(false, "not connected");
  // Any master will do: connected() has seen that each is reachable.
  redis_->command("", {"PING"}, [done = std::move(done)](std::optional<RedisReply> r) {
    if (!r) return done(false, "connection lost");
    if (r->is_error()) return done(false, r->str);
    done(true, "ok");
  });
}

}  // namespace rt::store
