#include "vote_run.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "client_messages.hpp"
#include "coro_wait.hpp"
#include "proc_stats.hpp"
#include "server_http.hpp"

namespace loadgen {
namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;

namespace {

constexpr auto kJoinWithin = 10s;
constexpr auto kAnswerWithin = 30s;   // 500 ballots in a second on a busy machine
constexpr auto kCatchUpWithin = 30s;  // every screen has every event
constexpr std::string_view kChoices[] = {"agree", "disagree", "abstain"};

}  // namespace

VoteRun::VoteRun(asio::io_context& ioc, Options options, int server_pid)
    : ioc_(ioc), o_(std::move(options)), server_pid_(server_pid) {
  figures_.workload = o_.workload;
  figures_.voters = o_.clients;
  figures_.rounds = o_.rounds;
  figures_.results = o_.vote_results;
  figures_.visibility = o_.vote_visibility;
  figures_.batch = o_.batch;
}

void VoteRun::fail(std::string why) {
  if (figures_.error.empty()) figures_.error = std::move(why);
}

asio::awaitable<void> VoteRun::run() {
  if (co_await join_all()) {
    for (int r = 0; r < o_.rounds; ++r) {
      if (!co_await vote_round(r)) break;
    }
  }
  figures_.close_to_every_screen = every_screen_.summarize();
  figures_.close_to_one_screen = one_screen_.summarize();
  figures_.ballot_ack = ballot_ack_.summarize();
  const auto rounds = static_cast<double>(figures_.close_to_every_screen.count);
  if (rounds > 0) {
    if (server_cpu_known_) figures_.server_cpu_ms_per_close = close_server_cpu_s_ * 1000 / rounds;
    figures_.loadgen_cpu_ms_per_close = close_own_cpu_s_ * 1000 / rounds;
  }
}

asio::awaitable<bool> VoteRun::join_all() {
  MeetingTicket ticket;
  try {
    server_ = resolve_server(ioc_, o_.host, o_.port);
    ticket = create_meetings(ioc_, o_.host, o_.port, 1, "Vote " + o_.workload).at(0);
  } catch (const std::exception& e) {
    fail(std::string("creating the meeting: ") + e.what());
    co_return false;
  }
  voters_.resize(static_cast<size_t>(o_.clients));
  // One after the other: a join is a commit, and this is setup, not what is measured.
  for (size_t i = 0; i < voters_.size(); ++i) {
    Voter& v = voters_[i];
    v.ws = std::make_unique<WsClient>(ioc_);
    if (auto ec = co_await v.ws->open(server_)) {
      fail("voter " + std::to_string(i) + " could not connect: " + ec.message());
      co_return false;
    }
    v.ws->start_reading(
        [this, i](std::string_view text, Clock::time_point at) { on_frame(i, text, at); },
        [this, i](beast::error_code) {
          if (!voters_[i].closed) ++figures_.disconnects;
          voters_[i].closed = true;
        });
    const std::string cid = "j" + std::to_string(i);
    request(i, cid,
            join_message(ticket, i == 0 ? JoinAs::facilitator : JoinAs::member, cid,
                         "Voter " + std::to_string(i), i % 2 ? "room" : "remote", o_.batch));
    if (!co_await answered(cid, kJoinWithin)) co_return false;
  }
  uint64_t top = 0;
  for (const Voter& v : voters_) top = std::max(top, v.last_seq);
  co_return co_await caught_up(top, kCatchUpWithin);
}

asio::awaitable<bool> VoteRun::vote_round(int round) {
  const std::string r = std::to_string(round);
  const std::string open_cid = "open" + r;
  request(0, open_cid,
          R"({"type":"open_vote","cid":")" + open_cid +
              R"(","method":"consent","question":"Round )" + r + R"(?","results":")" +
              o_.vote_results + R"(","visibility":")" + o_.vote_visibility + R"("})");
  if (!co_await answered(open_cid, kAnswerWithin)) co_return false;
  const uint64_t opened_seq = answers_[open_cid].seq;
  const std::string vote_id = "v" + std::to_string(opened_seq);
  if (!co_await caught_up(opened_seq, kCatchUpWithin)) co_return false;

  // Every voter's ballot at a random moment within one second (fixed seeds: repeatable).
  std::mt19937 random(static_cast<uint32_t>(round) + 1);
  std::uniform_int_distribution<int> within_ms(0, 999);
  std::vector<std::pair<int, size_t>> schedule;  // (ms after the start, voter)
  for (size_t i = 0; i < voters_.size(); ++i) schedule.emplace_back(within_ms(random), i);
  std::sort(schedule.begin(), schedule.end());
  const auto start = Clock::now();
  asio::steady_timer timer(ioc_);
  for (const auto& [ms, i] : schedule) {
    timer.expires_at(start + std::chrono::milliseconds(ms));
    co_await timer.async_wait(asio::use_awaitable);
    const std::string cid = "b" + r + "-" + std::to_string(i);
    request(i, cid,
            R"({"type":"cast_ballot","cid":")" + cid + R"(","voteId":")" + vote_id +
                R"(","ballot":{"choice":")" + std::string(kChoices[i % 3]) + R"("}})");
  }
  uint64_t last_ballot_seq = opened_seq;
  for (const auto& [ms, i] : schedule) {
    const std::string cid = "b" + r + "-" + std::to_string(i);
    if (!co_await answered(cid, kAnswerWithin)) co_return false;
    const Answer& a = answers_[cid];
    last_ballot_seq = std::max(last_ballot_seq, a.seq);
    ballot_ack_.add(a.done_at - a.sent);
  }
  if (!co_await caught_up(last_ballot_seq, kCatchUpWithin)) co_return false;

  // The close: timed from the send to each screen's receipt of vote_closed.
  for (Voter& v : voters_) v.close_seen.reset();
  const auto server_cpu_before = process_cpu_seconds(server_pid_);
  const double own_cpu_before = own_cpu_seconds();
  closing_ = true;
  const std::string close_cid = "close" + r;
  request(0, close_cid,
          R"({"type":"close_vote","cid":")" + close_cid + R"(","voteId":")" + vote_id + R"("})");
  const auto sent = answers_[close_cid].sent;
  auto all_seen = [this] {
    return std::all_of(voters_.begin(), voters_.end(),
                       [](const Voter& v) { return v.close_seen.has_value(); });
  };
  // Polled every millisecond: the poll's delay is not in the figures (receipt times are
  // taken in the read handlers), only in when the CPU reading below is taken.
  const bool seen = co_await wait_until(all_seen, Clock::now() + kCatchUpWithin, 1ms);
  const auto server_cpu_after = process_cpu_seconds(server_pid_);
  close_own_cpu_s_ += own_cpu_seconds() - own_cpu_before;
  if (server_cpu_before && server_cpu_after) {
    close_server_cpu_s_ += *server_cpu_after - *server_cpu_before;
  } else {
    server_cpu_known_ = false;
  }
  closing_ = false;
  if (!seen) {
    fail("round " + r + ": not every screen received the close");
    co_return false;
  }
  if (!co_await answered(close_cid, kAnswerWithin)) co_return false;
  Clock::time_point last = sent;
  for (const Voter& v : voters_) {
    one_screen_.add(*v.close_seen - sent);
    last = std::max(last, *v.close_seen);
  }
  every_screen_.add(last - sent);
  co_return co_await caught_up(answers_[close_cid].seq, kCatchUpWithin);
}

