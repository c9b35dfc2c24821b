#!/usr/bin/env bash
# The PostgreSQL store against the SQLite store in one run: hit throughput (memory tier warm and off), what the
# store costs a miss, and how long a purge on one replica takes to reach another. Figures: docs/replicas.md.
# Needs PostgreSQL's server programs (Debian's postgresql: scripts/bootstrap.sh installs it) and wrk.
#   BIOGATEWAY_BIN   binary to use (default: a release build, made here in .build-release)
#   ROUNDS DURATION  (defaults 3, 5 s)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [[ -z "${BIOGATEWAY_BIN:-}" ]]; then
    swift build -c release --scratch-path .build-release --product biogateway >&2
    export BIOGATEWAY_BIN="$PWD/.build-release/release/biogateway"
fi
exec python3 scripts/bench_replicas.py
