#!/usr/bin/env bash
# Fuzzes the parsers that take untrusted bytes with libFuzzer (see Fuzz/): the JSON parser, form decoding,
# and the NHM and VertNet canonicalisation. Each target runs for SECONDS (default 60) from the committed
# corpus in Fuzz/Corpus/<target>; new interesting inputs go to a temporary folder, and with FUZZ_KEEP=1 the
# run's finds are merged into the committed corpus (libFuzzer's -merge=1 keeps only inputs that add coverage).
# A crash leaves its input as Fuzz/crash-* and fails the script.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (FUZZ_SEED=N makes a run repeatable, as the test command does)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzJSONParser FuzzFormParameters FuzzNHMQuery FuzzVertNetQuery FuzzRecordQuery)

# known false leak reports (static schema tables), see the file
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan-suppressions.txt"
# lld (shipped with the toolchain): the default linker crashes on -sanitize=fuzzer,address here
(cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
for target in "${targets[@]}"; do
    found=$(mktemp -d)
    mkdir -p "Fuzz/Corpus/$target"
    echo "== $target ($seconds s)"
    (cd Fuzz && ".build/release/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=./ -print_final_stats=1 ${FUZZ_SEED:+-seed=$FUZZ_SEED} "$found" "Corpus/$target" 2>&1 \
        | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::new_units_added|==[0-9]+==ERROR|SUMMARY|Test unit written)" || true)
    if [ "${FUZZ_KEEP:-0}" = 1 ]; then
        (cd Fuzz && ".build/release/$target" -merge=1 -rss_limit_mb=2048 "Corpus/$target" "$found" 2>&1 \
            | grep -E "MERGE-OUTER: [0-9]+ new files" || true)
    fi
    rm -rf "$found"
    failures=$(compgen -G "Fuzz/crash-*" -G "Fuzz/leak-*" -G "Fuzz/timeout-*" -G "Fuzz/oom-*" || true)
    if [ -n "$failures" ]; then
        echo "fuzz: $target found a failing input: $failures" >&2
        exit 1
    fi
done
