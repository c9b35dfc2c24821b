#!/usr/bin/env bash
# Measures the space gzip saves in the cache on the simulator's data: starts `biogateway demo`, asks a
# mix of questions like the team's scripts (NHM pages of 100 and 1000 records, VertNet pages of 400 and
# 1000 records, several taxa and countries), then prints `biogateway cache stats`.
#   BIOGATEWAY_BIN   binary to use (default: builds and uses .build/release/biogateway)
set -euo pipefail
cd "$(dirname "$0")/.."

port=18500
simulator_port=18501
source scripts/demo-for-measurement.sh

base="http://127.0.0.1:$port"
resource=05ff2255-c38a-40c9-b657-4ccb55ab2feb
questions=0
for q in bufo puma rana aves mammalia "united kingdom" mexico 1950; do
    for limit in 100 1000; do
        curl -sf -o /dev/null -G "$base/nhm/api/3/action/datastore_search" \
            --data-urlencode "resource_id=$resource" --data-urlencode "q=$q" --data-urlencode "limit=$limit"
        questions=$((questions + 1))
    done
done
for q in "genus:bufo" "genus:puma" "class:aves" "class:mammalia" "country:mexico" "stateprovince:california" "year>=1950" "genus:rana"; do
    for l in 400 1000; do
        curl -sf -o /dev/null -G "$base/vertnet/api/search" --data-urlencode "q={\"q\":\"$q\",\"l\":$l}"
        questions=$((questions + 1))
    done
done
echo "$questions questions asked"
"$bin" cache stats --cache-path "$work/cache.sqlite"
