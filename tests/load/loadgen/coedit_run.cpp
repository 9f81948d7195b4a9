#include "coedit_run.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "client_messages.hpp"
#include "core/text.hpp"
#include "coro_wait.hpp"
#include "proc_stats.hpp"

namespace loadgen {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace core = rt::core;
using namespace std::chrono_literals;

namespace {

constexpr auto kSetupWithin = 30s;
constexpr auto kDrainWithin = 30s;
// What the editors type: ASCII, an accent, CJK, an emoji (one code point each, as the user
// counts them; the emoji is outside the BMP, two UTF-16 units in a browser).
constexpr char32_t kTyped[] = {U'a', U'e', U'o', U' ', U'é', U'学', U'😀'};

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

uint64_t next_random(uint64_t& x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

// The notes of item `item_id` in a welcome's snapshot, if it holds the item.
std::optional<std::string> notes_in(const nlohmann::json& welcome, const std::string& item_id) {
  for (const auto& item : welcome.at("meeting").at("items")) {
    if (item.at("id") == item_id) return item.at("notes").get<std::string>();
  }
  return std::nullopt;
}

core::TextOp at(size_t position, core::TextComponent edit) {
  core::TextOp op;
  if (position > 0) op.push_back({core::TextComponent::Kind::retain, position, {}});
  op.push_back(std::move(edit));
  return op;
}

}  // namespace

CoeditRun::CoeditRun(asio::io_context& ioc, Options options, int server_pid)
    : ioc_(ioc), o_(std::move(options)), server_pid_(server_pid) {
  figures_.workload = o_.workload;
  figures_.editors = o_.clients;
  figures_.seconds = o_.seconds;
  figures_.offered_keystrokes_per_s = o_.rate;
  figures_.text_length = o_.text_length;
  figures_.batch = o_.batch;
}

void CoeditRun::fail(std::string why) {
  if (figures_.error.empty()) figures_.error = std::move(why);
}

asio::awaitable<void> CoeditRun::run() {
  if (!co_await set_up()) co_return;
  const auto metrics_before = read_metrics(ioc_, o_.host, o_.port);
  const auto server_cpu_before = process_cpu_seconds(server_pid_);
  const auto redis_cpu_before = process_cpu_seconds(o_.redis_pid);
  const double own_cpu_before = own_cpu_seconds();

  const auto start = Clock::now();
  typing_ = true;
  if (o_.rate > 0) {
    co_await type_at_rate();
  } else {
    co_await type_flat_out();
  }
  typing_ = false;
  const double typed_for = seconds_between(start, Clock::now());
  figures_.committed_ops_per_s = static_cast<double>(committed_while_typing_) / typed_for;
  const bool drained_ok = co_await drained();

  const auto server_cpu_after = process_cpu_seconds(server_pid_);
  const auto redis_cpu_after = process_cpu_seconds(o_.redis_pid);
  figures_.loadgen_cpu_s = own_cpu_seconds() - own_cpu_before;
  if (server_cpu_before && server_cpu_after) {
    figures_.server_cpu_s = *server_cpu_after - *server_cpu_before;
  }
  if (redis_cpu_before && redis_cpu_after) {
    figures_.redis_cpu_s = *redis_cpu_after - *redis_cpu_before;
  }
  const auto metrics_after = read_metrics(ioc_, o_.host, o_.port);
  auto delta = [&](const char* name) -> std::optional<double> {
    auto a = metrics_before.find(name), b = metrics_after.find(name);
    if (a == metrics_before.end() || b == metrics_after.end()) return std::nullopt;
    return b->second - a->second;
  };
  auto events = delta("roundtable_events_committed_total");
  auto commits = delta("roundtable_commits_total");
  if (events && commits && *commits > 0) figures_.events_per_commit = *events / *commits;

  figures_.keystrokes = keystrokes_;
  figures_.ops_sent = sent_.size();
  figures_.ack = ack_.summarize();
  figures_.seen_by_each = seen_by_each_.summarize();
  figures_.seen_by_all = seen_by_all_.summarize();
  figures_.keystroke_to_all = keystroke_to_all_.summarize();
  if (drained_ok) co_await check_convergence();
}

asio::awaitable<bool> CoeditRun::set_up() {
  try {
    server_ = resolve_server(ioc_, o_.host, o_.port);
    ticket_ = create_meetings(ioc_, o_.host, o_.port, 1, "Co-edit " + o_.workload).at(0);
  } catch (const std::exception& e) {
    fail(std::string("creating the meeting: ") + e.what());
    co_return false;
  }
  editors_.resize(static_cast<size_t>(o_.clients));
  // Editor 0 is the facilitator and adds the item; its text starts at the item_added event.
  if (!co_await open_editor(0, JoinAs::facilitator)) co_return false;
  editors_[0].ws->send(R"({"type":"add_item","cid":"item","title":"Hot notes","notes":")" +
                       std::string(static_cast<size_t>(o_.text_length), 'x') + R"("})");
  if (!co_await wait_until([this] { return !item_id_.empty() || !figures_.error.empty(); },
                           Clock::now() + kSetupWithin, 1ms) ||
      item_id_.empty()) {
    fail("the hot item was not added");
    co_return false;
  }
  // The others join after it: their welcome holds the item.
  for (size_t i = 1; i < editors_.size(); ++i) {
    if (!co_await open_editor(i, JoinAs::member)) co_return false;
  }
  const uint64_t top = editors_.back().last_seq;
  if (!co_await wait_until(
          [this, top] {
            return std::all_of(editors_.begin(), editors_.end(),
                               [top](const Editor& e) { return e.last_seq >= top; });
          },
          Clock::now() + kSetupWithin, 1ms)) {
    fail("the editors did not catch up with the joins");
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> CoeditRun::open_editor(size_t index, JoinAs as) {
  Editor& e = editors_[index];
  e.random = 0x9E3779B97F4A7C15ull * (index + 1);
  e.ws = std::make_unique<WsClient>(ioc_);
  if (auto ec = co_await e.ws->open(server_)) {
    fail("editor " + std::to_string(index) + " could not connect: " + ec.message());
    co_return false;
  }
  e.ws->start_reading(
      [this, index](std::string_view text, Clock::time_point at) { on_frame(index, text, at); },
      [this, index](beast::error_code) {
        if (!editors_[index].closed) ++figures_.disconnects;
        editors_[index].closed = true;
      });
  e.ws->send(join_message(ticket_, as, "j" + std::to_string(index),
                          "Editor " + std::to_string(index), "remote", o_.batch));
  if (!co_await wait_until([&e] { return e.welcomed || e.closed; }, Clock::now() + kSetupWithin,
                           1ms) ||
      !e.welcomed) {
    fail("editor " + std::to_string(index) + " was not welcomed");
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> CoeditRun::type_at_rate() {
  const auto total = static_cast<uint64_t>(std::llround(o_.rate * o_.seconds));
  const auto interval = std::chrono::duration<double>(1.0 / o_.rate);
  const auto start = Clock::now();
  asio::steady_timer timer(ioc_);
  // An absolute schedule: a late wake-up types everything due since.
  for (uint64_t k = 0; k < total && figures_.error.empty();) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(interval * k);
    if (Clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(asio::use_awaitable);
    }
    const auto now = Clock::now();
    for (; k < total && start + std::chrono::duration_cast<Clock::duration>(interval * k) <= now;
         ++k) {
      keystroke(k % editors_.size(), now);
    }
  }
}

asio::awaitable<void> CoeditRun::type_flat_out() {
  // Each editor's first keystroke; from then on on_text_edited types the next one whenever
  // an editor's op is committed.
  const auto now = Clock::now();
  for (size_t i = 0; i < editors_.size(); ++i) keystroke(i, now);
  co_await sleep_for(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.seconds)));
}

asio::awaitable<bool> CoeditRun::drained() {
  auto done = [this] {
    if (!figures_.error.empty()) return true;
    uint64_t top = 0;
    for (const Editor& e : editors_) top = std::max(top, e.last_seq);
    return std::all_of(editors_.begin(), editors_.end(), [top](const Editor& e) {
      return e.closed || (e.inflight < 0 && !e.buffer && e.last_seq == top);
    });
  };
  if (!co_await wait_until(done, Clock::now() + kDrainWithin, 5ms)) {
    fail("the editors did not settle after typing");
    co_return false;
  }
  co_return figures_.error.empty();
}

asio::awaitable<void> CoeditRun::check_convergence() {
  for (const Editor& e : editors_) {
    if (e.text != editors_[0].text) {
      fail("the editors' texts differ after they settled");
      co_return;
    }
  }
  figures_.final_length = editors_[0].text.size();
  // The server's text, as a newcomer's welcome shows it.
  WsClient reader(ioc_);
  if (auto ec = co_await reader.open(server_)) {
    fail("the final reader could not connect: " + ec.message());
    co_return;
  }
  std::optional<std::string> notes;
  bool closed = false;
  reader.start_reading(
      [this, &notes](std::string_view text, Clock::time_point) {
        auto j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_object() && j.value("type", "") == "welcome") notes = notes_in(j, item_id_);
      },
      [&closed](beast::error_code) { closed = true; });
  reader.send(join_message(ticket_, JoinAs::member, "check", "Reader", "remote", false));
  co_await wait_until([&] { return notes.has_value() || closed; }, Clock::now() + kSetupWithin,
                      1ms);
  if (!notes) {
    fail("the final reader got no welcome with the item");
    co_return;
  }
  figures_.converged = core::to_code_points(*notes) == editors_[0].text;
  if (!figures_.converged) fail("the server's text differs from the editors'");
}

