#!/usr/bin/env bash
# Runs the standard workloads of issue 7 with the C++ load generator and writes a Markdown
# table of the results to build/loadgen-results.md (the JSON lines go to stdout and to
# build/loadgen-results.jsonl).
#
#   tests/load/run_suite.sh [workload ...]
#
# Workloads (default: all, in this order):
#   big           1. one big meeting at issue 7's size: 500 clients, 500 commands/s in all
#   big-scaled    1. the same meeting at the rate a shared 2-core machine sustains (100/s)
#   many          2. 300 meetings x 10 clients, 1 command/s per client (3,000/s in all)
#   many-scaled   2. the same meetings at half that rate (1,500/s)
#   idle          3. idle connections: 19,000 clients in 1,900 meetings, held 10 s
#   durability    4. the cost of durability: one workload (100 meetings x 10 clients,
#                    1,000 commands/s) three times, on the server's embedded Redis with
#                    --durability none (benchmark-only: nothing on disk, the bare relay),
#                    everysec (the default) and strict (fsync before every reply); the
#                    table gives each against none as a ratio
#   vote          issue 4's vote of 500: 500 voters in one meeting, VOTE_ROUNDS rounds of
#                    ballots within 1 s then the close, timed to the tally on every screen;
#                    three runs: blind (results hidden until close) open, live open, live
#                    anonymous (not in the default list: run it by name)
#   slow          issue 7's slow consumers: one big meeting at the scaled rate (BIG_CLIENTS,
#                    BIG_SCALED_RATE) twice, without and with SLOW_SHARE (5%) of the clients
#                    not reading during the load; the table gives the others' delivery p99
#                    with slow clients against without (target: at most 1.2x); the slow ones
#                    are cut off by the server and resume from their last seq at the end
#                    (not in the default list)
#   coedit        issue 3's hot field: COEDIT_EDITORS editors (20) typing into one item's
#                    notes, each a C++ OT client; two runs: COEDIT_RATE keystrokes/s in all
#                    (1,000), and flat out (each editor types on as soon as its op is
#                    committed). The server runs with --commands-per-second
#                    $COEDIT_COMMANDS_PER_SECOND (2,000) so that the per-connection limit
#                    meant for people does not cap the field (not in the default list)
# The issue's sizes saturate a 2-core machine that also runs Redis and the generator; the
# scaled runs show the latency below saturation. Both are reported, side by side.
#
# Each workload gets a fresh redis-server (AOF on, appendfsync everysec, as deployed; for
# durability, the server's embedded one in each mode) and a fresh build/roundtable on free ports, so one workload's meetings do not weigh on the next
# one's memory figures. Everything started here is stopped on exit, however it exits.
#
# Sizes can be overridden: BIG_CLIENTS, BIG_RATE, BIG_SCALED_RATE, MANY_MEETINGS,
# MANY_PER_MEETING, MANY_RATE (in all; default 1/s per client), MANY_SCALED_RATE,
# IDLE_CLIENTS, IDLE_MEETINGS, DURABILITY_MEETINGS, DURABILITY_PER_MEETING, DURABILITY_RATE,
# SLOW_SHARE, VOTE_VOTERS, VOTE_ROUNDS, COEDIT_EDITORS, COEDIT_RATE, COEDIT_COMMANDS_PER_SECOND,
# RUN_SECONDS (not SECONDS: bash owns that name).
# LOADGEN_ARGS is added to every run, e.g. LOADGEN_ARGS="--batch off" for clients that take
# one message per frame (the default is --batch on, as the web client joins). SERVER_FLAGS is
# added to every server start, e.g. SERVER_FLAGS="--threads 1".
# Needs redis-server, redis-cli, jq, and the build: cd build && ninja roundtable roundtable_loadgen
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${BUILD_DIR:-$ROOT/build}"
SERVER_BIN="${ROUNDTABLE_BIN:-$BUILD/roundtable}"
LOADGEN_BIN="${LOADGEN_BIN:-$BUILD/roundtable_loadgen}"
RESULTS_MD="$BUILD/loadgen-results.md"
RESULTS_JSONL="$BUILD/loadgen-results.jsonl"

