#!/usr/bin/env bash
# Benchmark: cache-hit throughput and latency of the drop-in endpoints, on loopback.
# Starts `biogateway demo` (simulator + gateway), warms two entries (an NHM page of 100 records and a
# VertNet page of 1000 records, about 1 MB), then drives each with wrk and prints wrk's figures, twice:
# for a client that takes gzip (the stored bytes are sent as they are) and for one that does not (the
# stored gzip is decompressed for it).
#   BIOGATEWAY_BIN   binary to use (default: builds and uses .build/release/biogateway)
#   DURATION         seconds per run (default 10)
#   CONNECTIONS      concurrent connections (default 32)
set -euo pipefail
cd "$(dirname "$0")/.."

port=18480
simulator_port=18481
source scripts/wrk-against-demo.sh

nhm="http://127.0.0.1:$port/nhm/api/3/action/datastore_search?resource_id=05ff2255-c38a-40c9-b657-4ccb55ab2feb&q=bufo&limit=100"
vertnet="http://127.0.0.1:$port/vertnet/api/search?q=%7B%22q%22%3A%22genus%3Abufo%22%2C%22l%22%3A1000%7D"
for url in "$nhm" "$vertnet"; do
    curl -sf -o /dev/null "$url"    # the miss that fills the entry
    size=$(curl -sf "$url" | wc -c)
    status=$(curl -sf -D - -o /dev/null "$url" | tr -d '\r' | grep -i '^cache-status' || true)
    gzip_size=$(curl -sf -H 'Accept-Encoding: gzip' "$url" | wc -c)
    echo "== $url"
    echo "   body $size bytes ($gzip_size gzipped); $status"
    echo "   -- Accept-Encoding: gzip"
    wrk -t2 -c"$connections" -d"${duration}s" --latency -H 'Accept-Encoding: gzip' "$url" | sed 's/^/   /'
    echo "   -- no Accept-Encoding"
    wrk -t2 -c"$connections" -d"${duration}s" --latency "$url" | sed 's/^/   /'
done
