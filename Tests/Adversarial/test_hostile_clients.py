"""Hostile clients against `biogateway serve` (the built binary) in front of the simulator: each case gets
its exact answer, the gateway keeps answering `/healthz` for everyone else meanwhile (from another loopback
address: 127.0.0.2), and nothing is stored from a refused request."""

import socket
import time
from urllib.parse import urlparse

import pytest
import requests

from biogateway_processes import SPECIMENS

# Kubernetes' default liveness-probe timeout: /healthz must answer well within it while the attack runs
# (the measured time is printed; the bound is a probe's, not a benchmark's, so a busy CI machine passes)
PROBE_TIMEOUT_S = 1.0


def connect(url, source="127.0.0.1"):
    address = urlparse(url)
    connection = socket.create_connection((address.hostname, address.port), timeout=30, source_address=(source, 0))
    return connection


def health_from_elsewhere(url):
    """GET /healthz from 127.0.0.2 (another client), returning its latency in seconds."""
    with connect(url, source="127.0.0.2") as connection:
        started = time.monotonic()
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n")
        answer = read_all(connection)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    print(f"/healthz from another client answered in {elapsed * 1000:.1f} ms")
    return elapsed


def read_all(connection):
    """Everything the server sends until it closes the connection (a reset counts as closing)."""
    chunks = []
    while True:
        try:
            chunk = connection.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def wait_closed(connection):
    """Blocks until the server closes the connection (the event), returning what it sent before."""
    connection.settimeout(60)
    return read_all(connection)


@pytest.fixture
def hardened(gateway):
    _, url = gateway.start(
        BIOGATEWAY_CLIENT_IDLE_TIMEOUT="2",
        BIOGATEWAY_MAX_CONNECTIONS_PER_CLIENT="20",
        BIOGATEWAY_MAX_CONNECTIONS="200",
    )
    return url


def test_slowloris_connections_are_closed_by_the_idle_timeout(hardened):
    loris = []
    for _ in range(10):
        connection = connect(hardened)
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Slow: ")
        loris.append(connection)
    assert health_from_elsewhere(hardened) < PROBE_TIMEOUT_S
    for connection in loris:
        # a byte now and then does not make a request: the head never completes, the connection is closed
        try:
            connection.sendall(b"a")
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert wait_closed(connection) == b""
        connection.close()


def test_silent_connections_past_the_per_client_bound_are_refused_and_others_are_served(hardened):
    silent = [connect(hardened) for _ in range(20)]
    extra = connect(hardened)
    answer = wait_closed(extra)
    assert answer.startswith(b"HTTP/1.1 503"), answer[:200]
    assert b"application/problem+json" in answer and b"too-many-connections" in answer
    assert b"Retry-After: 1" in answer
    assert health_from_elsewhere(hardened) < PROBE_TIMEOUT_S
    for connection in silent:
        connection.close()
    # the freed slots are given back: the same client is served again
    def served():
        try:
            return requests.get(hardened + "/healthz", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False
    deadline = time.monotonic() + 30
    while not served():
        assert time.monotonic() < deadline, "the closed connections' slots were not given back"
        time.sleep(0.05)


def test_the_total_bound_refuses_cleanly(gateway):
    _, url = gateway.start(BIOGATEWAY_MAX_CONNECTIONS="5", BIOGATEWAY_CLIENT_IDLE_TIMEOUT="30")
    held = [connect(url) for _ in range(5)]
    extra = connect(url, source="127.0.0.2")
    assert wait_closed(extra).startswith(b"HTTP/1.1 503")
    for connection in held:
        connection.close()


def test_a_form_body_with_tens_of_thousands_of_parameters_is_refused_quickly(hardened, simulator_url):
    body = "&".join(f"k{index}=v" for index in range(64_000))
    before = requests.get(simulator_url + "/_simulator/requests").json()
    answer = requests.post(
        hardened + "/v1/records",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "urn:biogateway:problem:too-many-parameters"
    assert len(answer.content) < 2_000
    assert health_from_elsewhere(hardened) < PROBE_TIMEOUT_S
    assert requests.get(simulator_url + "/_simulator/requests").json() == before


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        (b"GET /api/search?q=%00 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET /../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", 404),
        (b"GET /healthz HTTP/1.1\r\nHost: a\r\n" + b"X-Many: 1\r\n" * 2000 + b"\r\n", 431),
    ],
    ids=["content-length-and-chunked", "nul-in-query", "path-traversal", "too-many-headers"],
)
def test_malformed_requests_get_an_answer_and_nothing_more(hardened, raw, status):
    with connect(hardened) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)
        answer = wait_closed(connection)
    if answer:
        assert int(answer.split(b" ", 2)[1]) in (status, 400, 404, 431), answer[:200]
    assert health_from_elsewhere(hardened) < PROBE_TIMEOUT_S


def test_a_refused_request_stores_nothing(hardened, simulator_url):
    query = {"resource_id": SPECIMENS, "limit": "ten"}
    assert requests.get(hardened + "/api/3/action/datastore_search", params=query, timeout=30).status_code == 409
    stats = requests.get(hardened + "/admin/cache", headers={"Authorization": "Bearer durability-admin-token-0123456789"}).json()
    assert stats["entries"] == 0
