#include "load_run.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "client_messages.hpp"
#include "coro_wait.hpp"
#include "json_scan.hpp"
#include "proc_stats.hpp"

namespace loadgen {
namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;

namespace {

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Whether load command k adds an item: a fixed hash of k, so runs are repeatable.
bool is_add(uint64_t k, double add_share) {
  uint64_t h = (k + 1) * 0x9E3779B97F4A7C15ull;
  return static_cast<double>((h >> 40) % 10000) < add_share * 10000.0;
}

constexpr std::string_view kStatuses[] = {"agreed", "in_progress", "done", "proposed", "dropped"};
constexpr auto kSetupDeadline = 300s;          // 20,000 joins on a busy 2-core machine
constexpr uint32_t kItemsPerMeetingCap = 950;  // the server's limit is 1,000
// A slow client's socket receive buffer: small, so that the server's queue for it fills
// within seconds once it stops reading (the kernel would otherwise buffer megabytes).
constexpr int kSlowReceiveBuffer = 4096;

}  // namespace

LoadRun::LoadRun(asio::io_context& ioc, Options options, int server_pid)
    : ioc_(ioc), o_(std::move(options)), server_pid_(server_pid) {
  figures_.workload = o_.workload;
  figures_.clients = o_.clients;
  figures_.batch = o_.batch;
  figures_.meetings = o_.meetings;
  figures_.seconds = o_.seconds;
  figures_.offered_commands_per_s = o_.rate;
}

void LoadRun::fail(std::string why) {
  if (figures_.error.empty()) figures_.error = std::move(why);
}

std::optional<int64_t> LoadRun::server_rss() const {
  return server_pid_ > 0 ? process_rss_kib(server_pid_) : std::nullopt;
}

asio::awaitable<void> LoadRun::run() {
  if (!co_await create_meetings_and_members()) co_return;

  // Memory before any connection, after each meeting's first client (which also loads the
  // meeting's room into the server), and after all of them.
  figures_.rss_before_connect_kib = server_rss();
  const auto connect_start = Clock::now();
  const auto meetings = static_cast<uint32_t>(o_.meetings);
  const auto clients = static_cast<uint32_t>(o_.clients);
  if (!co_await connect(0, meetings)) co_return;
  co_await sleep_for(500ms);
  figures_.rss_after_first_kib = server_rss();
  if (!co_await connect(meetings, clients)) co_return;
  figures_.connect_seconds = seconds_between(connect_start, Clock::now());
  co_await sleep_for(500ms);
  figures_.rss_connected_kib = server_rss();

  if (o_.rate > 0 && !co_await add_own_items()) co_return;
  co_await sleep_for(1s);  // let the server's queues and allocator settle
  figures_.rss_idle_kib = server_rss();

  const auto metrics_before = read_metrics(ioc_, o_.host, o_.port);
  const auto server_cpu_before = process_cpu_seconds(server_pid_);
  const auto redis_cpu_before = o_.redis_pid > 0 ? process_cpu_seconds(o_.redis_pid) : std::nullopt;
  const double own_cpu_before = own_cpu_seconds();
  sampling_ = true;
  asio::co_spawn(ioc_, sample_rss(), asio::detached);

  co_await offer_load();

  sampling_ = false;
  const auto server_cpu_after = process_cpu_seconds(server_pid_);
  const auto redis_cpu_after = o_.redis_pid > 0 ? process_cpu_seconds(o_.redis_pid) : std::nullopt;
  figures_.loadgen_cpu_s = own_cpu_seconds() - own_cpu_before;
  if (server_cpu_before && server_cpu_after) {
    figures_.server_cpu_s = *server_cpu_after - *server_cpu_before;
  }
  if (redis_cpu_before && redis_cpu_after) {
    figures_.redis_cpu_s = *redis_cpu_after - *redis_cpu_before;
  }
  const auto metrics_after = read_metrics(ioc_, o_.host, o_.port);
  auto delta = [&](const std::string& name) -> std::optional<double> {
    auto a = metrics_before.find(name), b = metrics_after.find(name);
    if (a == metrics_before.end() || b == metrics_after.end()) return std::nullopt;
    return b->second - a->second;
  };
  auto events = delta("roundtable_events_committed_total");
  auto commits = delta("roundtable_commits_total");
  if (events && commits && *commits > 0) figures_.events_per_commit = *events / *commits;

  figures_.sent = sends_.size();
  figures_.unanswered = sends_.size() - answered_;
  figures_.lost_deliveries = gaps_ + missing_at_end();
  figures_.delivery = delivery_.summarize();
  figures_.ack = ack_.summarize();
  LatencySamples first, spread;
  for (const Send& s : sends_) {
    if (!s.seen) continue;
    first.add(s.first_seen - s.at);
    spread.add(s.last_seen - s.first_seen);
  }
  figures_.first_delivery = first.summarize();
  figures_.delivery_spread = spread.summarize();
  if (figures_.acked > 0) {
    figures_.achieved_commands_per_s =
        static_cast<double>(figures_.acked) / seconds_between(load_start_, last_ack_at_);
  }
  if (figures_.deliveries > 0) {
    figures_.deliveries_per_s =
        static_cast<double>(figures_.deliveries) / seconds_between(load_start_, last_delivery_at_);
  }
}

asio::awaitable<bool> LoadRun::create_meetings_and_members() {
  try {
    server_ = resolve_server(ioc_, o_.host, o_.port);
    auto tickets = create_meetings(ioc_, o_.host, o_.port, o_.meetings, "Load " + o_.workload);
    for (auto& t : tickets) meetings_.push_back({std::move(t), {}, 0, 0});
  } catch (const std::exception& e) {
    fail(std::string("creating meetings: ") + e.what());
    co_return false;
  }
  // Round-robin: client i is in meeting i % R, so the first R clients are one per meeting
  // and the load's round-robin over clients also alternates meetings.
  members_.resize(o_.clients);
  // Every stride-th client is slow (never the first of a meeting, which measures the room).
  const uint32_t stride =
      o_.slow_share > 0 ? static_cast<uint32_t>(std::max(1.0, std::round(1.0 / o_.slow_share))) : 0;
  for (uint32_t i = 0; i < members_.size(); ++i) {
    members_[i].meeting = i % meetings_.size();
    meetings_[members_[i].meeting].members.push_back(i);
    members_[i].slow = stride > 0 && i >= meetings_.size() && i % stride == stride - 1;
    if (members_[i].slow) {
      ++figures_.slow_clients;
    } else {
      senders_.push_back(i);
    }
  }
  co_return true;
}

asio::awaitable<bool> LoadRun::connect(uint32_t begin, uint32_t end) {
  const auto deadline = Clock::now() + kSetupDeadline;
  for (uint32_t i = begin; i < end; ++i) {
    // A bounded number of handshakes and joins at once: the server's accept backlog and
    // its join commits are what is being fed, and a burst of 20,000 measures neither.
    while (joining_ >= o_.connect_concurrency) co_await sleep_for(1ms);
    ++joining_;
    members_[i].state = State::connecting;
    asio::co_spawn(ioc_, open_member(i), asio::detached);
  }
  if (!co_await wait_until([this] { return joining_ == 0; }, deadline, 5ms)) {
    fail(std::to_string(joining_) + " clients not welcomed within the setup deadline");
    co_return false;
  }
  if (figures_.connect_failures > 0) {
    fail(std::to_string(figures_.connect_failures) + " of " + std::to_string(end - begin) +
         " clients could not connect or join");
    co_return false;
  }
  // Everyone has seen everyone else's participant_joined before anything is measured.
  if (!co_await wait_until([this] { return settled(); }, deadline)) {
    fail("clients did not catch up with their meetings' joins");
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> LoadRun::open_member(uint32_t index) {
  Member& m = members_[index];
  m.ws = std::make_unique<WsClient>(ioc_);
  auto ec = co_await m.ws->open(server_, m.slow ? kSlowReceiveBuffer : 0);
  if (ec) {
    m.state = State::failed;
    --joining_;
    ++figures_.connect_failures;
    ++figures_.server_errors["connect: " + ec.message()];
    co_return;
  }
  start_reading(index);
  m.state = State::joining;
  const std::string id = std::to_string(index);
  m.ws->send(join_message(meetings_[m.meeting].ticket, JoinAs::member, "j" + id,
                          "Load client " + id, "remote", o_.batch));
}

void LoadRun::start_reading(uint32_t index) {
  members_[index].ws->start_reading(
      [this, index](std::string_view text, Clock::time_point at) { on_frame(index, text, at); },
      [this, index](beast::error_code closed_ec) { on_closed(index, closed_ec); });
}

asio::awaitable<void> LoadRun::resume_member(uint32_t index) {
  Member& m = members_[index];
  // The old client is still on the call stack that reported its close: keep it alive.
  retired_.push_back(std::move(m.ws));
  m.ws = std::make_unique<WsClient>(ioc_);
  if (auto ec = co_await m.ws->open(server_)) {
    m.state = State::closed;
    ++figures_.server_errors["resume connect: " + ec.message()];
    co_return;
  }
  start_reading(index);
  m.ws->send(resume_message("r" + std::to_string(index), m.token, m.last_seq, o_.batch));
}

asio::awaitable<bool> LoadRun::add_own_items() {
  // One item per client, so each updates its own and last-writer-wins hides nothing.
  // Paced at ~1,000/s: a burst of thousands would only test the slow-consumer limit.
  for (uint32_t i : senders_) {
    Member& m = members_[i];
    m.setup_cid = "s" + std::to_string(i);
    ++meetings_[m.meeting].items;
    m.ws->send(R"({"type":"add_item","cid":")" + m.setup_cid + R"(","title":"Item of client )" +
               std::to_string(i) + R"("})");
    if (i % 20 == 19) co_await sleep_for(20ms);
  }
  auto all_have_items = [this] {
    return std::all_of(members_.begin(), members_.end(), [](const Member& m) {
      return m.slow || (m.item_acked && !m.item_id.empty());
    });
  };
  const auto deadline = Clock::now() + kSetupDeadline;
  // A refused add (limit_reached, unavailable) ends the wait at once rather than at the deadline.
  if (!co_await wait_until([&] { return setup_rejections_ > 0 || (all_have_items() && settled()); },
                           deadline) ||
      setup_rejections_ > 0) {
    fail("not every client's own item was added and seen");
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> LoadRun::offer_load() {
  load_start_ = Clock::now();
  if (o_.rate <= 0) {
    // Idle connections: held open, nothing sent; the server only answers pings.
    co_await sleep_for(
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.seconds)));
    co_return;
  }
  const auto total = static_cast<uint64_t>(std::llround(o_.rate * o_.seconds));
  sends_.reserve(total);
  // Every other client of the sender's meeting receives each command's event.
  delivery_.reserve(
      static_cast<size_t>(static_cast<double>(total) *
                          std::max(0.0, static_cast<double>(o_.clients) / o_.meetings - 1.0)));
  ack_.reserve(total);
  const auto interval = std::chrono::duration<double>(1.0 / o_.rate);
  auto due = [&](uint64_t k) {
    return load_start_ + std::chrono::duration_cast<Clock::duration>(interval * k);
  };
  asio::steady_timer timer(ioc_);
  double lag_max_s = 0;
  for (Member& m : members_) {
    if (m.slow) m.ws->pause_reading();
  }
  // The schedule is absolute: a late wake-up sends everything due since, so the offered
  // rate holds even when the generator is slow (and send_lag_max_ms says how slow).
  for (uint64_t k = 0; k < total;) {
    if (Clock::now() < due(k)) {
      timer.expires_at(due(k));
      co_await timer.async_wait(asio::use_awaitable);
    }
    const auto now = Clock::now();
    for (; k < total && due(k) <= now; ++k) {
      lag_max_s = std::max(lag_max_s, seconds_between(due(k), now));
      send_command(k, now);
    }
  }
  figures_.send_lag_max_ms = lag_max_s * 1000.0;
  // The slow clients wake up: they read what the server sent before it cut them off, then
  // resume from their last seq (on_closed).
  for (Member& m : members_) {
    if (m.slow && m.state == State::joined) m.ws->resume_reading();
  }
  // Drain: every command answered and every client caught up with its meeting.
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(o_.drain_seconds));
  co_await wait_until([this] { return answered_ == sends_.size() && settled(); }, deadline);
}