SECONDS_PER_RUN="${RUN_SECONDS:-20}"
BIG_CLIENTS="${BIG_CLIENTS:-500}"
BIG_RATE="${BIG_RATE:-500}"
BIG_SCALED_RATE="${BIG_SCALED_RATE:-100}"
MANY_MEETINGS="${MANY_MEETINGS:-300}"
MANY_PER_MEETING="${MANY_PER_MEETING:-10}"
MANY_CLIENTS=$(( MANY_MEETINGS * MANY_PER_MEETING ))
MANY_RATE="${MANY_RATE:-$MANY_CLIENTS}"
MANY_SCALED_RATE="${MANY_SCALED_RATE:-$(( MANY_RATE / 2 ))}"
# 20,000 would need more than the usual hard limit of open files on each side.
IDLE_CLIENTS="${IDLE_CLIENTS:-19000}"
IDLE_MEETINGS="${IDLE_MEETINGS:-1900}"
DURABILITY_MEETINGS="${DURABILITY_MEETINGS:-100}"
DURABILITY_PER_MEETING="${DURABILITY_PER_MEETING:-10}"
DURABILITY_RATE="${DURABILITY_RATE:-1000}"
SLOW_SHARE="${SLOW_SHARE:-0.05}"
VOTE_VOTERS="${VOTE_VOTERS:-500}"
VOTE_ROUNDS="${VOTE_ROUNDS:-20}"
COEDIT_EDITORS="${COEDIT_EDITORS:-20}"
COEDIT_RATE="${COEDIT_RATE:-1000}"
COEDIT_COMMANDS_PER_SECOND="${COEDIT_COMMANDS_PER_SECOND:-2000}"

for tool in redis-server redis-cli jq; do
  command -v "$tool" >/dev/null || { echo "run_suite.sh: needs $tool" >&2; exit 1; }
done
for bin in "$SERVER_BIN" "$LOADGEN_BIN"; do
  [[ -x "$bin" ]] || { echo "run_suite.sh: $bin is not built (ninja roundtable roundtable_loadgen)" >&2; exit 1; }
done

# Both the server and the generator hold one socket per client.
ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < IDLE_CLIENTS + 200 )); then
  echo "run_suite.sh: open files limit $(ulimit -n) is below IDLE_CLIENTS=$IDLE_CLIENTS (+200)" >&2
  exit 1
fi

WORK="$(mktemp -d -t rt-loadgen-XXXXXX)"
REDIS_PID=""
EMBEDDED_REDIS=0  # 1: REDIS_PID is the server's own, stopped by the server
SERVER_PID=""
SERVER_URL=""
SERVER_ARGS=()  # extra server flags for one workload

stop_stack() {
  # Only the two processes this script started, by their pid.
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
  if (( EMBEDDED_REDIS )); then
    REDIS_PID=""
    EMBEDDED_REDIS=0
  fi
  if [[ -n "$REDIS_PID" ]]; then
    kill -TERM "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  fi
}
cleanup() {
  stop_stack
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody listens on (racy by nature; redis-server failing to bind is retried).
free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# start_stack NAME [DURABILITY]: with DURABILITY (none, everysec, strict) the server starts its
# embedded Redis in that mode; without it, a redis-server of ours as deployed.
start_stack() {
  local dir="$WORK/$1" durability="${2:-}" port attempt
  mkdir -p "$dir"
  if [[ -n "$durability" ]]; then
    start_server "$dir" --durability "$durability" --data-dir "$dir/data"
    REDIS_PID="$(pgrep -P "$SERVER_PID" -x redis-server | head -1)" || true
    [[ -n "$REDIS_PID" ]] || { echo "run_suite.sh: no embedded redis-server" >&2; exit 1; }
    EMBEDDED_REDIS=1
    return
  fi
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    redis-server --port "$port" --bind 127.0.0.1 --appendonly yes --appendfsync everysec \
      --save '' --dir "$dir" --daemonize no >"$dir/redis.log" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 100); do
      if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then break 2; fi
      kill -0 "$REDIS_PID" 2>/dev/null || break
      sleep 0.05
    done
    kill -TERM "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  done
  [[ -n "$REDIS_PID" ]] || { echo "run_suite.sh: redis-server did not start" >&2; cat "$dir/redis.log" >&2; exit 1; }
  start_server "$dir" --redis "redis://127.0.0.1:$port"
}

