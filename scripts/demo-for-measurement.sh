# Sourced by the benchmark and measurement scripts: picks the binary (BIOGATEWAY_BIN, or builds
# .build/release/biogateway), starts `biogateway demo` on $port / $simulator_port with its cache in a temporary
# folder ($work), waits until it answers, and stops it and removes $work on exit. Settings for the demo can be
# passed in the environment of the sourcing script (e.g. BIOGATEWAY_RATE_LIMIT).
bin="${BIOGATEWAY_BIN:-}"
if [ -z "$bin" ]; then
    swift build -c release --product biogateway >/dev/null
    bin=.build/release/biogateway
fi
work=$(mktemp -d)
"$bin" demo --port "$port" --simulator-port "$simulator_port" --cache-path "$work/cache.sqlite" >"$work/demo.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.5
done