void LoadRun::send_command(uint64_t k, Clock::time_point now) {
  const uint32_t index = senders_[k % senders_.size()];
  Member& m = members_[index];
  if (m.state != State::joined) return;  // gone: counted as a disconnect, nothing to send
  Meeting& meeting = meetings_[m.meeting];
  const std::string ks = std::to_string(k);
  std::string msg;
  msg.reserve(128);
  msg += R"({"type":")";
  if (is_add(k, o_.add_share) && meeting.items < kItemsPerMeetingCap) {
    ++meeting.items;
    msg += R"(add_item","cid":"b)" + ks + R"(","title":"Load item )" + ks + R"("})";
  } else {
    // Rotate the fields an item edit touches; each is a whole-field replace on the server.
    msg += R"(update_item","cid":"b)" + ks + R"(","itemId":")" + m.item_id + R"(",)";
    const uint64_t round = k / senders_.size();
    switch (round % 4) {
      case 0:
        msg += R"("owner":"Owner )" + ks + '"';
        break;
      case 1:
        msg += R"("status":")" + std::string(kStatuses[(round / 4) % 5]) + '"';
        break;
      case 2:
        msg += R"("title":"Item )" + ks + '"';
        break;
      default:
        msg += R"("due":"2027-)" + std::string(round % 9 + 1 < 10 ? "0" : "") +
               std::to_string(round % 9 + 1) + R"(-15")";
        break;
    }
    msg += '}';
  }
  sends_.push_back({now, index, false, false, {}, {}});
  m.ws->send(std::move(msg));
}

