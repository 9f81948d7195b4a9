#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) in build-fuzz/ and runs each one for
# FUZZ_SECONDS (default 60) seconds, starting from seeds made here:
#   client_message   every message the protocol vectors send, those again with the fixture
#                    meeting's ids and version, and join/resume/focus/clock requests with the
#                    fixture's join code and tokens;
#   text_op          every case of protocol/vectors/ot (transform, compose, invalid);
#   minutes_request  GET /api/meetings/m1/minutes in each format with each fixture token.
# A crash, a sanitizer report or a broken property stops the script with a non-zero status;
# the input is kept in build-fuzz/artifacts/. The corpus grows in build-fuzz/corpus/ and is
# reused by the next run. Needs clang-14, jq (deploy/setup.sh --tests installs them).
#   tests/fuzz/run.sh                     # all three targets, 60 s each
#   FUZZ_SECONDS=600 tests/fuzz/run.sh fuzz_text_op
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-60}"
out=build-fuzz
targets=("$@")
(( ${#targets[@]} )) || targets=(fuzz_client_message fuzz_text_op fuzz_minutes_request)

CC=clang-14 CXX=clang++-14 cmake -S . -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DROUNDTABLE_SANITIZE=ON -DROUNDTABLE_FUZZ=ON -DROUNDTABLE_NODE_TESTS=OFF >/dev/null
cmake --build "$out" --target "${targets[@]}"

# The fixture's ids and tokens, as "<name> <value>" lines (tests/fuzz/fuzz_support.hpp).
declare -A fixture
while read -r name value; do fixture[$name]=$value; done \
  < <(RT_FUZZ_PRINT_FIXTURE=1 "$out/fuzz/fuzz_client_message")

seeds="$out/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{fuzz_client_message,fuzz_text_op,fuzz_minutes_request}

# One file per line of stdin, named $1-0, $1-1, ...
split_lines() {
  local prefix=$1 n=0 line
  while IFS= read -r line; do
    printf '%s' "$line" > "$prefix-$n"
    n=$((n + 1))
  done
}

jq -c '.steps[]?.send // empty' protocol/vectors/*.json |
  jq -c --arg item "${fixture[item1]}" --arg vote "${fixture[vote0]}" \
        --arg slot "${fixture[slot0]}" --arg p "${fixture[member2]}" \
        --argjson version "${fixture[version]}" '
    ., (if has("itemId") then .itemId = $item else empty end),
       (if has("voteId") then .voteId = $vote else empty end),
       (if has("slotId") then .slotId = $slot else empty end),
       (if has("participantId") then .participantId = $p else empty end),
       (if has("version") then .version = $version else empty end)' |
  sort -u | split_lines "$seeds/fuzz_client_message/vector"
{
  printf '{"type":"join","v":1,"cid":"j","code":"%s","name":"Zoe","attendance":"remote"}\n' \
    ABCD-EFGH  # fuzz_support.hpp, kJoinCode
  for name in facilitator member observer removed expired other_meeting; do
    token=${fixture[token_$name]}
    printf '{"type":"resume","v":1,"cid":"r","token":"%s","lastSeq":3}\n' "$token"
    printf '{"type":"join","v":1,"cid":"j","facilitatorToken":"%s","name":"Sam","attendance":"room"}\n' \
      "$token"
  done
  printf '{"type":"focus","cid":"f","itemId":"%s","field":"notes"}\n' "${fixture[item1]}"
  printf '{"type":"clock","cid":"c","t":1}\n'
  printf '{"type":"cast_ballot","cid":"b","voteId":"%s","ballot":{"choice":"agree"}}\n' \
    "${fixture[vote0]}"
} | split_lines "$seeds/fuzz_client_message/fixture"

jq -c '.cases[] | {doc, a, b}' protocol/vectors/ot/transform.json protocol/vectors/ot/compose.json |
  split_lines "$seeds/fuzz_text_op/case"
jq -c '.cases[] | {doc, a: .op}' protocol/vectors/ot/invalid.json |
  split_lines "$seeds/fuzz_text_op/invalid"

n=0
for format in html md json csv ics xml; do
  for name in facilitator member observer removed expired other_meeting; do
    printf 'GET /api/meetings/m1/minutes?format=%s&tz=%s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n\r\n' \
      "$format" "$(( (n % 5 - 2) * 300 ))" "${fixture[token_$name]}" \
      > "$seeds/fuzz_minutes_request/seed-$n"
    n=$((n + 1))
  done
done

for target in "${targets[@]}"; do
  corpus="$out/corpus/$target"
  mkdir -p "$corpus" "$out/artifacts"
  echo "== fuzz: $target for ${seconds} s"
  # The first directory collects what the run finds; the seeds are read as well.
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$out/fuzz/$target" "$corpus" "$seeds/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$target-" 2> "$out/$target.log" || {
    tail -n 60 "$out/$target.log"
    echo "fuzz: $target failed; the input is in $out/artifacts/" >&2
    exit 1
  }
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$out/$target.log"
done
