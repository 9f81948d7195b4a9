// roundtable: wires configuration, the embedded or external Redis, the store, the meeting
// registry and the listener, runs the I/O threads, and stops in order on SIGINT/SIGTERM.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>
#include <thread>

#include "app/config.hpp"
#include "app/embedded_redis.hpp"
#include "net/ids.hpp"
#include "net/listener.hpp"
#include "net/meeting_registry.hpp"
#include "net/server_context.hpp"
#include "net/tls.hpp"
#include "store/meeting_store.hpp"
#include "store/redis_nodes.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"

namespace asio = boost::asio;
using namespace rt;

namespace {

// How long start-up waits for Redis before giving up (a supervisor restarts us).
constexpr auto kRedisStartTimeout = std::chrono::seconds(30);
// A stop finishes within 10 s (what supervisors wait before SIGKILL): commits in flight
// take milliseconds, a Redis that hangs is dropped by the client's 5 s watchdog.
constexpr auto kDrainTimeout = std::chrono::seconds(8);
constexpr auto kCloseGrace = std::chrono::milliseconds(300);

template <class Ready>
bool wait_until(Ready ready, std::chrono::steady_clock::duration timeout,
                const std::atomic<bool>& stopping) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (stopping || std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = app::parse_config(
      argc, argv, [](const char* name) -> const char* { return std::getenv(name); });
  if (!parsed.config) {
    std::fputs(parsed.output.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  const app::Config cfg = *parsed.config;
  log::set_level(cfg.log_level);
  std::signal(SIGPIPE, SIG_IGN);

  if (!std::filesystem::exists(std::filesystem::path(cfg.web_root) / "index.html")) {
    log::warn("web root has no index.html; the web client will not load",
              {{"web_root", cfg.web_root}});
  }

  // Read before anything starts: a certificate that cannot be used stops the server here,
  // it never falls back to plain HTTP.
  std::unique_ptr<asio::ssl::context> tls;
  if (!cfg.tls_cert.empty()) {
    try {
      tls = net::make_tls_context(cfg.tls_cert, cfg.tls_key);
    } catch (const std::exception& e) {
      log::error("cannot start TLS", {{"error", e.what()}});
      return 1;
    }
  }

  std::optional<app::EmbeddedRedis> embedded;
  std::string redis_url = cfg.redis_url;
  try {
    if (redis_url.empty()) {
      embedded.emplace(cfg.redis_server, cfg.data_dir, cfg.durability);
      redis_url = embedded->url();
    }
  } catch (const std::exception& e) {
    log::error("cannot start the embedded redis-server", {{"error", e.what()}});
    return 1;
  }
  auto endpoint = store::parse_redis_url(redis_url);
  if (!endpoint) {
    std::fprintf(stderr,
                 "roundtable: --redis must look like redis://host:port/db or "
                 "redis-cluster://host:port, not '%s'\n",
                 redis_url.c_str());
    return 2;
  }

  // Destruction order matters: the metrics outlive the io_context, because sessions its
  // destructor frees still count themselves out; everything owning an Asio object (the
  // registry's meeting rooms hold strands) goes before the io_context.
  Metrics metrics;
  int threads = cfg.threads > 0 ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context ioc(threads);
  net::MeetingRegistry registry;
  auto work = asio::make_work_guard(ioc);

  std::atomic<bool> stopping{false};
  std::promise<void> stop_promise;
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    stopping = true;
    stop_promise.set_value();
  });

  auto redis = std::make_shared<store::RedisNodes>(ioc, *endpoint);
  // Other instances' commits arrive on connections of their own (a subscribed connection
  // takes no other command); after one was down, every meeting reads what it missed.
  redis->set_listeners([&metrics](bool up) { metrics.redis_up = up ? 1 : 0; },
                       [&registry](bool up) {
                         if (up) registry.catch_up();
                       });
  store::MeetingStore store(redis);
  store.on_published(
      [&registry](const std::string& meeting_id, std::string batch) {
        registry.published(meeting_id, std::move(batch));
      },
      [&registry](const std::string& meeting_id, std::string message) {
        registry.presence_heard(meeting_id, std::move(message));
      });
  redis->start();

  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  auto shutdown = [&](int code) {
    std::promise<void> redis_stopped;
    redis->stop([&] { redis_stopped.set_value(); });
    redis_stopped.get_future().wait_for(std::chrono::seconds(5));
    work.reset();
    ioc.stop();
    for (auto& t : pool) t.join();
    if (embedded) embedded->stop();
    log::info("stopped");
    return code;
  };

  if (!wait_until([&] { return redis->connected(); }, kRedisStartTimeout, stopping)) {
    if (stopping) return shutdown(0);
    log::error("cannot reach redis", {{"url", redis_url}});
    return shutdown(1);
  }

  std::string secret = cfg.secret;
  if (secret.empty()) {
    std::promise<std::optional<std::string>> stored;
    store.ensure_secret(net::new_secret(),
                        [&](std::optional<std::string> s) { stored.set_value(s); });
    auto s = stored.get_future().get();
    if (!s) {
      log::error("cannot read or store the token secret in redis");
      return shutdown(1);
    }
    secret = *s;
  }

  net::ClientLimits limits(cfg.meetings_per_ip_hour, cfg.failed_joins_per_ip_minute);
  net::ServerContext ctx{ioc,          store,
                         metrics,      registry,
                         secret,       cfg.allowed_origins,
                         cfg.web_root, std::chrono::seconds(cfg.away_after_s),
                         limits,       cfg.trusted_proxies};
  ctx.tls = tls.get();
  ctx.instance_id = net::new_meeting_id();  // 16 random characters, as unique as a meeting id
  ctx.commands_per_second = cfg.commands_per_second;
  ctx.commit_window_per_connection = std::chrono::microseconds(cfg.commit_window_per_connection_us);
  ctx.unload_after = std::chrono::seconds(cfg.unload_after_s);
  registry.bind(ctx);
  std::shared_ptr<net::Listener> listener;
  try {
    listener = std::make_shared<net::Listener>(
        ctx, asio::ip::tcp::endpoint(asio::ip::make_address(cfg.bind),
                                     static_cast<unsigned short>(cfg.port)));
  } catch (const std::exception& e) {
    log::error("cannot listen",
               {{"bind", cfg.bind}, {"port", std::to_string(cfg.port)}, {"error", e.what()}});
    return shutdown(1);
  }
  listener->run();
  std::printf("roundtable listening on %s://%s:%u/\n", tls ? "https" : "http", cfg.bind.c_str(),
              listener->port());
  std::fflush(stdout);
  log::info("listening", {{"bind", cfg.bind},
                          {"port", std::to_string(listener->port())},
                          {"redis", redis_url},
                          {"threads", std::to_string(threads)},
                          {"tls", tls ? "on" : "off"}});

  stop_promise.get_future().wait();
  // Graceful: no new connections; every meeting commits (and acks) what it has, then tells
  // its clients to reconnect; they resume here once restarted, or on another instance.
  log::info("stopping");
  listener->stop();
  std::promise<void> drained;
  registry.drain([&drained] { drained.set_value(); });
  if (drained.get_future().wait_for(kDrainTimeout) != std::future_status::ready) {
    log::warn("meetings did not finish their commits in time; stopping anyway");
  }
  // The shutting_down frames and close handshakes are queued on the sessions: let them out.
  std::this_thread::sleep_for(kCloseGrace);
  return shutdown(0);
}