asio::awaitable<void> LoadRun::sample_rss() {
  while (sampling_) {
    if (auto rss = server_rss()) {
      figures_.rss_loaded_max_kib = std::max(figures_.rss_loaded_max_kib.value_or(0), *rss);
    }
    co_await sleep_for(100ms);
  }
}

int64_t LoadRun::send_index(std::string_view cid) const {
  if (cid.size() < 2 || cid[0] != 'b') return -1;
  uint64_t k = 0;
  auto [end, ec] = std::from_chars(cid.data() + 1, cid.data() + cid.size(), k);
  if (ec != std::errc() || end != cid.data() + cid.size() || k >= sends_.size()) return -1;
  return static_cast<int64_t>(k);
}

void LoadRun::on_frame(uint32_t index, std::string_view text, Clock::time_point received) {
  ++figures_.frames;
  const FrameScan scan =
      scan_frame(text, batch_parts_, [&](std::string_view message, const MessageHead& head) {
        on_message(index, message, head, received);
      });
  if (scan.batch) ++figures_.batch_frames;
  if (!scan.error.empty()) ++figures_.server_errors[std::string(scan.error)];
}

void LoadRun::on_message(uint32_t index, std::string_view text, const MessageHead& head,
                         Clock::time_point received) {
  Member& m = members_[index];
  Meeting& meeting = meetings_[m.meeting];
  if (head.type == "event") {
    on_event(m, index, text, head.seq, head.cid, head.actor, received);
    return;
  }
  if (head.type == "ack") {
    meeting.top_seq = std::max(meeting.top_seq, head.seq);
    if (int64_t k = send_index(head.cid); k >= 0) {
      Send& s = sends_[k];
      if (s.answered || s.member != index) {
        ++figures_.server_errors["ack answered twice or to the wrong client"];
        return;
      }
      s.answered = true;
      ++answered_;
      ++figures_.acked;
      ack_.add(received - s.at);
      last_ack_at_ = received;
    } else if (head.cid == m.setup_cid) {
      m.item_acked = true;
    }
    return;
  }
  if (head.type == "reject") {
    ++figures_.reject_codes[std::string(head.code)];
    if (int64_t k = send_index(head.cid); k >= 0 && !sends_[k].answered) {
      sends_[k].answered = true;
      ++answered_;
      ++figures_.rejected;
    } else if (m.state == State::joining) {
      m.state = State::failed;
      --joining_;
      ++figures_.connect_failures;
    } else if (!m.setup_cid.empty() && head.cid == m.setup_cid) {
      ++setup_rejections_;
    }
    return;
  }
  if (head.type == "welcome") {
    // Once per client, so a full parse costs nothing that matters.
    auto j = nlohmann::json::parse(text);
    if (m.state == State::resuming) {
      // Back after being cut off: the missed events follow (resumeFrom), or a snapshot.
      ++figures_.slow_resumed;
      if (!j.contains("resumeFrom")) {
        ++figures_.slow_resumed_by_snapshot;
        m.last_seq = j.at("version").get<uint64_t>();
      }
      m.state = State::joined;
      return;
    }
    m.participant_id = j.at("you").at("participantId").get<std::string>();
    m.token = j.at("token").get<std::string>();
    m.last_seq = j.at("version").get<uint64_t>();
    meeting.top_seq = std::max(meeting.top_seq, m.last_seq);
    if (m.state == State::joining) {
      m.state = State::joined;
      --joining_;
    }
    return;
  }
  if (head.type == "error") {
    ++figures_.server_errors[std::string(head.code)];
    if (m.slow && head.code == "slow_consumer") ++figures_.slow_cut;
  }
  // presence and editing are not events (no seq): nothing to account for.
}

