"""The PostgreSQL store against the SQLite store, in one run (scripts/bench-replicas.sh runs it; figures in
docs/replicas.md).

1. Hits: one real VertNet answer (16 KB) cached in a gateway on SQLite and in one on PostgreSQL; alternating
   rounds of wrk (-t2 -c64 -d5s) against both, identity and gzip clients, with the memory tier on (warm:
   hits never reach the store) and off (cold: every hit reads the store).
2. Misses: distinct NHM questions one at a time through each (the simulator answers at once): the p50 of
   each and the difference, which is what the store costs a miss (a claim, the read, the write, the release).
3. Purges: two gateways on PostgreSQL hold one answer in memory; a purge on one; the time from sending the
   purge to the start of the first request the other answered as a miss (polled every millisecond), 20 times.
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
BINARY = os.environ["BIOGATEWAY_BIN"]
ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = int(os.environ.get("DURATION", "5"))
SIMULATOR, SQLITE, POSTGRES, SQLITE_COLD, POSTGRES_COLD, PURGING, WATCHING, DATABASE = range(18680, 18688)
TOKEN = "bench-admin-token-0123456789"
SPECIMENS = "05ff2255-c38a-40c9-b657-4ccb55ab2feb"
VERTNET_QUERY = "/vertnet/api/search?q=" + urllib.parse.quote('{"q":"genus:ochotona specificepithet:(princeps OR collaris)","l":5}')
GZIP = ["-H", "Accept-Encoding: gzip"]


def wait_until_listening(port, process, what):
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} exited")
        try:
            get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start")


def get(port, path, headers=None, method="GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def wrk(url, extra=()):
    output = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{DURATION}s", "--latency", *extra, url], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    if re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        sys.exit(f"{url}: answers were not 2xx\n{output}")
    return rate, float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]


def timed(port, path):
    started = time.perf_counter()
    status, _, _ = get(port, path)
    if status != 200:
        sys.exit(f"{path}: {status}")
    return (time.perf_counter() - started) * 1000


def main():
    folder = Path(tempfile.mkdtemp(prefix="biogateway-bench-replicas-"))
    os.chmod(folder, 0o755)
    postgres_folder = folder / "postgres"
    script = str(REPOSITORY / "scripts" / "postgres-for-tests.sh")
    server = subprocess.run([script, "start", str(postgres_folder), str(DATABASE)], check=True, capture_output=True, text=True).stdout.strip()
    store = server.replace("/postgres?", "/bench?")
    subprocess.run(["psql", server, "-qc", "CREATE DATABASE bench"], check=True)
    processes = []
    log = open(folder / "gateways.log", "w")
    try:
        simulator = subprocess.Popen([BINARY, "simulate", "--port", str(SIMULATOR)], stdout=subprocess.DEVNULL, stderr=log)
        processes.append(simulator)
        wait_until_listening(SIMULATOR, simulator, "the simulator")
        upstream = f"http://127.0.0.1:{SIMULATOR}"
        common = {
            "BIOGATEWAY_NHM_URL": upstream,
            "BIOGATEWAY_VERTNET_URL": upstream,
            "BIOGATEWAY_LOG_LEVEL": "warning",
            "BIOGATEWAY_ADMIN_TOKEN": TOKEN,
            "BIOGATEWAY_RATE_LIMIT": "1000000",
            "BIOGATEWAY_UPSTREAM_RATE_LIMIT": "1000000",
            "BIOGATEWAY_NHM_MAX_RPS": "10000",
            "BIOGATEWAY_NHM_MAX_CONCURRENT": "8",
            "BIOGATEWAY_VERTNET_MAX_RPS": "10000",
            "BIOGATEWAY_VERTNET_MAX_CONCURRENT": "8",
            "BIOGATEWAY_MAX_CONNECTIONS_PER_CLIENT": "1000",
        }
        gateways = {
            SQLITE: {"BIOGATEWAY_CACHE_PATH": str(folder / "warm.sqlite")},
            POSTGRES: {"BIOGATEWAY_STORE": store},
            SQLITE_COLD: {"BIOGATEWAY_CACHE_PATH": str(folder / "cold.sqlite"), "BIOGATEWAY_MEMORY_CACHE_MAX_BYTES": "0"},
            POSTGRES_COLD: {"BIOGATEWAY_STORE": store, "BIOGATEWAY_MEMORY_CACHE_MAX_BYTES": "0"},
            PURGING: {"BIOGATEWAY_STORE": store},
            WATCHING: {"BIOGATEWAY_STORE": store},
        }
        for port, settings in gateways.items():
            environment = {**os.environ, **common, **settings, "BIOGATEWAY_PORT": str(port)}
            process = subprocess.Popen([BINARY, "serve"], stdout=subprocess.DEVNULL, stderr=log, env=environment)
            processes.append(process)
            wait_until_listening(port, process, f"the gateway on {port}")
        for port in (SQLITE, POSTGRES, SQLITE_COLD):
            status, headers, _ = get(port, VERTNET_QUERY)
            assert status == 200, status
        for port in (SQLITE, POSTGRES, SQLITE_COLD, POSTGRES_COLD):
            assert "hit" in get(port, VERTNET_QUERY)[1]["Cache-Status"], port

        print(f"Hits, wrk -t2 -c64 -d{DURATION}s, {ROUNDS} alternating rounds (median req/s; worst p99):")
        results = {}
        for _ in range(ROUNDS):
            for name, port in [("SQLite", SQLITE), ("PostgreSQL", POSTGRES), ("SQLite, memory off", SQLITE_COLD), ("PostgreSQL, memory off", POSTGRES_COLD)]:
                for coding, extra in [("identity", ()), ("gzip", GZIP)]:
                    results.setdefault((name, coding), []).append(wrk(f"http://127.0.0.1:{port}{VERTNET_QUERY}", extra))
        for (name, coding), runs in results.items():
            rates = [rate for rate, _ in runs]
            print(f"  {name:24} {coding:8} {statistics.median(rates):9,.0f} req/s  p99 {max(p99 for _, p99 in runs):6.1f} ms")

        def miss_p50(port, label, count=200):
            return statistics.median(
                timed(port, f"/nhm/api/3/action/datastore_search?resource_id={SPECIMENS}&q={label}{index}&limit=5") for index in range(count)
            )

        sqlite_miss, postgres_miss = miss_p50(SQLITE, "sqlite"), miss_p50(POSTGRES, "postgres")
        print(f"Misses, p50 of 200 one at a time: SQLite {sqlite_miss:.2f} ms, PostgreSQL {postgres_miss:.2f} ms (+{postgres_miss - sqlite_miss:.2f} ms)")

        delays = []
        for index in range(20):
            path = "/vertnet/api/search?q=" + urllib.parse.quote(json.dumps({"q": f"genus:Bufo year>={1900 + index}", "l": 5}))
            assert get(PURGING, path)[0] == 200
            assert "hit" in get(WATCHING, path)[1]["Cache-Status"]
            started = time.perf_counter()
            status, _, _ = get(PURGING, "/admin/cache?source=vertnet", {"Authorization": f"Bearer {TOKEN}"}, method="DELETE")
            assert status == 200, status
            # the moment the first look that found it gone began (a hit takes well under a millisecond)
            while True:
                looked = time.perf_counter()
                if "hit" not in get(WATCHING, path)[1]["Cache-Status"]:
                    break
                time.sleep(0.001)
            delays.append((looked - started) * 1000)
        print(f"Purge on one replica to a miss on another: median {statistics.median(delays):.1f} ms, max {max(delays):.1f} ms (20 purges)")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
        subprocess.run([script, "stop", str(postgres_folder)], capture_output=True)


if __name__ == "__main__":
    main()
