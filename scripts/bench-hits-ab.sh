#!/bin/bash
# Cache hits of two gateway builds side by side (see docs/performance.md): one simulator behind both, one
# cached VertNet answer, alternating `wrk -t2 -c64 -d5s` rounds for identity and gzip clients.
#   scripts/bench-hits-ab.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]
set -euo pipefail
BEFORE=$1
AFTER=$2
ROUNDS=${3:-3}
SIMULATOR_PORT=18680
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$WORK"' EXIT

wait_for() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

"$AFTER" simulate --port "$SIMULATOR_PORT" > "$WORK/simulator.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$SIMULATOR_PORT/_simulator/requests"
start() { # binary port
  BIOGATEWAY_LOG_LEVEL=warning BIOGATEWAY_PORT=$2 BIOGATEWAY_CACHE_PATH="$WORK/cache-$2.sqlite" \
    BIOGATEWAY_NHM_URL="http://127.0.0.1:$SIMULATOR_PORT" BIOGATEWAY_VERTNET_URL="http://127.0.0.1:$SIMULATOR_PORT" \
    BIOGATEWAY_RATE_LIMIT=1000000 "$1" serve > "$WORK/gateway-$2.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$2/healthz"
}
start "$BEFORE" 18681
start "$AFTER" 18682
QUERY='/vertnet/api/search?q=%7B%22q%22%3A%22genus%3Apuma%22%2C%22l%22%3A5%7D'
for port in 18681 18682; do curl -s -o /dev/null "http://127.0.0.1:$port$QUERY"; done
echo "round build coding req/s p99"
for round in $(seq 1 "$ROUNDS"); do
  for port in 18681 18682; do
    for coding in identity gzip; do
      figures=$(wrk -t2 -c64 -d5s --latency -H "Accept-Encoding: $coding" "http://127.0.0.1:$port$QUERY" \
        | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}')
      echo "$round $([ "$port" = 18681 ] && echo before || echo after) $coding $figures"
    done
  done
done
