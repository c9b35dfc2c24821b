"""Cache-hit benchmark against the anchors, in one run (scripts/bench-hits.sh runs it; see docs/performance.md).

1. One real VertNet answer (5 records, about 16 KB, recorded) is fetched through the gateway from the simulator and
   copied to nginx's static root, so every server sends the same body.
2. Alternating rounds of wrk (-t2 -c64 -d5s) against: nginx proxy_cache (identity, :8092), nginx proxy_cache
   with `gzip on` (:8093), the gateway (identity and gzip) and, when built, the hbceil ceiling.
3. Hit throughput with 100 entries and with 100,000 entries in the cache (random keys among them): two more
   gateways are filled through their VertNet endpoint from a fast local upstream (an nginx static server
   answering every question with one small VertNet answer), with pacing lifted, one with 100 entries and one
   with 100,000, then measured in alternating rounds; small answers, so that 100,000 of them fit in the
   memory tier and the figure shows how lookups scale, not the memory bound. The anchor in the same rounds:
   two nginx proxy_caches on the same upstream, filled with 100 and with 100,000 of the same questions.
4. The gateway's RSS after the runs; and a gateway whose memory bound (FULL_TIER_BYTES, 64 MiB) is filled past it
   with small answers (evicting), its RSS against that bound.
5. The gateway's own overhead on a miss: distinct questions one at a time, to a second simulator that answers
   after 50 ms, each asked directly and then through a second gateway (p50 of each, and of the paired
   differences); when built, the same through the framework's floor (scripts/bench/missfloor: Hummingbird and
   AsyncHTTPClient passing the GET on, nothing else), in the same rounds.
Prints medians, ratios against nginx, p99 latencies and, for the gateway and hbceil, the server's CPU time per
request (user + system from /proc over each round, divided by the requests wrk completed: steadier than
requests/s when wrk shares the machine's cores).
With PIN=1 the servers (gateways, simulators, nginx, hbceil) run on CPU 0 and wrk on CPU 1 (`taskset`), so that
each server gets the same one core whatever its number of threads: requests/s then compare work per request, not
the share of the cores a server wins from wrk.
"""

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
BINARY = os.environ["BIOGATEWAY_BIN"]
HBCEIL = os.environ.get("HBCEIL_BIN")
MISSFLOOR = os.environ.get("MISSFLOOR_BIN")
ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = int(os.environ.get("DURATION", "5"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "64"))
ENTRIES = int(os.environ.get("ENTRIES", "100000"))
SIMULATOR, GATEWAY, CEILING, SLOW_SIMULATOR, SLOW_GATEWAY, FILL_GATEWAY, FILL_UPSTREAM = 18580, 18581, 18582, 18583, 18584, 18585, 8094
SMALL_GATEWAY, FLOOR_PROXY, FULL_GATEWAY = 18586, 18587, 18588
NGINX_FEW, NGINX_MANY = 8095, 8096
# the memory bound of the gateway filled past it, to show what it holds then
FULL_TIER_BYTES = int(os.environ.get("FULL_TIER_BYTES", str(64 << 20)))
PIN = os.environ.get("PIN") == "1"
SERVER_CPU = ["taskset", "-c", "0"] if PIN else []
CLIENT_CPU = ["taskset", "-c", "1"] if PIN else []
SMALL_ANSWER = (
    b'{"recs":[{"keyname":"bench","occurrenceid":"urn:bench:1","genus":"Bufo","specificepithet":"bufo",'
    b'"country":"France"}],"matching_records":1,"cursor":null}'
)

SPECIMENS = "05ff2255-c38a-40c9-b657-4ccb55ab2feb"
# a real recorded VertNet answer (5 records, about 16 KB) that the simulator replays (shared/fixtures)
VERTNET_QUERY = "/api/search?q=" + urllib.parse.quote('{"q":"genus:ochotona specificepithet:(princeps OR collaris)","l":5}')
GZIP = ["-H", "Accept-Encoding: gzip"]


def wait_until_listening(port, process, what):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            sys.exit(f"{what} exited")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start")


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def cpu_seconds(pid):
    """User + system CPU time a process has used (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url, extra=(), script=None, pid=None):
    """requests/s and p99 (ms); with `pid`, also the server's CPU time per request (µs)."""
    command = [*CLIENT_CPU, "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", *extra]
    if script:
        command += ["-s", script]
    cpu_before = cpu_seconds(pid) if pid else None
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    cpu = None
    if pid:
        cpu = 1e6 * (cpu_seconds(pid) - cpu_before) / int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} answers were not 2xx\n{output}")
    return rate, float(p99.group(1)) * scale, cpu