void CoeditRun::keystroke(size_t index, Clock::time_point now) {
  Editor& e = editors_[index];
  if (e.closed) return;
  const size_t length = e.text.size();
  const auto target = static_cast<size_t>(o_.text_length);
  const uint64_t r = next_random(e.random);
  const bool remove = length > 0 && (length > target + target / 5 ||
                                     (length > target - target / 5 && (r & 1) != 0));
  const size_t position = static_cast<size_t>((r >> 8) % (length + (remove ? 0 : 1)));
  core::TextOp op = remove
                        ? at(position, {core::TextComponent::Kind::remove, 1, {}})
                        : at(position, {core::TextComponent::Kind::insert, 1,
                                        std::u32string(1, kTyped[(r >> 40) % std::size(kTyped)])});
  e.text = *core::apply(e.text, op);
  ++keystrokes_;
  if (!e.first_unsent_keystroke) e.first_unsent_keystroke = now;
  if (e.inflight < 0) return send_op(index, std::move(op), now);
  // One op in flight: later keystrokes wait in the buffer, composed into one op.
  core::TextOp buffered = e.buffer ? core::compose(*e.buffer, op) : op;
  if (buffered.empty()) {
    e.buffer.reset();  // typed and deleted again: nothing to send
  } else {
    e.buffer = std::move(buffered);
  }
}

