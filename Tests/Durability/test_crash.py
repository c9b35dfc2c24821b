"""SIGKILL a gateway in the middle of heavy cache-write traffic, again and again: the database must come
back intact every time (integrity_check ok) and no later answer may be truncated or mismatched."""

import itertools
import json
import random
import signal
import threading
import time

import requests

from biogateway_processes import SPECIMENS, run

KILLS = 10
WRITERS = 12


def query(number):
    """The n-th distinct question: NHM pages and VertNet searches of varied sizes, so each is a cache write."""
    if number % 2 == 0:
        return "/nhm/api/3/action/datastore_search", {
            "resource_id": SPECIMENS,
            "q": "bufo",
            "limit": str(20 + number % 7 * 30),
            "offset": str(number),
        }
    return "/vertnet/api/search", {"q": json.dumps({"q": "genus:bufo", "l": 1 + number % 997})}


def comparable(body):
    """An answer without the one field that differs between two identical VertNet searches."""
    document = json.loads(body)
    document.pop("request_date", None)
    return document


def load(url, numbers, stop):
    session = requests.Session()
    while not stop.is_set():
        path, parameters = query(next(numbers))
        try:
            session.get(url + path, params=parameters, timeout=10)
        except requests.RequestException:
            return  # the gateway was killed


def test_sigkill_under_write_load_never_damages_the_cache(gateway, simulator_url):
    counter = itertools.count()  # next() on it is atomic under the GIL: shared by the writer threads

    issued = 0
    for kill in range(KILLS):
        process, url = gateway.start()
        stop = threading.Event()
        writers = [threading.Thread(target=load, args=(url, counter, stop)) for _ in range(WRITERS)]
        for writer in writers:
            writer.start()
        time.sleep(random.uniform(0.6, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        for writer in writers:
            writer.join()

        verified = run(["cache", "verify", "--cache-path", str(gateway.cache_path)])
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "integrity: ok" in verified.stdout, verified.stdout
        assert "dropped entries: 0" in verified.stdout, f"kill {kill}: {verified.stdout}"
        issued = next(counter)

    assert issued > KILLS * WRITERS, f"only {issued} requests were sent; the load did not run"

    # every stored answer is served whole and equals the upstream's own answer
    process, url = gateway.start()
    session = requests.Session()
    hits = 0
    for number in range(issued):
        path, parameters = query(number)
        answer = session.get(url + path, params=parameters, headers={"Cache-Control": "only-if-cached"}, timeout=30)
        if answer.status_code == 504:
            continue  # never stored: the kill came first
        assert answer.status_code == 200, answer.text
        hits += 1
        upstream_path = path.replace("/nhm", "").replace("/vertnet", "")
        direct = requests.get(simulator_url + upstream_path, params=parameters, timeout=30)
        if path.startswith("/vertnet"):
            canonical = json.loads(parameters["q"])
            direct = requests.get(simulator_url + "/api/search", params={"q": json.dumps(canonical)}, timeout=30)
        assert comparable(answer.content) == comparable(direct.content), f"answer {number} differs from upstream"
    print(f"\n{KILLS} kills, {issued} requests sent, {hits} answers stored and verified")
    assert hits > KILLS, f"only {hits} answers survived the kills"
    statistics = session.get(url + "/admin/cache", headers={"Authorization": f"Bearer {gateway.token}"}).json()
    assert statistics["entries"] == hits
