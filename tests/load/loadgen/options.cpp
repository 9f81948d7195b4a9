#include "options.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <type_traits>

namespace loadgen {
namespace {

constexpr std::string_view kUsage = R"(usage: roundtable_loadgen [options]
  --url http://HOST:PORT     the server (default http://127.0.0.1:8080)
  --clients N                WebSocket clients, spread round-robin over the meetings (20)
  --meetings R               meetings created for the run (1)
  --rate X                   commands per second offered in all; 0 = idle connections (100)
  --seconds S                how long commands are sent, or connections held idle (10)
  --workload-name NAME       the name printed in the report (custom)
  --server-pid PID           the server's process (default: whoever listens on the port)
  --redis-pid PID            also report Redis' CPU time
  --add-share F              share of commands that add an item (0.05); the rest update one
  --connect-concurrency N    connections opened at once (200)
  --drain-seconds S          wait for acks and deliveries after the last send (15)
  --batch on|off             join with batch: true (on): the server may put several
                             messages in one frame when a connection is busy
  --slow-share F             share of clients that stop reading during the load (0): the
                             server should cut them off without the others noticing; they
                             wake up at its end and resume from their last seq
  --scenario commands|vote-close|coedit
                             commands (default): the offered load above; vote-close: one
                             meeting of --clients voters (the facilitator is one of them)
                             votes --rounds times: ballots within 1 s, then the close, timed
                             to the final tally on every screen
                             coedit: one meeting of --clients editors typing into one
                             action item's notes, --rate keystrokes/s in all (0: each
                             editor types on as soon as its last op is committed); start
                             the server with --commands-per-second above rate/clients
  --rounds N                 votes in a vote-close run (10)
  --vote-results live|hidden tallies as ballots come in, or only at close (hidden)
  --vote-visibility open|anonymous
                             names with ballots, or tallies only (open)
  --text-length N            coedit: the notes' length the editors keep (300)
Prints one JSON line. Each client sends at most 15 commands/s (the server allows 20/s), so
--rate may be at most 15 x --clients.
)";

template <class T>
bool parse_number(std::string_view text, T& out) {
  if constexpr (std::is_floating_point_v<T>) {
    // from_chars for double needs GCC 11+; fine here, and it never depends on the locale.
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
  } else {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
  }
}

// Only the form the suite and the server print: http://HOST:PORT with an optional '/'.
bool parse_url(std::string_view url, Options& o) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return false;
  url.remove_prefix(scheme.size());
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  o.host = std::string(url.substr(0, colon));
  return parse_number(url.substr(colon + 1), o.port) && o.port != 0;
}

bool fail(std::string_view why) {
  std::cerr << "roundtable_loadgen: " << why << "\n" << kUsage;
  return false;
}

bool check(const Options& o) {
  if (o.clients < 1) return fail("--clients must be at least 1");
  if (o.meetings < 1 || o.meetings > o.clients) return fail("--meetings must be 1..clients");
  // A meeting holds at most 500 participants (core/limits.hpp).
  if ((o.clients + o.meetings - 1) / o.meetings > 500) {
    return fail("a meeting holds at most 500 participants: use more --meetings");
  }
  if (o.rate < 0 || o.seconds <= 0) return fail("--rate must be >= 0 and --seconds > 0");
  if (o.scenario == "coedit") {
    if (o.meetings != 1 || o.clients < 2) {
      return fail("a coedit run is one meeting (--meetings 1) of 2 to 500 --clients");
    }
    if (o.text_length < 1 || o.text_length > 4000) {
      return fail("--text-length must be 1..4000 (notes hold at most 5,000 characters)");
    }
    return true;  // its pace is bounded by the server's --commands-per-second, not here
  }
  if (o.rate / o.clients > o.max_rate_per_client) {
    auto needed = static_cast<long>(std::ceil(o.rate / o.max_rate_per_client));
    return fail("--rate " + std::to_string(o.rate) + " needs at least " + std::to_string(needed) +
                " clients: each sends at most 15 commands/s (server limit 20/s)");
  }
  if (o.add_share < 0 || o.add_share > 1) return fail("--add-share must be within 0..1");
  if (o.slow_share < 0 || o.slow_share > 0.5) return fail("--slow-share must be within 0..0.5");
  if (o.connect_concurrency < 1) return fail("--connect-concurrency must be at least 1");
  if (o.scenario == "vote-close") {
    if (o.meetings != 1 || o.clients < 2) {
      return fail("a vote-close run is one meeting (--meetings 1) of 2 to 500 --clients");
    }
    if (o.rounds < 1) return fail("--rounds must be at least 1");
  } else if (o.scenario != "commands") {
    return fail("--scenario is commands, vote-close or coedit");
  }
  return true;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);  // asked for: not a usage error
    }
    if (i + 1 >= argc) {
      fail(std::string(flag) + " needs a value");
      return std::nullopt;
    }
    std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--url") {
      ok = parse_url(value, o);
    } else if (flag == "--clients") {
      ok = parse_number(value, o.clients);
    } else if (flag == "--meetings") {
      ok = parse_number(value, o.meetings);
    } else if (flag == "--rate") {
      ok = parse_number(value, o.rate);
    } else if (flag == "--seconds") {
      ok = parse_number(value, o.seconds);
    } else if (flag == "--workload-name") {
      o.workload = std::string(value);
    } else if (flag == "--server-pid") {
      ok = parse_number(value, o.server_pid);
    } else if (flag == "--redis-pid") {
      ok = parse_number(value, o.redis_pid);
    } else if (flag == "--add-share") {
      ok = parse_number(value, o.add_share);
    } else if (flag == "--connect-concurrency") {
      ok = parse_number(value, o.connect_concurrency);
    } else if (flag == "--drain-seconds") {
      ok = parse_number(value, o.drain_seconds);
    } else if (flag == "--batch") {
      ok = value == "on" || value == "off";
      o.batch = value == "on";
    } else if (flag == "--slow-share") {
      ok = parse_number(value, o.slow_share);
    } else if (flag == "--scenario") {
      o.scenario = std::string(value);
    } else if (flag == "--text-length") {
      ok = parse_number(value, o.text_length);
    } else if (flag == "--rounds") {
      ok = parse_number(value, o.rounds);
    } else if (flag == "--vote-results") {
      ok = value == "live" || value == "hidden";
      o.vote_results = std::string(value);
    } else if (flag == "--vote-visibility") {
      ok = value == "open" || value == "anonymous";
      o.vote_visibility = std::string(value);
    } else {
      fail("unknown option " + std::string(flag));
      return std::nullopt;
    }
    if (!ok) {
      fail("bad value for " + std::string(flag) + ": " + std::string(value));
      return std::nullopt;
    }
  }
  if (!check(o)) return std::nullopt;
  return o;
}

}  // namespace loadgen