void CoeditRun::send_op(size_t index, core::TextOp op, Clock::time_point now) {
  Editor& e = editors_[index];
  const auto k = static_cast<int64_t>(sent_.size());
  sent_.push_back(
      {static_cast<uint32_t>(index), now, e.first_unsent_keystroke.value_or(now), 0, false});
  e.first_unsent_keystroke.reset();
  e.inflight = k;
  e.inflight_op = op;
  e.ws->send(R"({"type":"edit_text","cid":"e)" + std::to_string(k) +
             R"(","field":"notes","itemId":")" + item_id_ + R"(","version":)" +
             std::to_string(e.last_seq) + R"(,"op":)" + core::to_json(op).dump() + '}');
}

int64_t CoeditRun::sent_index(std::string_view cid) const {
  if (cid.size() < 2 || cid[0] != 'e') return -1;
  uint64_t k = 0;
  auto [end, ec] = std::from_chars(cid.data() + 1, cid.data() + cid.size(), k);
  if (ec != std::errc() || end != cid.data() + cid.size() || k >= sent_.size()) return -1;
  return static_cast<int64_t>(k);
}

void CoeditRun::on_frame(size_t index, std::string_view text, Clock::time_point received) {
  const FrameScan scan =
      scan_frame(text, batch_parts_, [&](std::string_view message, const MessageHead& head) {
        on_message(index, message, head, received);
      });
  if (!scan.error.empty()) fail(std::string(scan.error));
}

