#include "app/config.hpp"

#include <charconv>
#include <cstring>
#include <functional>
#include <string_view>

namespace rt::app {
namespace {

struct Option {
  const char* flag;
  const char* env;
  const char* arg;
  const char* help;
  std::function<bool(Config&, std::string_view)> set;
};

bool set_int(int& out, std::string_view v, int min, int max) {
  int n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max) return false;
  out = n;
  return true;
}

// Appends the items of a comma-separated list (a repeated flag appends again).
bool append_list(std::vector<std::string>& out, std::string_view v) {
  while (!v.empty()) {
    auto comma = v.find(',');
    auto one = v.substr(0, comma);
    if (!one.empty()) out.emplace_back(one);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return true;
}

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = {
      {"--port", "ROUNDTABLE_PORT", "N", "HTTP/WebSocket port; 0 picks a free one (default 8080)",
       [](Config& c, std::string_view v) { return set_int(c.port, v, 0, 65535); }},
      {"--bind", "ROUNDTABLE_BIND", "ADDR", "address to listen on (default 127.0.0.1)",
       [](Config& c, std::string_view v) { return c.bind = v, !v.empty(); }},
      {"--redis", "ROUNDTABLE_REDIS", "URL",
       "use this Redis, redis://host:port/db, or a Redis Cluster through any of its nodes, "
       "redis-cluster://host:port; without it an embedded redis-server is started",
       [](Config& c, std::string_view v) { return c.redis_url = v, !v.empty(); }},
      {"--data-dir", "ROUNDTABLE_DATA_DIR", "DIR",
       "data directory of the embedded redis-server, AOF on (default ./data)",
       [](Config& c, std::string_view v) { return c.data_dir = v, !v.empty(); }},
      {"--web-root", "ROUNDTABLE_WEB_ROOT", "DIR", "the web client's files (default ./web-client)",
       [](Config& c, std::string_view v) { return c.web_root = v, !v.empty(); }},
      {"--away-after", "ROUNDTABLE_AWAY_AFTER", "S",
       "seconds a participant must be gone before the minutes record them as having left; "
       "shorter absences (a closed lid, a network blip) are not leaving (default 60)",
       [](Config& c, std::string_view v) { return set_int(c.away_after_s, v, 1, 3600); }},
      {"--unload-after", "ROUNDTABLE_UNLOAD_AFTER", "S",
       "seconds a meeting stays in memory with nobody connected to this instance and no deadline, "
       "vote or presence record pending; the next connection loads it again; 0: never (default "
       "300)",
       [](Config& c, std::string_view v) { return set_int(c.unload_after_s, v, 0, 86'400); }},
      {"--threads", "ROUNDTABLE_THREADS", "N", "I/O threads; 0 means one per core (default 0)",
       [](Config& c, std::string_view v) { return set_int(c.threads, v, 0, 256); }},
      {"--allowed-origin", "ROUNDTABLE_ALLOWED_ORIGIN", "ORIGIN",
       "a page origin allowed to open WebSockets, e.g. https://meet.example.org; repeatable "
       "(env: comma-separated); default: same origin only",
       [](Config& c, std::string_view v) { return append_list(c.allowed_origins, v); }},
      {"--meetings-per-ip-hour", "ROUNDTABLE_MEETINGS_PER_IP_HOUR", "N",
       "meetings one client address may create per hour, N at once; 0: no limit (default 500)",
       [](Config& c, std::string_view v) {
         return set_int(c.meetings_per_ip_hour, v, 0, 1'000'000);
       }},
      {"--failed-joins-per-ip-minute", "ROUNDTABLE_FAILED_JOINS_PER_IP_MINUTE", "N",
       "wrong join codes one client address may try per minute before its joins by code are "
       "refused (rate_limited) until the minute refills; 0: no limit (default 20)",
       [](Config& c, std::string_view v) {
         return set_int(c.failed_joins_per_ip_minute, v, 0, 1'000'000);
       }},
      {"--commands-per-second", "ROUNDTABLE_COMMANDS_PER_SECOND", "N",
       "commands one connection may send per second, in bursts of 2N; past it a command gets "
       "rate_limited (default 20: far above a person typing, since the client merges keystrokes "
       "while one edit is in flight)",
       [](Config& c, std::string_view v) { return set_int(c.commands_per_second, v, 1, 100'000); }},
      {"--commit-window-per-connection-us", "ROUNDTABLE_COMMIT_WINDOW_PER_CONNECTION_US", "N",
       "a busy meeting's next group commit waits N microseconds per connection of it after the "
       "previous one started (at most 10 ms), so that its commands share one fan-out; about "
       "twice what one write costs this machine; 0: no wait (default 20)",
       [](Config& c, std::string_view v) {
         return set_int(c.commit_window_per_connection_us, v, 0, 10'000);
       }},
      {"--trusted-proxy", "ROUNDTABLE_TRUSTED_PROXY", "ADDR",
       "a reverse proxy's address (e.g. 127.0.0.1 for nginx on the same host) whose X-Real-IP "
       "header names the client for the per-address limits; repeatable (env: comma-separated)",
       [](Config& c, std::string_view v) { return append_list(c.trusted_proxies, v); }},
      {"--durability", "ROUNDTABLE_DURABILITY", "MODE",
       "the embedded Redis' fsync: everysec (a machine crash may lose about 1 s of acked "
       "commands) or strict (appendfsync always: none, at a disk flush per commit); none "
       "writes nothing to disk and is for benchmarks only (default everysec)",
       [](Config& c, std::string_view v) {
         if (v == "everysec")
           c.durability = Persistence::everysec;
         else if (v == "strict")
           c.durability = Persistence::always;
         else if (v == "none")
           c.durability = Persistence::none;
         else
           return false;
         return true;
       }},
      {"--tls-cert", "ROUNDTABLE_TLS_CERT", "FILE",
       "serve HTTPS and WSS with this PEM certificate chain (with --tls-key); default: plain "
       "HTTP, e.g. behind a TLS-terminating nginx",
       [](Config& c, std::string_view v) { return c.tls_cert = v, !v.empty(); }},
      {"--tls-key", "ROUNDTABLE_TLS_KEY", "FILE", "the PEM private key of --tls-cert",
       [](Config& c, std::string_view v) { return c.tls_key = v, !v.empty(); }},
      {"--log-level", "ROUNDTABLE_LOG_LEVEL", "LEVEL", "debug, info, warn or error (default info)",
       [](Config& c, std::string_view v) {
         c.log_level = v;
         return v == "debug" || v == "info" || v == "warn" || v == "error";
       }},
      {"--secret", "ROUNDTABLE_SECRET", "TEXT",
       "token-signing secret, 16+ characters; default: generated once and kept in Redis",
       [](Config& c, std::string_view v) { return c.secret = v, v.size() >= 16; }},
      {"--redis-server", "ROUNDTABLE_REDIS_SERVER", "PATH",
       "redis-server binary for the embedded Redis (default: redis-server on PATH)",
       [](Config& c, std::string_view v) { return c.redis_server = v, !v.empty(); }},
  };
  return kOptions;
}

}  // namespace

std::string usage() {
  std::string out =
      "Usage: roundtable [options]\n"
      "Runs the Roundtable meeting server: the web client at /, the API under /api,\n"
      "WebSockets at /ws, /healthz and /metrics.\n\nOptions (each also read from the "
      "environment variable shown):\n";
  for (const auto& o : options()) {
    std::string left = std::string("  ") + o.flag + " " + o.arg;
    left.resize(std::max<size_t>(left.size() + 1, 26), ' ');
    out += left + o.help + "  [" + o.env + "]\n";
  }
  out += "  --help                  this text\n";
  return out;
}

ParseResult parse_config(int argc, const char* const* argv,
                         const char* (*environ_get)(const char*)) {
  Config config;
  auto bad = [](std::string message) {
    return ParseResult{std::nullopt, 2, "roundtable: " + message + "\n(see roundtable --help)\n"};
  };
  for (const auto& o : options()) {
    if (const char* v = environ_get(o.env); v && *v) {
      if (!o.set(config, v)) return bad(std::string("invalid value in ") + o.env);
    }
  }
  bool origins_from_flags = false;
  bool proxies_from_flags = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return {std::nullopt, 0, usage()};
    std::string_view value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    const Option* match = nullptr;
    for (const auto& o : options()) {
      if (arg == o.flag) match = &o;
    }
    if (!match) return bad("unknown option " + std::string(arg));
    if (!has_value) {
      if (i + 1 >= argc) return bad(std::string(arg) + " needs a value");
      value = argv[++i];
    }
    if (arg == "--allowed-origin" && !origins_from_flags) {
      config.allowed_origins.clear();  // flags replace the environment's list
      origins_from_flags = true;
    }
    if (arg == "--trusted-proxy" && !proxies_from_flags) {
      config.trusted_proxies.clear();
      proxies_from_flags = true;
    }
    if (!match->set(config, value)) {
      return bad("invalid value for " + std::string(arg) + ": '" + std::string(value) + "'");
    }
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return bad("--tls-cert and --tls-key go together: give both or neither");
  }
  return {config, 0, ""};
}

}  // namespace rt::app