void LoadRun::on_event(Member& m, uint32_t index, std::string_view text, uint64_t seq,
                       std::string_view cid, std::string_view actor, Clock::time_point received) {
  Meeting& meeting = meetings_[m.meeting];
  if (!next_in_order(m.last_seq, seq, gaps_, figures_.duplicated_deliveries)) return;
  meeting.top_seq = std::max(meeting.top_seq, seq);
  if (int64_t k = send_index(cid); k >= 0) {
    Send& s = sends_[k];
    // A slow client's late receipts are its own doing, not the server's latency.
    if (s.member != index && !m.slow) {
      if (!s.seen) s.first_seen = received;
      s.seen = true;
      s.last_seen = received;
      delivery_.add(received - s.at);
      ++figures_.deliveries;
      last_delivery_at_ = received;
    }
  } else if (!m.setup_cid.empty() && cid == m.setup_cid && actor == m.participant_id) {
    // The client's own item: the id to update during the load (setup only, parsed fully).
    m.item_id = nlohmann::json::parse(text).at("data").at("itemId").get<std::string>();
  }
}

void LoadRun::on_closed(uint32_t index, beast::error_code ec) {
  Member& m = members_[index];
  if (m.state == State::connecting || m.state == State::joining) {
    --joining_;
    ++figures_.connect_failures;
    ++figures_.server_errors["closed before welcome: " + ec.message()];
  } else if (m.state == State::joined && m.slow) {
    m.state = State::resuming;
    asio::co_spawn(ioc_, resume_member(index), asio::detached);
    return;
  } else if (m.state == State::joined || m.state == State::resuming) {
    ++figures_.disconnects;
    ++figures_.server_errors["closed: " + ec.message()];
  }
  m.state = State::closed;
}

bool LoadRun::settled() const {
  for (const Member& m : members_) {
    const bool live = m.state == State::joined || m.state == State::resuming;
    if (live && m.last_seq < meetings_[m.meeting].top_seq) return false;
  }
  return true;
}

uint64_t LoadRun::missing_at_end() const {
  uint64_t missing = 0;
  for (const Member& m : members_) {
    // A client that was disconnected misses the rest of its meeting: counted as lost.
    if (m.state == State::joined || m.state == State::resuming || m.state == State::closed) {
      missing += meetings_[m.meeting].top_seq - m.last_seq;
    }
  }
  return missing;
}

}  // namespace loadgen