void CoeditRun::on_message(size_t index, std::string_view text, const MessageHead& head,
                           Clock::time_point received) {
  Editor& e = editors_[index];
  if (head.type == "event") {
    // An op this editor sends from now on is based on this seq.
    if (!next_in_order(e.last_seq, head.seq, figures_.lost_deliveries,
                       figures_.duplicated_deliveries)) {
      return;
    }
    if (head.kind == "text_edited") {
      on_text_edited(index, text, head, received);
    } else if (head.kind == "item_added" && head.cid == "item" && index == 0) {
      auto j = nlohmann::json::parse(text);
      e.text = core::to_code_points(j.at("data").at("notes").get<std::string>());
      item_id_ = j.at("data").at("itemId").get<std::string>();
    }
  } else if (head.type == "ack") {
    if (int64_t k = sent_index(head.cid); k >= 0 && !sent_[k].acked) {
      sent_[k].acked = true;
      ack_.add(received - sent_[k].sent);
    }
  } else if (head.type == "welcome") {
    auto j = nlohmann::json::parse(text);
    e.last_seq = j.at("version").get<uint64_t>();
    if (auto notes = notes_in(j, item_id_)) e.text = core::to_code_points(*notes);
    e.welcomed = true;
  } else if (head.type == "reject" || head.type == "error") {
    ++figures_.reject_codes[std::string(head.code)];
    fail("the server refused: " + std::string(head.code) + " (cid " + std::string(head.cid) + ")");
  }
}

void CoeditRun::on_text_edited(size_t index, std::string_view text, const MessageHead& head,
                               Clock::time_point received) {
  Editor& e = editors_[index];
  if (index == 0) {  // editor 0 sees every commit, its own included
    ++figures_.ops_committed;
    if (typing_) ++committed_while_typing_;
  }
  const int64_t k = sent_index(head.cid);
  if (k >= 0 && sent_[k].editor == index) {
    if (k != e.inflight) return fail("an editor's op was committed out of turn");
    // Ours, committed (perhaps transformed; it is applied here already): the buffer goes next.
    e.inflight = -1;
    e.inflight_op.reset();
    if (e.buffer) {
      core::TextOp next = std::move(*e.buffer);
      e.buffer.reset();
      send_op(index, std::move(next), received);
    } else if (typing_ && o_.rate <= 0) {
      keystroke(index, received);
    }
    return;
  }
  // Another's op: moved past this editor's uncommitted edits, then applied. At a tie the
  // committed op goes first, as the server decides for ours.
  core::TextOp incoming = op_of(head.seq, text);
  for (auto* mine : {&e.inflight_op, &e.buffer}) {
    if (!*mine) continue;
    core::TextOp moved = core::transform(**mine, incoming, core::Side::right);
    incoming = core::transform(incoming, **mine, core::Side::left);
    **mine = std::move(moved);
  }
  if (e.buffer && e.buffer->empty()) e.buffer.reset();
  auto applied = core::apply(e.text, incoming);
  if (!applied)
    return fail("editor " + std::to_string(index) + " could not apply seq " +
                std::to_string(head.seq) + ": the texts diverged");
  e.text = std::move(*applied);
  if (k >= 0) {
    SentOp& s = sent_[k];
    seen_by_each_.add(received - s.sent);
    if (++s.seen_by == editors_.size() - 1) {
      seen_by_all_.add(received - s.sent);
      keystroke_to_all_.add(received - s.first_keystroke);
    }
  }
}

const core::TextOp& CoeditRun::op_of(uint64_t seq, std::string_view text) {
  if (ops_.empty()) ops_base_ = seq;
  if (seq < ops_base_) throw std::logic_error("an op older than the cache");
  while (ops_.size() <= seq - ops_base_) ops_.emplace_back();
  auto& slot = ops_[seq - ops_base_];
  if (!slot) {
    auto j = nlohmann::json::parse(text);
    auto op = core::text_op_from_json(j.at("data").at("op"));
    if (auto* bad = std::get_if<core::Rejection>(&op)) {
      throw std::runtime_error("an event with a bad op: " + bad->message);
    }
    slot = std::get<core::TextOp>(std::move(op));
  }
  // Drop what every editor has applied already.
  uint64_t oldest = seq;
  for (const Editor& e : editors_) {
    if (!e.closed) oldest = std::min(oldest, e.last_seq + 1);
  }
  while (!ops_.empty() && ops_base_ < oldest) {
    ops_.pop_front();
    ++ops_base_;
  }
  return *ops_[seq - ops_base_];
}

}  // namespace loadgen