# start_server DIR ARGS...: build/roundtable on a free port; sets SERVER_PID and SERVER_URL.
start_server() {
  local dir="$1"; shift
  # shellcheck disable=SC2086 # SERVER_FLAGS is a list of words
  "$SERVER_BIN" --port 0 "$@" ${SERVER_ARGS[@]+"${SERVER_ARGS[@]}"} ${SERVER_FLAGS:-} --web-root "$ROOT/web-client" \
    --secret "loadgen-suite-secret-0123456789" --log-level warn --meetings-per-ip-hour 0 >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  SERVER_URL=""
  for _ in $(seq 200); do
    SERVER_URL="$(grep -o 'roundtable listening on http://[^ ]*' "$dir/server.log" | head -1 |
      sed 's|roundtable listening on ||; s|/$||')" || true
    [[ -n "$SERVER_URL" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  [[ -n "$SERVER_URL" ]] || { echo "run_suite.sh: roundtable did not start" >&2; cat "$dir/server.log" >&2; exit 1; }
}

# run_workload NAME LOADGEN-ARGS...: one fresh stack, one run, one JSON line.
# DURABILITY=MODE in the environment of the call: the embedded Redis in that mode.
run_workload() {
  local name="$1"; shift
  start_stack "$name" "${DURABILITY:-}"
  echo "== $name: $* (server $SERVER_URL, pid $SERVER_PID)" >&2
  local line status=0
  line="$("$LOADGEN_BIN" --url "$SERVER_URL" --server-pid "$SERVER_PID" --redis-pid "$REDIS_PID" \
    --workload-name "$name" --seconds "$SECONDS_PER_RUN" "$@" ${LOADGEN_ARGS:-})" || status=$?
  echo "$line"
  [[ -n "$line" ]] && echo "$line" >>"$RESULTS_JSONL"
  (( status == 0 )) || echo "== $name: the load generator exited with $status" >&2
  stop_stack
}

workloads=("$@")
(( ${#workloads[@]} )) || workloads=(big big-scaled many many-scaled idle)
mkdir -p "$BUILD"
: >"$RESULTS_JSONL"
for w in "${workloads[@]}"; do
  case "$w" in
    big)
      run_workload "1 one big meeting" --clients "$BIG_CLIENTS" --meetings 1 --rate "$BIG_RATE"
      ;;
    big-scaled)
      run_workload "1 one big meeting, scaled" --clients "$BIG_CLIENTS" --meetings 1 \
        --rate "$BIG_SCALED_RATE"
      ;;
    many)
      run_workload "2 many meetings" --clients "$MANY_CLIENTS" --meetings "$MANY_MEETINGS" \
        --rate "$MANY_RATE"
      ;;
    many-scaled)
      run_workload "2 many meetings, scaled" --clients "$MANY_CLIENTS" \
        --meetings "$MANY_MEETINGS" --rate "$MANY_SCALED_RATE"
      ;;
    idle)
      run_workload "3 idle connections" --clients "$IDLE_CLIENTS" --meetings "$IDLE_MEETINGS" \
        --rate 0 --seconds 10
      ;;
    durability)
      for mode in none everysec strict; do
        DURABILITY=$mode run_workload "4 durability $mode" \
          --clients $(( DURABILITY_MEETINGS * DURABILITY_PER_MEETING )) \
          --meetings "$DURABILITY_MEETINGS" --rate "$DURABILITY_RATE"
      done
      ;;
    slow)
      run_workload "7 slow consumers: none" --clients "$BIG_CLIENTS" --meetings 1 \
        --rate "$BIG_SCALED_RATE"
      run_workload "7 slow consumers: $SLOW_SHARE" --clients "$BIG_CLIENTS" --meetings 1 \
        --rate "$BIG_SCALED_RATE" --slow-share "$SLOW_SHARE"
      ;;
    vote)
      for kind in "hidden open" "live open" "live anonymous"; do
        read -r results visibility <<<"$kind"
        run_workload "5 vote, $results results, $visibility" --scenario vote-close \
          --clients "$VOTE_VOTERS" --rounds "$VOTE_ROUNDS" --vote-results "$results" \
          --vote-visibility "$visibility"
      done
      ;;
    coedit)
      SERVER_ARGS=(--commands-per-second "$COEDIT_COMMANDS_PER_SECOND")
      run_workload "6 co-edit, $COEDIT_RATE keystrokes/s" --scenario coedit \
        --clients "$COEDIT_EDITORS" --rate "$COEDIT_RATE"
      run_workload "6 co-edit, flat out" --scenario coedit --clients "$COEDIT_EDITORS" --rate 0
      SERVER_ARGS=()
      ;;
    *)
      echo "run_suite.sh: unknown workload $w (big, big-scaled, many, many-scaled, idle, durability, slow, vote, coedit)" >&2
      exit 2
      ;;
  esac
