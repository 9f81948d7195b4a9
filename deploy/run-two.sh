#!/usr/bin/env bash
# Two Roundtable instances on one Redis, for trying a scaled-out setup on one machine:
#   deploy/run-two.sh [--ports 8081,8082] [--redis-port 6390]
# Installs and builds like deploy/run.sh, starts one redis-server (data in ./data-two, AOF on)
# and two servers on it. Put deploy/nginx.conf.example in front to balance clients over them
# (no sticky sessions needed: a client may resume on either). Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
ports=8081,8082
redis_port=6390
while (($#)); do
  case $1 in
    --ports) ports=$2; shift 2 ;;
    --redis-port) redis_port=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
deploy/setup.sh
mkdir -p data-two
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait; }
trap stop EXIT INT TERM
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$PWD/data-two" --appendonly yes \
  --appendfsync everysec --save '' --daemonize no >data-two/redis.log 2>&1 &
pids+=($!)
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
for port in ${ports//,/ }; do
  build/roundtable --web-root web-client --port "$port" --redis "redis://127.0.0.1:$redis_port/0" &
  pids+=($!)
done
wait -n
