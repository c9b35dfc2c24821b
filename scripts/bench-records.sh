#!/usr/bin/env bash
# Benchmark: repeated /v1/records pages, on loopback. By default a repeated page is sent as it was made (the
# kept bytes of the page cache). With BIOGATEWAY_PAGE_CACHE_MAX_BYTES=0 no page is kept, and every answer
# reads the two stored upstream pages, turns their records into the unified shape and writes them out: this
# measures what making a page from cached upstream answers costs.
# Starts `biogateway demo`, warms each page once, then drives it with wrk and prints wrk's figures.
#   BIOGATEWAY_BIN                    binary to use (default: builds and uses .build/release/biogateway)
#   BIOGATEWAY_PAGE_CACHE_MAX_BYTES   0 to measure pages made from the cached upstream answers
#   DURATION                          seconds per run (default 10)
#   CONNECTIONS                       concurrent connections (default 32)
set -euo pipefail
cd "$(dirname "$0")/.."

port=18490
simulator_port=18491
source scripts/wrk-against-demo.sh

base="http://127.0.0.1:$port/v1/records?genus=Bufo"
for url in "$base&limit=100" "$base&limit=1000" "$base&limit=1000&format=csv" "$base&limit=1000&format=geojson"; do
    curl -sf -o /dev/null "$url"    # the misses that fill the entries
    size=$(curl -sf "$url" | wc -c)
    status=$(curl -sf -D - -o /dev/null "$url" | tr -d '\r' | sed -n 's/^[Cc]ache-[Ss]tatus: //p')
    echo "== $url"
    echo "   body $size bytes, Cache-Status: $status"
    wrk -t2 -c"$connections" -d"${duration}s" --latency "$url" | sed 's/^/   /'
done
url="$base&limit=1000"
size=$(curl -sf -H 'Accept-Encoding: gzip' "$url" | wc -c)
echo "== $url, client takes gzip"
echo "   body $size bytes"
wrk -t2 -c"$connections" -d"${duration}s" --latency -H 'Accept-Encoding: gzip' "$url" | sed 's/^/   /'