def fill(count, start=0, port=FILL_GATEWAY, stored=lambda response: response.getheader("Cache-Status", "").endswith("stored")):
    """Asks `count` distinct VertNet questions of the cache on `port` (misses, `stored`), 8 at a time."""
    failures = []

    def worker(indices):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for index in indices:
            connection.request("GET", fill_path(index))
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or not stored(response):
                failures.append(f"{response.status} {dict(response.getheaders())} {body[:300]!r}")
                return
    indices = list(range(start, start + count))
    threads = [threading.Thread(target=worker, args=(indices[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"filling the cache failed: {failures[0]}")


def fill_path(index):
    return "/vertnet/api/search?q=" + urllib.parse.quote('{"q":"genus:bufo%d","l":1}' % index)


def random_keys_script(directory, count):
    script = directory / f"random-{count}.lua"
    script.write_text(
        "math.randomseed(42)\nrequest = function()\n"
        '  return wrk.format("GET", "/vertnet/api/search?q=%7B%22q%22%3A%22genus%3Abufo" '
        f'.. math.random(0, {count - 1}) .. "%22%2C%22l%22%3A1%7D")\nend\n'
    )
    return str(script)


def timed_get(port, path):
    started = time.perf_counter()
    status, _, _ = get(port, path)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        sys.exit(f"{path}: {status}")
    return elapsed


def miss_overhead(count=300):
    """The gateway's own time on a miss: `count` distinct NHM pages (one question each, new connection each), each
    asked of the 50 ms simulator directly, then through the gateway (a miss) and, when built, through the
    framework's floor, one after the other. Pairing the same question cancels the simulator's own time per
    question; returns the p50 of each and the p25, p50 and p75 of the differences, for the gateway and the floor
    (None without one)."""
    direct, through, floor, differences, floor_differences = [], [], [], [], []
    for index in range(count):
        query = f"datastore_search?resource_id={SPECIMENS}&limit=5&offset={100 + index}"
        direct.append(timed_get(SLOW_SIMULATOR, f"/api/3/action/{query}"))
        through.append(timed_get(SLOW_GATEWAY, f"/nhm/api/3/action/{query}"))
        differences.append(through[-1] - direct[-1])
        if MISSFLOOR:
            floor.append(timed_get(FLOOR_PROXY, f"/nhm/api/3/action/{query}"))
            floor_differences.append(floor[-1] - direct[-1])
    gateway = (statistics.median(through), statistics.quantiles(differences, n=4))
    floor_figures = (statistics.median(floor), statistics.quantiles(floor_differences, n=4)) if MISSFLOOR else None
    return statistics.median(direct), gateway, floor_figures


def start_gateway(environment, log, processes, port, cache_path, upstreams):
    """Starts one more gateway with the bench's settings, on `port`, with its own cache and upstream URLs."""
    gateway = subprocess.Popen(
        [*SERVER_CPU, BINARY, "serve"],
        env={**environment, "BIOGATEWAY_PORT": str(port), "BIOGATEWAY_CACHE_PATH": str(cache_path), **upstreams},
        stdout=log,
        stderr=log,
    )
    processes.append(gateway)
    wait_until_listening(port, gateway, f"the gateway on port {port}")
    return gateway


def rss_megabytes(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main():
    scratch = Path(tempfile.mkdtemp(prefix="biogateway-bench-"))
    scratch.chmod(0o755)  # nginx's workers run as another user
    processes = []
    try:
        environment = {
            **os.environ,
            "BIOGATEWAY_PORT": str(GATEWAY),
            "BIOGATEWAY_CACHE_PATH": str(scratch / "cache.sqlite"),
            "BIOGATEWAY_NHM_URL": f"http://127.0.0.1:{SIMULATOR}",
            "BIOGATEWAY_VERTNET_URL": f"http://127.0.0.1:{SIMULATOR}",
            # one client (wrk) at full speed; upstream pacing lifted for the local simulator
            "BIOGATEWAY_RATE_LIMIT": "1000000",
            "BIOGATEWAY_UPSTREAM_RATE_LIMIT": "1000000",
            "BIOGATEWAY_MAX_CONNECTIONS_PER_CLIENT": "1000",
            "BIOGATEWAY_NHM_MAX_RPS": "10000",
            "BIOGATEWAY_NHM_MAX_CONCURRENT": "16",
            "BIOGATEWAY_VERTNET_MAX_RPS": "10000",
            "BIOGATEWAY_UPSTREAM_QUEUE": "10000",
            "BIOGATEWAY_EMPTY_TTL": "86400",
            "BIOGATEWAY_LOG_LEVEL": os.environ.get("BIOGATEWAY_LOG_LEVEL", "warning"),
        }
        log = open(scratch / "processes.log", "w")
        simulator = subprocess.Popen([*SERVER_CPU, BINARY, "simulate", "--port", str(SIMULATOR)], stdout=log, stderr=log)
        processes.append(simulator)
        wait_until_listening(SIMULATOR, simulator, "the simulator")
        gateway = subprocess.Popen([*SERVER_CPU, BINARY, "serve"], env=environment, stdout=log, stderr=log)
        processes.append(gateway)
        wait_until_listening(GATEWAY, gateway, "the gateway")
        slow_simulator = subprocess.Popen(
            [*SERVER_CPU, BINARY, "simulate", "--port", str(SLOW_SIMULATOR), "--latency-ms", "50"], stdout=log, stderr=log
        )
        processes.append(slow_simulator)
        wait_until_listening(SLOW_SIMULATOR, slow_simulator, "the 50 ms simulator")
        if MISSFLOOR:
            floor_proxy = subprocess.Popen([*SERVER_CPU, MISSFLOOR, f"http://127.0.0.1:{SLOW_SIMULATOR}", str(FLOOR_PROXY)], stdout=log, stderr=log)
            processes.append(floor_proxy)
            wait_until_listening(FLOOR_PROXY, floor_proxy, "the miss floor")
        slow_gateway = start_gateway(
            environment, log, processes, SLOW_GATEWAY, scratch / "slow.sqlite", {"BIOGATEWAY_NHM_URL": f"http://127.0.0.1:{SLOW_SIMULATOR}"}
        )

        status, headers, body = get(GATEWAY, "/vertnet" + VERTNET_QUERY)
        assert status == 200, status
        status, headers, _ = get(GATEWAY, "/vertnet" + VERTNET_QUERY)
        assert headers["Cache-Status"].startswith("BioGateway; hit"), headers
        www = scratch / "www"
        (www / "api").mkdir(parents=True)
        (www / "api" / "search").write_bytes(body)
        (www / "vn5.json").write_bytes(body)
        subprocess.run(["gzip", "-k", "-9", str(www / "vn5.json")], check=True)
        for folder in ("cache", "cachegz"):
            (scratch / folder).mkdir()
        (scratch / "small" / "api").mkdir(parents=True)
        (scratch / "small" / "api" / "search").write_bytes(SMALL_ANSWER)
        template = Path(os.environ["NGINX_TEMPLATE"]).read_text().replace("ANCHOR_DIR", str(scratch))
        # one more static server beside the anchors: the fast upstream the fill gateways are filled from (at
        # VertNet's path for the gateways, at the drop-in path for nginx); and two more proxy_caches on it, the
        # anchor for hits over 100 and over ENTRIES entries
        (scratch / "small" / "vertnet" / "api").mkdir(parents=True)
        (scratch / "small" / "vertnet" / "api" / "search").write_bytes(SMALL_ANSWER)
        small = f"server {{ listen 127.0.0.1:{FILL_UPSTREAM}; root {scratch}/small; location / {{ default_type application/json; }} }}\n"
        for name, port in (("few", NGINX_FEW), ("many", NGINX_MANY)):
            (scratch / name).mkdir()
            small += (
                f"proxy_cache_path {scratch}/{name} keys_zone={name}:64m max_size=4g inactive=1d;\n"
                f"server {{ listen 127.0.0.1:{port}; add_header X-Cache $upstream_cache_status; location / {{ "
                f"proxy_pass http://127.0.0.1:{FILL_UPSTREAM}; proxy_cache {name}; proxy_cache_valid 200 1d; "
                f"proxy_cache_key $request_uri; proxy_cache_lock on; }} }}\n"
            )
        small += "}"
        (scratch / "nginx.conf").write_text(template[: template.rindex("}")] + small)
        subprocess.run([*SERVER_CPU, "nginx", "-c", str(scratch / "nginx.conf"), "-p", str(scratch)], check=True)
        processes.append("nginx")
        wait_until_listening(8092, None, "nginx")
        if HBCEIL:
            ceiling = subprocess.Popen([*SERVER_CPU, HBCEIL, str(www / "vn5.json"), str(www / "vn5.json.gz"), str(CEILING)], stdout=log, stderr=log)
            processes.append(ceiling)
            wait_until_listening(CEILING, ceiling, "hbceil")

        # the server's process, for its CPU time per request (nginx's workers are not counted)
        targets = {
            "nginx proxy_cache, identity": (f"http://127.0.0.1:8092{VERTNET_QUERY}", [], None),
            "nginx proxy_cache, gzip on": (f"http://127.0.0.1:8093{VERTNET_QUERY}", GZIP, None),
            "BioGateway hit, identity": (f"http://127.0.0.1:{GATEWAY}/vertnet{VERTNET_QUERY}", [], gateway.pid),
            "BioGateway hit, gzip": (f"http://127.0.0.1:{GATEWAY}/vertnet{VERTNET_QUERY}", GZIP, gateway.pid),
        }
        if HBCEIL:
            targets["hbceil, identity"] = (f"http://127.0.0.1:{CEILING}/vn5", [], ceiling.pid)
            targets["hbceil, gzip"] = (f"http://127.0.0.1:{CEILING}/vn5", GZIP, ceiling.pid)
        print(f"body: {len(body)} bytes; wrk -t2 -c{CONNECTIONS} -d{DURATION}s, {ROUNDS} alternating rounds", flush=True)
        results = {name: [] for name in targets}
        for round_number in range(ROUNDS):
            for name, (url, extra, pid) in targets.items():
                results[name].append(wrk(url, extra, pid=pid))
            print(f"round {round_number + 1}: " + ", ".join(f"{name} {results[name][-1][0]:,.0f}/s" for name in targets), flush=True)
        median = {name: statistics.median(rate for rate, _, _ in runs) for name, runs in results.items()}
        worst_p99 = {name: max(p99 for _, p99, _ in runs) for name, runs in results.items()}
        cpu = {name: [used for _, _, used in runs if used is not None] for name, runs in results.items()}
        print()
        print("| server, same body | requests/s (median) | × nginx same coding | p99 (worst round) | CPU per request (median) |")
        print("|---|---|---|---|---|")
        for name in targets:
            anchor = "nginx proxy_cache, gzip on" if "gzip" in name else "nginx proxy_cache, identity"
            used = f"{statistics.median(cpu[name]):.0f} µs" if cpu[name] else "—"
            print(f"| {name} | {median[name]:,.0f} | {median[name] / median[anchor]:.2f} | {worst_p99[name]:.2f} ms | {used} |")

        # two gateways on the same fast upstream, one holding 100 entries and one holding ENTRIES, measured in
        # alternating rounds (one process each, so that neither's figure is taken at a quieter moment)
        fill_upstreams = {"BIOGATEWAY_VERTNET_URL": f"http://127.0.0.1:{FILL_UPSTREAM}", "BIOGATEWAY_VERTNET_MAX_CONCURRENT": "16"}
        small_gateway = start_gateway(environment, log, processes, SMALL_GATEWAY, scratch / "small.sqlite", fill_upstreams)
        fill(100, port=SMALL_GATEWAY)
        fill_gateway = start_gateway(environment, log, processes, FILL_GATEWAY, scratch / "fill.sqlite", fill_upstreams)
        started = time.monotonic()
        fill(ENTRIES)
        filled_in = time.monotonic() - started
        # the anchor: nginx proxy_cache filled the same way, identity (its cache keeps the body as it came)
        def nginx_stored(response):
            return response.getheader("X-Cache") == "MISS"
        fill(100, port=NGINX_FEW, stored=nginx_stored)
        fill(ENTRIES, port=NGINX_MANY, stored=nginx_stored)
        small_script, large_script = random_keys_script(scratch, 100), random_keys_script(scratch, ENTRIES)
        sizes = {"small": [], "large": [], "nginx small": [], "nginx large": []}
        for _ in range(ROUNDS):
            sizes["small"].append(wrk(f"http://127.0.0.1:{SMALL_GATEWAY}/", GZIP, small_script, small_gateway.pid))
            sizes["large"].append(wrk(f"http://127.0.0.1:{FILL_GATEWAY}/", GZIP, large_script, fill_gateway.pid))
            sizes["nginx small"].append(wrk(f"http://127.0.0.1:{NGINX_FEW}/", [], small_script))
            sizes["nginx large"].append(wrk(f"http://127.0.0.1:{NGINX_MANY}/", [], large_script))
        print()
        print(f"filled {ENTRIES:,} entries through the gateway in {filled_in:.0f} s; {ROUNDS} alternating rounds")
        print(f"| hits on random keys ({len(SMALL_ANSWER)}-byte VertNet answers) | requests/s (median) | p99 (worst) | CPU per request (median) |")
        print("|---|---|---|---|")
        for label, name in (("100 entries", "small"), (f"{ENTRIES:,} entries", "large"),
                            ("nginx proxy_cache, 100 entries", "nginx small"), (f"nginx proxy_cache, {ENTRIES:,} entries", "nginx large")):
            runs = sizes[name]
            used = f"{statistics.median(r[2] for r in runs):.0f} µs" if runs[0][2] is not None else "—"
            print(f"| {label} | {statistics.median(r[0] for r in runs):,.0f} | {max(r[1] for r in runs):.2f} ms | {used} |")
        for label, few, many in (("the gateway", "small", "large"), ("nginx proxy_cache", "nginx small", "nginx large")):
            ratios = [large[0] / small[0] for small, large in zip(sizes[few], sizes[many])]
            print(f"{label}, {ENTRIES:,} against 100 entries, per round: " + ", ".join(f"{r:.2f}×" for r in ratios)
                  + f" (median {statistics.median(ratios):.2f}×)")
        print()
        # a memory bound filled past it with small answers: what the process holds then (the bound is counted
        # as allocated, so RSS stays near the bound plus the process's own)
        full_gateway = start_gateway(
            {**environment, "BIOGATEWAY_MEMORY_CACHE_MAX_BYTES": str(FULL_TIER_BYTES)},
            log, processes, FULL_GATEWAY, scratch / "full.sqlite", fill_upstreams,
        )
        full_entries = 2 * FULL_TIER_BYTES // 1_700
        fill(full_entries, port=FULL_GATEWAY)
        metrics = get(FULL_GATEWAY, "/metrics")[2].decode()
        evicted = re.search(r"^biogateway_memory_cache_evictions_total (\S+)", metrics, re.MULTILINE)
        held = re.search(r"^biogateway_memory_cache_entries (\S+)", metrics, re.MULTILINE)
        full_rss = rss_megabytes(full_gateway.pid)

        direct, (through, (low, middle, high)), floor = miss_overhead()
        print(f"miss, upstream answering in 50 ms: p50 {direct:.2f} ms asked directly, {through:.2f} ms through the gateway; "
              f"the gateway's own time, same question paired: p50 {middle:.2f} ms (p25 {low:.2f}, p75 {high:.2f})")
        if floor:
            floor_through, (floor_low, floor_middle, floor_high) = floor
            print(f"the framework's floor (Hummingbird + AsyncHTTPClient passing the GET on), same questions in the same rounds: "
                  f"p50 {floor_through:.2f} ms through it; its own time paired: p50 {floor_middle:.2f} ms (p25 {floor_low:.2f}, "
                  f"p75 {floor_high:.2f}); the gateway above the floor: {middle - floor_middle:.2f} ms")
        memory_bound = int(os.environ.get("BIOGATEWAY_MEMORY_CACHE_MAX_BYTES", str(256 << 20))) / (1 << 20)
        print(f"RSS after the runs: {rss_megabytes(gateway.pid):.0f} MB for the gateway of the hit rounds, "
              f"{rss_megabytes(fill_gateway.pid):.0f} MB for the one holding {ENTRIES:,} entries (memory tier bound {memory_bound:.0f} MB)")
        print(f"memory bound filled past it: {full_entries:,} small answers through a gateway with a {FULL_TIER_BYTES / (1 << 20):.0f} MB "
              f"bound, which holds {float(held.group(1)):,.0f} of them ({float(evicted.group(1)):,.0f} evicted): RSS {full_rss:.0f} MB "
              f"(bound + 80 = {FULL_TIER_BYTES / (1 << 20) + 80:.0f})")
    finally:
        for process in processes:
            if process == "nginx":
                subprocess.run(["nginx", "-c", str(scratch / "nginx.conf"), "-p", str(scratch), "-s", "stop"], check=False)
            else:
                process.terminate()
                process.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