void VoteRun::request(size_t index, const std::string& cid, std::string json) {
  answers_[cid] = Answer{Clock::now(), {}};
  voters_[index].ws->send(std::move(json));
}

asio::awaitable<bool> VoteRun::answered(const std::string& cid, Clock::duration within) {
  const Answer& a = answers_[cid];
  if (!co_await wait_until([&a] { return a.done; }, Clock::now() + within, 1ms)) {
    fail(cid + " was not answered");
    co_return false;
  }
  if (!a.acked) {
    fail(cid + " was rejected");
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> VoteRun::caught_up(uint64_t seq, Clock::duration within) {
  auto done = [this, seq] {
    return std::all_of(voters_.begin(), voters_.end(),
                       [seq](const Voter& v) { return v.closed || v.last_seq >= seq; });
  };
  if (!co_await wait_until(done, Clock::now() + within, 1ms)) {
    fail("the screens did not catch up with seq " + std::to_string(seq));
    co_return false;
  }
  co_return true;
}

void VoteRun::on_frame(size_t index, std::string_view text, Clock::time_point received) {
  const FrameScan scan =
      scan_frame(text, batch_parts_, [&](std::string_view message, const MessageHead& head) {
        on_message(index, message, head, received);
      });
  if (!scan.error.empty()) fail(std::string(scan.error));
}

void VoteRun::on_message(size_t index, std::string_view text, const MessageHead& head,
                         Clock::time_point received) {
  Voter& v = voters_[index];
  if (head.type == "event") {
    if (!next_in_order(v.last_seq, head.seq, figures_.lost_deliveries,
                       figures_.duplicated_deliveries)) {
      return;
    }
    if (head.kind == "vote_closed") {
      figures_.close_message_bytes = std::max(figures_.close_message_bytes, text.size());
      if (closing_ && !v.close_seen) v.close_seen = received;
    }
  } else if (head.type == "ack" || head.type == "reject" || head.type == "welcome") {
    // A welcome answers a join; the voter's seq starts at the meeting's version.
    if (head.type == "welcome")
      v.last_seq = nlohmann::json::parse(text).at("version").get<uint64_t>();
    auto a = answers_.find(head.cid);
    if (a == answers_.end() || a->second.done) return fail("an answer to no pending command");
    a->second.done = true;
    a->second.done_at = received;
    a->second.acked = head.type != "reject";
    a->second.seq = head.seq;
    if (!a->second.acked) ++figures_.reject_codes[std::string(head.code)];
  } else if (head.type == "error") {
    ++figures_.reject_codes[std::string(head.code)];
  }
}

}  // namespace loadgen
