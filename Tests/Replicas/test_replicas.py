"""Three gateways on loopback sharing one PostgreSQL database (BIOGATEWAY_STORE=postgres://…) in front of the
upstream simulator: they behave as one gateway. The test command starts the PostgreSQL server
(scripts/postgres-for-tests.sh) and names it in BIOGATEWAY_TEST_POSTGRES_URL; each test gets a database of
its own."""

import itertools
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from biogateway_processes import free_port, start_gateway, stop, until

SERVER = os.environ.get("BIOGATEWAY_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not SERVER, reason="no PostgreSQL server for the tests (BIOGATEWAY_TEST_POSTGRES_URL)")
TOKEN = "replicas-admin-token-0123456789"


def database_url(server, name):
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def psql(server, statement):
    subprocess.run(["psql", server, "-v", "ON_ERROR_STOP=1", "-qc", statement], check=True, capture_output=True)


@pytest.fixture
def store():
    """A database of its own on the tests' PostgreSQL server; dropped afterwards."""
    name = "replicas_" + uuid.uuid4().hex[:12]
    psql(SERVER, f"CREATE DATABASE {name}")
    yield database_url(SERVER, name)
    psql(SERVER, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def replicas(simulator_url, store):
    """Starts gateways on the shared store: `replicas.start(**settings)` returns (process, url)."""

    class Replicas:
        processes = []

        def start(self, store_url=store, **settings):
            process, url = start_gateway(
                simulator_url,
                {
                    "BIOGATEWAY_STORE": store_url,
                    "BIOGATEWAY_ADMIN_TOKEN": TOKEN,
                    "BIOGATEWAY_MAX_CONNECTIONS_PER_CLIENT": "1000",
                    **settings,
                },
                ready_path="/healthz",
            )
            self.processes.append(process)
            return process, url

    started = Replicas()
    yield started
    for process in started.processes:
        if process.poll() is None:
            stop(process)


def fresh_question():
    """A VertNet question with records (an empty answer is asked twice: VertNet reports failures that way)
    that no other test of the session asks."""
    fresh_question.year -= 1
    return f"genus:Bufo year>={fresh_question.year}"


fresh_question.year = 2000


def simulated(simulator_url, source):
    return requests.get(simulator_url + "/_simulator/requests", params={"source": source}, timeout=10).json()["requests"]


def vertnet(url, question):
    return vertnet_with(requests, url, question)


def vertnet_with(session, url, question):
    return session.get(url + "/vertnet/api/search", params={"q": json.dumps({"q": question, "l": 5})}, timeout=60)


def test_a_miss_on_one_replica_is_a_hit_on_the_others(replicas, simulator_url):
    urls = [replicas.start()[1] for _ in range(3)]
    requests.delete(simulator_url + "/_simulator/requests", timeout=10)
    question = fresh_question()
    first = vertnet(urls[0], question)
    assert first.status_code == 200
    assert "stored" in first.headers["Cache-Status"]
    for url in urls[1:]:
        again = vertnet(url, question)
        assert again.status_code == 200
        assert "hit" in again.headers["Cache-Status"], again.headers["Cache-Status"]
        assert again.content == first.content
    assert sum(question in json.dumps(record["parameters"]) for record in simulated(simulator_url, "vertnet")) == 1


def test_concurrent_identical_misses_over_three_replicas_make_one_upstream_request(replicas, simulator_url):
    urls = [replicas.start()[1] for _ in range(3)]
    requests.delete(simulator_url + "/_simulator/requests", timeout=10)
    question = fresh_question()
    # the one upstream answer takes 1.5 s: every request arrives while it is being fetched
    requests.post(
        simulator_url + "/_simulator/faults",
        json={"source": "vertnet", "kind": "latency", "latencyMs": 1500, "count": 1},
        timeout=10,
    ).raise_for_status()
    with ThreadPoolExecutor(max_workers=60) as pool:
        answers = list(pool.map(lambda index: vertnet(urls[index % 3], question), range(300)))
    assert {answer.status_code for answer in answers} == {200}, [answer.text for answer in answers if answer.status_code != 200][:3]
    assert len({answer.content for answer in answers}) == 1
    asked = [record for record in simulated(simulator_url, "vertnet") if question in json.dumps(record["parameters"])]
    assert len(asked) == 1


def test_a_cursor_from_one_replica_pages_on_another(replicas):
    first_url = replicas.start()[1]
    other_url = replicas.start()[1]
    page = requests.get(first_url + "/v1/records", params={"genus": "Bufo", "limit": 5}, timeout=60)
    assert page.status_code == 200
    cursor = page.json()["next"]
    assert cursor
    following = requests.get(other_url + "/v1/records", params={"genus": "Bufo", "limit": 5, "cursor": cursor}, timeout=60)
    assert following.status_code == 200, following.text
    ids = lambda answer: [record["occurrenceID"] for record in answer.json()["records"]]  # noqa: E731
    assert ids(following) and not set(ids(following)) & set(ids(page))


def test_a_purge_on_one_replica_reaches_the_others_memory(replicas):
    urls = [replicas.start()[1] for _ in range(2)]
    question = fresh_question()
    assert vertnet(urls[0], question).status_code == 200
    assert "hit" in vertnet(urls[1], question).headers["Cache-Status"]  # now in the second one's memory too
    purged = requests.delete(urls[1] + "/admin/cache", params={"source": "vertnet"}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert purged.status_code == 200, purged.text
    started = datetime.now()
    # the first replica forgets it as soon as the purge is announced (NOTIFY): its next answer is a miss
    until(lambda: "hit" not in vertnet(urls[0], question).headers["Cache-Status"], timeout=10, what="the purge reaching the other replica")
    print(f"purge reached the other replica within {(datetime.now() - started).total_seconds():.3f} s")


def test_upstream_pace_and_concurrency_hold_for_the_cluster(replicas, simulator_url):
    """60 s of mixed misses from 12 clients over three gateways, with the NHM at 4/s one at a time and VertNet
    at 8/s two at a time for the three together: the simulator never sees more, nor more at once."""
    limits = {
        "BIOGATEWAY_NHM_MAX_RPS": "4",
        "BIOGATEWAY_NHM_MAX_CONCURRENT": "1",
        "BIOGATEWAY_VERTNET_MAX_RPS": "8",
        "BIOGATEWAY_VERTNET_MAX_CONCURRENT": "2",
    }
    urls = [replicas.start(**limits)[1] for _ in range(3)]
    requests.delete(simulator_url + "/_simulator/requests", timeout=10)
    marker = uuid.uuid4().hex[:6]
    numbers = itertools.count()
    until_moment = time.monotonic() + 60

    def client(_):
        session = requests.Session()
        statuses = []
        while time.monotonic() < until_moment:
            number = next(numbers)
            url = urls[number % 3]
            if number % 2:
                answer = session.get(
                    url + "/nhm/api/3/action/datastore_search",
                    params={"resource_id": "05ff2255-c38a-40c9-b657-4ccb55ab2feb", "q": f"Bufo {marker} {number}", "limit": 3},
                    timeout=60,
                )
            else:
                answer = vertnet_with(session, url, f"genus:Bufo {marker}{number}")
            statuses.append(answer.status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = [status for statuses in pool.map(client, range(12)) for status in statuses]
    assert set(statuses) == {200}

    def arrivals(source):
        asked = [record for record in simulated(simulator_url, source) if marker in json.dumps(record["parameters"])]
        return sorted(
            (datetime.fromisoformat(record["receivedAt"]), datetime.fromisoformat(record["finishedAt"])) for record in asked
        )

    def most_at_once(times):
        events = sorted([(start, 1) for start, _ in times] + [(end, -1) for _, end in times], key=lambda event: (event[0], event[1]))
        most = current = 0
        for _, change in events:
            current += change
            most = max(most, current)
        return most

    def most_in_a_second(times):
        starts = [start for start, _ in times]
        return max(sum(1 for other in starts[index:] if (other - start).total_seconds() < 1) for index, start in enumerate(starts))

    nhm_times, vertnet_times = arrivals("nhm"), arrivals("vertnet")
    print(f"60 s over three replicas: {len(nhm_times)} NHM and {len(vertnet_times)} VertNet requests upstream")
    assert len(nhm_times) >= 150 and len(vertnet_times) >= 150  # the pace was the limit, not the clients
    assert most_at_once(nhm_times) == 1
    assert most_at_once(vertnet_times) <= 2
    # the cluster paces as one gateway does: a burst of 2 after a quiet spell, then 1/rate apart (one sent
    # late shortens only the gap after it)
    assert most_in_a_second(nhm_times) <= 4 + 2
    assert most_in_a_second(vertnet_times) <= 8 + 2


def test_postgresql_lost_and_back(replicas, simulator_url):
    """PostgreSQL stopped and started under load: hits keep coming from memory (never a 5xx), misses are
    answered from the upstream (not stored), /readyz says not ready; PostgreSQL back: ready again by itself
    and misses stored again."""
    # a server of its own (it is stopped mid-test), in a folder the postgres user can enter
    folder = tempfile.mkdtemp(prefix="biogateway-postgres-")
    port = free_port()
    script = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "postgres-for-tests.sh")
    server = subprocess.run([script, "start", str(folder), str(port)], check=True, capture_output=True, text=True).stdout.strip()
    try:
        urls = [replicas.start(store_url=server)[1] for _ in range(2)]
        question = fresh_question()
        stored = vertnet(urls[0], question)
        assert stored.status_code == 200
        assert "hit" in vertnet(urls[1], question).headers["Cache-Status"]
        assert all(requests.get(url + "/readyz", timeout=10).status_code == 200 for url in urls)
        stop = threading.Event()
        hit_statuses = []

        def load():
            session = requests.Session()
            while not stop.is_set():
                for url in urls:
                    answer = vertnet_with(session, url, question)
                    hit_statuses.append((answer.status_code, "hit" in answer.headers.get("Cache-Status", "")))

        loader = threading.Thread(target=load)
        loader.start()
        try:
            subprocess.run([script, "pause", str(folder)], check=True, capture_output=True)
            miss = vertnet(urls[0], fresh_question())
            assert miss.status_code == 200
            assert "stored" not in miss.headers["Cache-Status"]
            until(lambda: all(requests.get(url + "/readyz", timeout=30).status_code == 503 for url in urls), what="not ready")
            subprocess.run([script, "resume", str(folder), str(port)], check=True, capture_output=True)
            until(
                lambda: all(requests.get(url + "/readyz", timeout=30).status_code == 200 for url in urls),
                timeout=60,
                what="readiness after PostgreSQL came back",
            )
        finally:
            stop.set()
            loader.join()
        assert hit_statuses and all(status == 200 for status, _ in hit_statuses)
        assert sum(hit for _, hit in hit_statuses) >= len(hit_statuses) - 2  # at most one refetch each after the outage
        again = vertnet(urls[1], fresh_question())
        assert again.status_code == 200 and "stored" in again.headers["Cache-Status"]
    finally:
        subprocess.run([script, "stop", str(folder)], capture_output=True)


def test_a_replica_killed_mid_fetch_holds_nothing_for_long(replicas, simulator_url):
    """SIGKILL of the replica fetching a question: the others go on answering (hits and other misses at
    once); the question it was fetching is fetched by another once its claim expires (here after
    2 × 2 s queue timeout + 3 s upstream timeout + 5 s); nothing stored is lost."""
    settings = {"BIOGATEWAY_UPSTREAM_QUEUE_TIMEOUT": "2", "BIOGATEWAY_UPSTREAM_TIMEOUT": "3"}
    killed, killed_url = replicas.start(**settings)
    urls = [replicas.start(**settings)[1] for _ in range(2)]
    kept = fresh_question()
    assert vertnet(urls[0], kept).status_code == 200
    # the killed replica's upstream request is held unanswered by the simulator: it dies holding the claim
    requests.post(
        simulator_url + "/_simulator/faults",
        json={"source": "vertnet", "kind": "hold", "latencyMs": 30000, "count": 1},
        timeout=10,
    ).raise_for_status()
    orphan = fresh_question()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(lambda: vertnet(killed_url, orphan))
        until(lambda: requests.get(simulator_url + "/_simulator/faults", timeout=10).json() == [], timeout=30, what="the held request")
        killed.kill()
        killed.wait()
        with pytest.raises(requests.RequestException):
            pending.result()
    requests.post(simulator_url + "/_simulator/release", timeout=10)
    for url in urls:
        hit = vertnet(url, kept)
        assert hit.status_code == 200 and "hit" in hit.headers["Cache-Status"]
        assert vertnet(url, fresh_question()).status_code == 200
    answer = vertnet(urls[1], orphan)
    assert answer.status_code == 200, answer.text
    assert "stored" in answer.headers["Cache-Status"]
    statistics = requests.get(urls[0] + "/admin/cache", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).json()
    assert statistics["entries"] >= 4


def test_one_client_has_one_budget_across_the_replicas(replicas):
    """A client spreading requests over three replicas gets its budget once: 60 requests a minute, asked
    for 150 times in a few seconds round robin, is answered about 60 times (the budget's burst, split into
    thirds), plus at most what the replicas allow before they next hear of each other."""
    urls = [replicas.start(BIOGATEWAY_RATE_LIMIT="60")[1] for _ in range(3)]
    question = fresh_question()
    assert vertnet(urls[0], question).status_code == 200
    # every replica has counted the others (each notes itself every 5 s; budgets are exchanged every second)
    until(
        lambda: all(re.search(r"(?m)^biogateway_replicas_seen 3(\.0)?$", requests.get(url + "/metrics", timeout=10).text) for url in urls),
        what="each replica seeing the three",
    )
    session = requests.Session()
    statuses = [vertnet_with(session, urls[index % 3], question).status_code for index in range(150)]
    allowed = statuses.count(200)
    assert set(statuses) <= {200, 429}
    print(f"a budget of 60 a minute over three replicas: {allowed} of 150 allowed")
    assert 50 <= allowed <= 60 * 1.1 + 3
