"""Hostile clients against `biogateway serve` (the built binary) in front of the simulator: each case gets
its exact answer, the gateway keeps answering `/healthz` for everyone else meanwhile (from another loopback
address: 127.0.0.2), and nothing is stored from a refused request."""

import json
import re
import socket
import time
from urllib.parse import urlparse

import pytest
import requests

from biogateway_processes import SPECIMENS
from adversarial_checks import assert_responsive



def connect(url, source="127.0.0.1"):
    address = urlparse(url)
    connection = socket.create_connection((address.hostname, address.port), timeout=30, source_address=(source, 0))
    return connection


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
    assert_responsive(hardened)
    for connection in loris:
        # a byte now and then does not make a request: the head never completes, the connection is closed
        try:
            connection.sendall(b"a")
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert wait_closed(connection) == b""
        connection.close()


def test_silent_connections_past_the_per_client_bound_are_refused_and_others_are_served(hardened):
    # 21 connections from one address with a bound of 20: the gateway admits them in the order its event
    # loops set them up, which need not be the order they were made, so exactly one of them is refused
    connections = [connect(hardened) for _ in range(21)]
    assert_responsive(hardened)
    # the refused one is answered and closed at once; the admitted ones are closed by the idle timeout,
    # having been sent nothing (each waits for its event, the close)
    answers = [wait_closed(connection) for connection in connections]
    refused = [answer for answer in answers if answer]
    assert len(refused) == 1, [answer[:60] for answer in refused]
    assert refused[0].startswith(b"HTTP/1.1 503"), refused[0][:200]
    assert b"application/problem+json" in refused[0] and b"too-many-connections" in refused[0]
    assert b"Retry-After: 1" in refused[0]
    for connection in connections:
        connection.close()
    # the closed connections' slots are given back: the same client is served again
    def served():
        try:
            return requests.get(hardened + "/healthz", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False
    deadline = time.monotonic() + 30
    while not served():
        assert time.monotonic() < deadline, "the closed connections' slots were not given back"
        time.sleep(0.05)


def admitted(connection):
    """Sends one keep-alive request on `connection` and reads its whole answer: the event that proves the
    gateway admitted the connection (its event loops set connections up in no particular order)."""
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n")
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        assert chunk, "the connection was closed instead of answered"
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
    while len(body) < length:
        chunk = connection.recv(65536)
        assert chunk, "the answer was cut short"
        body += chunk
    return connection


def test_the_total_bound_refuses_cleanly(gateway):
    _, url = gateway.start(BIOGATEWAY_MAX_CONNECTIONS="5", BIOGATEWAY_CLIENT_IDLE_TIMEOUT="30")
    # each held connection is answered once first, so all five are admitted before the sixth arrives
    held = [admitted(connect(url)) for _ in range(5)]
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
    assert_responsive(hardened)
    assert requests.get(simulator_url + "/_simulator/requests").json() == before


@pytest.mark.parametrize(
    "raw, status, problem",
    [
        # refused by the HTTP parser before any route: a problem naming why, and the connection closed
        (b"GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "malformed-request"),
        (b"GET /healthz HTTP/1.1\r\nHost: a\r\n" + b"X-Many: 1\r\n" * 2000 + b"\r\n", 400, "malformed-request"),
        (b"GET /healthz HTTP/1.1\r\nHost: a\r\nBad Header: 1\r\n\r\n", 400, "malformed-request"),
        # reach the gateway's routes
        (b"GET /api/search?q=%00 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid-parameter"),
        (b"GET /../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", 404, "http-404"),
    ],
    ids=["content-length-and-chunked", "too-many-headers", "space-in-header-name", "nul-in-query", "path-traversal"],
)
def test_malformed_requests_get_their_answer_and_nothing_more(hardened, raw, status, problem):
    with connect(hardened) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)
        answer = wait_closed(connection)
    assert answer.startswith(b"HTTP/1.1 %d " % status), answer[:200]
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"Content-Type: application/problem+json" in head, answer[:300]
    assert json.loads(body)["type"] == f"urn:biogateway:problem:{problem}", body[:300]
    assert_responsive(hardened)


def test_pipelined_requests_are_each_answered_in_order(hardened):
    # three requests in one write, the client's side closed after them: three answers, in order
    answer = exchange(
        hardened,
        b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"
        b"GET /v1/sources HTTP/1.1\r\nHost: a\r\n\r\n"
        b"GET /nowhere HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    )
    # (a body is not followed by a line break: the next status line starts right after it)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert statuses == [b"200", b"200", b"404"], answer[:500]
    assert answer.index(b'"status"') < answer.index(b'"sources"') < answer.index(b"urn:biogateway:problem:http-404")
    assert_responsive(hardened)


def test_pipelined_hits_and_routed_requests_are_answered_in_order(hardened):
    # fresh hits are answered where they are read, other requests by the router: one pipelined write of
    # both kinds still gets its answers in the order asked
    hit = "/vertnet/api/search?q=" + requests.utils.quote('{"q":"genus:puma","l":2}')
    miss = "/vertnet/api/search?q=" + requests.utils.quote('{"q":"genus:puma","l":3}')
    assert requests.get(hardened + hit, timeout=30).headers["cache-status"].endswith("stored")
    answer = exchange(
        hardened,
        f"GET {hit} HTTP/1.1\r\nHost: a\r\n\r\n"
        f"GET {miss} HTTP/1.1\r\nHost: a\r\n\r\n"
        f"GET {hit} HTTP/1.1\r\nHost: a\r\n\r\n"
        "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"
        f"GET {hit} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".encode(),
    )
    heads = [head.split(b"\r\n\r\n")[0] for head in answer.split(b"HTTP/1.1 ")[1:]]
    assert [head[:3] for head in heads] == [b"200"] * 5, answer[:2000]
    statuses = [re.search(rb"(?i)cache-status: ([^\r]*)", head) for head in heads]
    described = [status.group(1).decode() if status else None for status in statuses]
    assert described[0].startswith("BioGateway; hit") and described[2].startswith("BioGateway; hit"), described
    assert described[1] == "BioGateway; fwd=miss; stored", described
    assert described[3] is None and described[4].startswith("BioGateway; hit"), described
    assert_responsive(hardened)


def test_a_refused_request_stores_nothing(hardened, simulator_url):
    query = {"resource_id": SPECIMENS, "limit": "ten"}
    assert requests.get(hardened + "/api/3/action/datastore_search", params=query, timeout=30).status_code == 409
    stats = requests.get(hardened + "/admin/cache", headers={"Authorization": "Bearer durability-admin-token-0123456789"}).json()
    assert stats["entries"] == 0


def exchange(url, data, half_close=True):
    with connect(url) as connection:
        connection.sendall(data)
        if half_close:
            connection.shutdown(socket.SHUT_WR)
        return wait_closed(connection)


def test_an_oversized_query_string_is_refused(hardened):
    # refused by the HTTP parser (its 80 KB head limit) before any route, with a problem saying what to do
    answer = requests.get(hardened + "/v1/records?q=" + "a" * 200_000, timeout=30)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "urn:biogateway:problem:malformed-request"
    assert "POST" in answer.json()["detail"]
    assert_responsive(hardened)


def test_a_100_mb_body_is_refused_without_being_read(hardened):
    try:
        answer = requests.post(
            hardened + "/v1/records", data=b"x" * (100 * 1024 * 1024), headers={"Content-Type": "application/json"}, timeout=60
        )
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"
    except requests.ConnectionError:
        pass  # the gateway answered 413 and closed while the client was still sending: also a refusal
    assert_responsive(hardened)


def test_a_chunked_body_that_never_ends_is_not_waited_for_forever(hardened):
    with connect(hardened) as connection:
        connection.sendall(
            b"POST /v1/records HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
            + b'5\r\n{"a":\r\n'
        )
        assert_responsive(hardened)
        # the body stops coming: at the idle timeout the client is told so, and the connection is closed
        answer = wait_closed(connection)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"Content-Type: application/problem+json" in head
    assert json.loads(body)["type"] == "urn:biogateway:problem:request-timeout"


def test_crlf_in_a_parameter_never_reaches_a_header(hardened):
    answer = exchange(hardened, b"GET /v1/records?genus=Bufo%0d%0aX-Injected:%20yes HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    head = answer.split(b"\r\n\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 ")
    assert b"X-Injected" not in head


def test_deeply_nested_json_is_a_problem_not_a_crash(hardened):
    answer = requests.post(
        hardened + "/v1/records", data="[" * 100_000 + "]" * 100_000, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert_responsive(hardened)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong", "Basic ZHVyYWJpbGl0eQ==", "Bearer durability-admin-token-012345678",
     "Bearer durability-admin-token-0123456789x"],
    ids=["none", "empty", "no-token", "wrong", "basic", "one-short", "one-long"],
)
def test_the_admin_api_refuses_every_token_but_its_own(hardened, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = requests.get(hardened + "/admin/cache", headers=headers, timeout=30)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert "durability-admin-token" not in answer.text


def test_a_spoofed_forwarded_for_is_not_believed(gateway):
    # without trusted proxies, X-Forwarded-For does not change who the client is: changing it does not
    # escape the client's budget
    _, url = gateway.start(BIOGATEWAY_RATE_LIMIT="3")
    statuses = [
        requests.get(url + "/v1/sources", headers={"X-Forwarded-For": f"10.0.0.{index}"}, timeout=30).status_code
        for index in range(6)
    ]
    assert 429 in statuses, statuses


def test_tampered_and_foreign_cursors_are_refused(hardened):
    first = requests.get(hardened + "/v1/records", params={"genus": "Bufo", "limit": "10"}, timeout=60).json()["next"]
    for query in ({"genus": "Puma", "cursor": first}, {"genus": "Bufo", "cursor": first[:-3] + "AAA"}):
        answer = requests.get(hardened + "/v1/records", params={"limit": "10", **query}, timeout=30)
        assert answer.status_code == 400
        assert answer.json()["invalid-params"][0]["name"] == "cursor"
