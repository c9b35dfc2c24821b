"""SIGTERM: the gateway stops accepting, finishes the request in flight, writes its batched counters and
closes the database cleanly."""

import json
import signal
import threading
import time

import requests

from biogateway_processes import run


def test_sigterm_finishes_in_flight_requests_and_closes_the_cache(gateway, simulator_url):
    process, url = gateway.start()
    query = {"q": json.dumps({"q": "genus:bufo", "l": 3})}
    requests.get(url + "/vertnet/api/search", params={"q": json.dumps({"q": "genus:puma", "l": 1})})
    requests.get(url + "/vertnet/api/search", params={"q": json.dumps({"q": "genus:puma", "l": 1})})  # a hit
    fault = {"source": "vertnet", "kind": "latency", "latencyMs": 2000, "count": 1}
    requests.post(simulator_url + "/_simulator/faults", json=fault).raise_for_status()
    answers = []
    in_flight = threading.Thread(target=lambda: answers.append(requests.get(url + "/vertnet/api/search", params=query, timeout=30)))
    in_flight.start()
    time.sleep(0.7)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    in_flight.join()
    assert process.wait(timeout=30) == 0
    assert time.monotonic() - started < 25
    assert answers[0].status_code == 200
    assert answers[0].headers["Cache-Status"] == "BioGateway; fwd=miss; stored"
    try:
        requests.get(url + "/healthz", timeout=2)
        raise AssertionError("the gateway still accepts connections after SIGTERM")
    except requests.ConnectionError:
        pass

    stats = json.loads(run(["cache", "stats", "--json", "--cache-path", str(gateway.cache_path)]).stdout)
    assert stats["entries"] == 2
    assert stats["hits"] == 1  # written at shutdown, not lost with the process
    verified = run(["cache", "verify", "--cache-path", str(gateway.cache_path)])
    assert "integrity: ok" in verified.stdout
    assert not (gateway.cache_path.parent / "cache.sqlite-wal").exists() or (gateway.cache_path.parent / "cache.sqlite-wal").stat().st_size == 0
