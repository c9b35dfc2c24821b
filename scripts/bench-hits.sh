#!/usr/bin/env bash
# Cache hits against the anchors in one run: nginx proxy_cache (identity, and with gzip on), the gateway,
# and the smallest Hummingbird app (hbceil, the framework's ceiling) when HBCEIL=1; then hits with 100 and
# 100,000 entries cached, the gateway's RSS, and its own time on a miss (against the framework's floor for a
# miss when MISSFLOOR=1). Figures and how to read them: docs/performance.md.
#   BIOGATEWAY_BIN   binary to use (default: a release build, made here in .build-release)
#   HBCEIL=1         also build and measure shared/bench/hbceil (copied to a scratch folder to build)
#   MISSFLOOR=1      also build and measure scripts/bench/missfloor (Hummingbird + AsyncHTTPClient passing a
#                    GET on: what a miss costs any server on this framework)
#   PIN=1            servers on CPU 0, wrk on CPU 1: the same one core for every server
#   FULL_TIER_BYTES  the memory bound of a gateway filled past it, for its RSS (default 64 MiB)
#   ROUNDS DURATION CONNECTIONS ENTRIES   (defaults 3, 5 s, 64, 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
bench="${BENCH_ANCHORS:-../shared/bench}"

# the benchmark's own tools (not the test command's)
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
fi
if [[ -z "${BIOGATEWAY_BIN:-}" ]]; then
    swift build -c release --scratch-path .build-release --product biogateway >&2
    export BIOGATEWAY_BIN="$PWD/.build-release/release/biogateway"
fi
if [[ "${HBCEIL:-0}" == 1 ]]; then
    ceiling="${TMPDIR:-/tmp}/biogateway-hbceil"
    rm -rf "$ceiling" && cp -r "$bench/hbceil" "$ceiling"
    (cd "$ceiling" && swift build -c release >&2)
    export HBCEIL_BIN="$ceiling/.build/release/hbceil"
fi
if [[ "${MISSFLOOR:-0}" == 1 && -z "${MISSFLOOR_BIN:-}" ]]; then
    (cd scripts/bench/missfloor && swift build -c release --scratch-path "${TMPDIR:-/tmp}/biogateway-missfloor" >&2)
    export MISSFLOOR_BIN="${TMPDIR:-/tmp}/biogateway-missfloor/release/missfloor"
fi
export NGINX_TEMPLATE="$bench/nginx-proxy-cache.conf.template"
exec python3 scripts/bench_hits.py
