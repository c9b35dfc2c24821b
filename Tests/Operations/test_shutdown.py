"""SIGTERM and SIGINT: the gateway stops accepting, finishes the request in flight, writes its batched
counters, checkpoints the WAL and closes the database cleanly (only the .sqlite file is left)."""

import json
import signal
import subprocess
import threading
import time

import requests

from biogateway_processes import BINARY, SPECIMENS, free_port, run


def wait_until(condition, what, timeout=60):
    """Polls `condition` until it holds; fails naming `what` if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def refuses_connections(url):
    try:
        requests.get(url + "/healthz", timeout=2)
        return False
    except requests.ConnectionError:
        return True


def upstream_calls(simulator_url, source):
    return len(requests.get(simulator_url + "/_simulator/requests", params={"source": source}).json()["requests"])


def only_the_database_is_left(cache_path):
    siblings = sorted(path.name for path in cache_path.parent.iterdir() if path.name.startswith(cache_path.name))
    assert siblings == [cache_path.name], f"left beside the cache: {siblings}"


def test_sigterm_finishes_in_flight_requests_and_closes_the_cache(gateway, simulator_url):
    process, url = gateway.start()
    query = {"q": json.dumps({"q": "genus:bufo", "l": 3})}
    requests.get(url + "/vertnet/api/search", params={"q": json.dumps({"q": "genus:puma", "l": 1})})
    requests.get(url + "/vertnet/api/search", params={"q": json.dumps({"q": "genus:puma", "l": 1})})  # a hit
    calls = upstream_calls(simulator_url, "vertnet")
    # the upstream holds the next request until released: it is in flight for as long as the test needs
    requests.post(simulator_url + "/_simulator/faults", json={"source": "vertnet", "kind": "hold", "count": 1}).raise_for_status()
    answers = []
    in_flight = threading.Thread(target=lambda: answers.append(requests.get(url + "/vertnet/api/search", params=query, timeout=60)))
    in_flight.start()
    wait_until(lambda: upstream_calls(simulator_url, "vertnet") == calls + 1, "the request reached the upstream")
    process.send_signal(signal.SIGTERM)
    wait_until(lambda: refuses_connections(url), "the gateway stopped accepting connections")
    assert process.poll() is None, "the gateway exited with a request in flight"
    assert requests.post(simulator_url + "/_simulator/release").json() == {"released": 1}
    in_flight.join()
    assert process.wait(timeout=30) == 0
    assert answers[0].status_code == 200
    assert answers[0].headers["Cache-Status"] == "BioGateway; fwd=miss; stored"
    only_the_database_is_left(gateway.cache_path)

    stats = json.loads(run(["cache", "stats", "--json", "--cache-path", str(gateway.cache_path)]).stdout)
    assert stats["entries"] == 2
    assert stats["hits"] == 1  # written at shutdown, not lost with the process
    verified = run(["cache", "verify", "--cache-path", str(gateway.cache_path)])
    assert "integrity: ok" in verified.stdout


def test_ctrl_c_checkpoints_the_wal(gateway):
    process, url = gateway.start()
    for genus in ("puma", "bufo", "junco", "rana"):
        assert requests.get(url + "/vertnet/api/search", params={"q": json.dumps({"q": f"genus:{genus}", "l": 50})}).status_code == 200
    assert (gateway.cache_path.parent / "cache.sqlite-wal").exists()  # the stores went to the WAL
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    only_the_database_is_left(gateway.cache_path)
    assert "integrity: ok" in run(["cache", "verify", "--cache-path", str(gateway.cache_path)]).stdout


def test_the_demo_says_what_it_does_and_leaves_nothing_behind(tmp_path):
    port, simulator_port = free_port(), free_port()
    demo = subprocess.Popen(
        [BINARY, "demo", "--port", str(port), "--simulator-port", str(simulator_port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)},
    )
    try:
        # progress before the (slow) data generation, then the banner once both servers listen
        assert "Generating the simulator's data" in demo.stdout.readline()
        lines = []
        while not any("Ready." in line for line in lines):
            line = demo.stdout.readline()
            assert line, f"the demo stopped before it was ready: {''.join(lines)}"
            lines.append(line)
        banner = "".join(lines)
        assert "new and empty" in banner
        cache_folders = list(tmp_path.glob("biogateway-demo-*"))
        assert len(cache_folders) == 1 and str(cache_folders[0]) in banner
        query = {"resource_id": SPECIMENS, "q": "bufo", "limit": "2"}
        first = requests.get(f"http://127.0.0.1:{port}/nhm/api/3/action/datastore_search", params=query)
        again = requests.get(f"http://127.0.0.1:{port}/nhm/api/3/action/datastore_search", params=query)
        assert first.headers["Cache-Status"] == "BioGateway; fwd=miss; stored"
        assert again.headers["Cache-Status"].startswith("BioGateway; hit")
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=30) == 0
        assert not cache_folders[0].exists(), "the demo's temporary cache was left behind"
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


def test_a_port_in_use_is_named_in_one_line(simulator_url):
    taken = int(simulator_url.rsplit(":", 1)[1])
    for arguments, flag in ((["demo", "--port", str(taken), "--simulator-port", str(free_port())], "--port"),
                            (["demo", "--port", str(free_port()), "--simulator-port", str(taken)], "--simulator-port")):
        result = subprocess.run([BINARY, *arguments], capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert f"port {taken} on 127.0.0.1 is already in use" in lines[0]
        assert f"choose another with {flag}" in lines[0]
        assert "Generating" not in result.stdout  # checked before the slow start
    result = run(["serve", "--port", str(taken)], environment={"BIOGATEWAY_CACHE_PATH": "/tmp/biogateway-unused.sqlite"})
    assert result.returncode == 1
    assert "already in use" in result.stderr and "--port" in result.stderr


def test_cache_commands_leave_only_the_database(gateway):
    process, url = gateway.start()
    assert requests.get(url + "/vertnet/api/search", params={"q": json.dumps({"q": "genus:puma", "l": 5})}).status_code == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    for command in (["stats"], ["verify"], ["vacuum"], ["purge", "--source", "nhm"]):
        assert run(["cache", *command, "--cache-path", str(gateway.cache_path)]).returncode == 0, command
        only_the_database_is_left(gateway.cache_path)
