#!/bin/bash
# Cache hits of two gateway builds side by side (see docs/performance.md): one simulator behind both, one
# cached VertNet answer, alternating `wrk -t2 -c64 -d5s` rounds for identity and gzip clients. Prints
# requests/s, p99 and the server's CPU time per request (user + system, from /proc; steadier than
# requests/s when wrk shares the machine's cores). With HBCEIL_BIN (a built shared/bench/hbceil), the
# framework's ceiling is measured in the same rounds on the same body.
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
QUERY='/vertnet/api/search?q=%7B%22q%22%3A%22genus%3Apuma%22%2C%22l%22%3A5%7D'
TARGETS=()
start() { # name binary port
  BIOGATEWAY_LOG_LEVEL=warning BIOGATEWAY_PORT=$3 BIOGATEWAY_CACHE_PATH="$WORK/cache-$3.sqlite" \
    BIOGATEWAY_NHM_URL="http://127.0.0.1:$SIMULATOR_PORT" BIOGATEWAY_VERTNET_URL="http://127.0.0.1:$SIMULATOR_PORT" \
    BIOGATEWAY_RATE_LIMIT=1000000 "$2" serve > "$WORK/gateway-$3.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$3/healthz"
  curl -s -o "$WORK/body.json" "http://127.0.0.1:$3$QUERY"
  TARGETS+=("$1=$!=http://127.0.0.1:$3$QUERY")
}
start before "$BEFORE" 18681
start after "$AFTER" 18682
if [[ -n "${HBCEIL_BIN:-}" ]]; then
  gzip -9 -c "$WORK/body.json" > "$WORK/body.json.gz"
  "$HBCEIL_BIN" "$WORK/body.json" "$WORK/body.json.gz" 18690 > "$WORK/hbceil.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:18690/vn5"
  TARGETS+=("hbceil=$!=http://127.0.0.1:18690/vn5")
fi
python3 - "$ROUNDS" "${TARGETS[@]}" <<'PYTHON'
import os, re, subprocess, sys

def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

print("round build coding req/s p99 cpu-us/request")
for round in range(1, int(sys.argv[1]) + 1):
    for target in sys.argv[2:]:
        name, pid, url = target.split("=", 2)
        for coding in ("identity", "gzip"):
            before = cpu_seconds(pid)
            out = subprocess.run(["wrk", "-t2", "-c64", "-d5s", "--latency", "-H", f"Accept-Encoding: {coding}", url],
                                 capture_output=True, text=True, check=True).stdout
            used = cpu_seconds(pid) - before
            requests = int(re.search(r"(\d+) requests in", out).group(1))
            rate = re.search(r"Requests/sec:\s+(\S+)", out).group(1)
            p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)
            print(f"{round} {name} {coding} {rate} {p99} {1e6 * used / requests:.0f}", flush=True)
PYTHON
