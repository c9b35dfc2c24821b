# Sourced by the wrk benchmarks: makes sure wrk is installed, reads DURATION (seconds per run, default 10)
# and CONNECTIONS (default 32) into $duration and $connections, lifts the per-client request limit (wrk is
# one client, which would otherwise be answered 429 after 600 requests) and starts the demo on $port /
# $simulator_port (scripts/demo-for-measurement.sh).
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
duration="${DURATION:-10}"
connections="${CONNECTIONS:-32}"
export BIOGATEWAY_RATE_LIMIT=1000000
source scripts/demo-for-measurement.sh