done

# The table: one row per run, the figures issue 7 sets targets for first.
{
  echo "# Load generator results"
  echo
  echo "\`tests/load/run_suite.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores; redis-server with"
  echo "appendonly yes, appendfsync everysec; server, Redis and load generator on one machine)."
  echo
  echo "| workload | batch | clients / meetings | offered / achieved cmd/s | deliveries/s | delivery p50 / p95 / p99 / max ms | first receipt p50 / p99 ms | spread to the last p50 / p99 ms | ack p50 / p99 ms | lost / dup / disconnected | server CPU s per 1k deliveries | server RSS idle / loaded MiB | RSS per connection KiB (extra conn.) | loadgen CPU s |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  jq -r 'select(.scenario == "commands") |
    def n(x): if x == null then "–" else (x * 100 | round / 100 | tostring) end;
    def mib(x): if x == null then "–" else (x / 1024 * 10 | round / 10 | tostring) end;
    "| \(.workload)\(if .error then " (error: \(.error))" else "" end)"
    + " | \(if .batch then "on" else "off" end)"
    + " | \(.clients) / \(.meetings)"
    + " | \(n(.offered_commands_per_s)) / \(n(.achieved_commands_per_s))"
    + " | \(n(.deliveries_per_s))"
    + " | \(n(.delivery_ms.p50)) / \(n(.delivery_ms.p95)) / \(n(.delivery_ms.p99)) / \(n(.delivery_ms.max))"
    + " | \(n(.first_delivery_ms.p50)) / \(n(.first_delivery_ms.p99))"
    + " | \(n(.delivery_spread_ms.p50)) / \(n(.delivery_spread_ms.p99))"
    + " | \(n(.ack_ms.p50)) / \(n(.ack_ms.p99))"
    + " | \(.lost_deliveries) / \(.duplicated_deliveries) / \(.disconnects)"
    + " | \(if .server_cpu_s_per_1000_deliveries == null then "–" else (.server_cpu_s_per_1000_deliveries | tostring) end)"
    + " | \(mib(.server_rss_idle_kib)) / \(mib(.server_rss_loaded_max_kib))"
    + " | \(n(.rss_per_connection_kib)) (\(n(.rss_per_extra_connection_kib)))"
    + " | \(n(.loadgen_cpu_s)) |"
  ' "$RESULTS_JSONL"
  # Workload 4: each durability mode against none (the bare relay: Redis in memory only).
  if jq -e -s 'map(select(.workload == "4 durability none")) | length > 0' "$RESULTS_JSONL" >/dev/null; then
    echo
    echo "## Cost of durability (workload 4, against --durability none)"
    echo
    echo "| durability | achieved cmd/s | ack p50 / p99 ms | delivery p99 ms | server + Redis CPU ms per command | ack p50 ratio | ack p99 ratio | CPU ratio |"
    echo "|---|---|---|---|---|---|---|---|"
    jq -r -s '
      def r(x): x * 100 | round / 100;
      def cpu(w): ((w.server_cpu_s // 0) + (w.redis_cpu_s // 0)) * 1000 / ([w.commands.acked, 1] | max);
      (map(select(.workload == "4 durability none")) | .[0]) as $base
      | map(select(.workload | startswith("4 durability ")))[]
      | "| \(.workload | ltrimstr("4 durability "))"
        + " | \(r(.achieved_commands_per_s))"
        + " | \(r(.ack_ms.p50)) / \(r(.ack_ms.p99))"
        + " | \(r(.delivery_ms.p99))"
        + " | \(cpu(.) * 1000 | round / 1000)"
        + " | \(r(.ack_ms.p50 / $base.ack_ms.p50))"
        + " | \(r(.ack_ms.p99 / $base.ack_ms.p99))"
        + " | \(r(cpu(.) / cpu($base))) |"
    ' "$RESULTS_JSONL"
  fi
  # Workload 7: slow consumers against none (issue 7's target: the others' p99 at most 1.2x).
  if jq -e -s 'map(select(.workload | startswith("7 slow consumers"))) | length > 1' "$RESULTS_JSONL" >/dev/null; then
    echo
    echo "## Slow consumers (workload 7, against none)"
    echo
    echo "| run | slow clients / cut / resumed (by snapshot) | others' delivery p50 / p99 ms | p99 ratio | lost / dup / disconnected |"
    echo "|---|---|---|---|---|"
    jq -r -s '
      def r(x): x * 100 | round / 100;
      (map(select(.workload == "7 slow consumers: none")) | .[0]) as $base
      | map(select(.workload | startswith("7 slow consumers")))[]
      | "| \(.workload)\(if .error then " (error: \(.error))" else "" end)"
        + " | \(.slow_clients) / \(.slow_cut) / \(.slow_resumed) (\(.slow_resumed_by_snapshot))"
        + " | \(r(.delivery_ms.p50)) / \(r(.delivery_ms.p99))"
        + " | \(r(.delivery_ms.p99 / $base.delivery_ms.p99))"
        + " | \(.lost_deliveries) / \(.duplicated_deliveries) / \(.disconnects) |"
    ' "$RESULTS_JSONL"
  fi
  # Workload 5: the vote of 500 (issue 4's target: close -> tally on every screen p99 <= 50 ms).
  if jq -e -s 'map(select(.scenario == "vote-close")) | length > 0' "$RESULTS_JSONL" >/dev/null; then
    echo
    echo "## A vote of 500 (workload 5)"
    echo
    echo "| vote | voters / rounds | close -> every screen p50 / p99 / max ms | close -> one screen p50 / p99 ms | ballot ack p50 / p99 ms | close message bytes | server / loadgen CPU ms per close | lost / dup |"
    echo "|---|---|---|---|---|---|---|---|"
    jq -r 'select(.scenario == "vote-close") |
      def n(x): if x == null then "–" else (x * 100 | round / 100 | tostring) end;
      "| \(.workload)\(if .error then " (error: \(.error))" else "" end)"
      + " | \(.voters) / \(.rounds)"
      + " | \(n(.close_to_every_screen_ms.p50)) / \(n(.close_to_every_screen_ms.p99)) / \(n(.close_to_every_screen_ms.max))"
      + " | \(n(.close_to_one_screen_ms.p50)) / \(n(.close_to_one_screen_ms.p99))"
      + " | \(n(.ballot_ack_ms.p50)) / \(n(.ballot_ack_ms.p99))"
      + " | \(.close_message_bytes)"
      + " | \(n(.server_cpu_ms_per_close)) / \(n(.loadgen_cpu_ms_per_close))"
      + " | \(.lost_deliveries) / \(.duplicated_deliveries) |"
    ' "$RESULTS_JSONL"
  fi
  # Workload 6: one hot field (issue 3's target: >= 5,000 ops/s; p99 <= 10 ms at 1,000 ops/s).
  if jq -e -s 'map(select(.scenario == "coedit")) | length > 0' "$RESULTS_JSONL" >/dev/null; then
    echo
    echo "## Co-editing one field (workload 6)"
    echo
    echo "| run | editors | keystrokes/s offered | committed ops/s | keystrokes per op | ack p50 / p99 ms | seen by all others p50 / p99 / max ms | converged | server / Redis / loadgen CPU s | events per commit |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    jq -r 'select(.scenario == "coedit") |
      def n(x): if x == null then "–" else (x * 100 | round / 100 | tostring) end;
      "| \(.workload)\(if .error then " (error: \(.error))" else "" end)"
      + " | \(.editors)"
      + " | \(if .offered_keystrokes_per_s == 0 then "flat out" else n(.offered_keystrokes_per_s) end)"
      + " | \(n(.committed_ops_per_s))"
      + " | \(n(.keystrokes_per_op))"
      + " | \(n(.ack_ms.p50)) / \(n(.ack_ms.p99))"
      + " | \(n(.seen_by_all_others_ms.p50)) / \(n(.seen_by_all_others_ms.p99)) / \(n(.seen_by_all_others_ms.max))"
      + " | \(.converged)"
      + " | \(n(.server_cpu_s)) / \(n(.redis_cpu_s)) / \(n(.loadgen_cpu_s))"
      + " | \(n(.events_per_commit)) |"
    ' "$RESULTS_JSONL"
  fi
} >"$RESULTS_MD"
echo "results: $RESULTS_MD" >&2
