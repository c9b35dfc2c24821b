"""A misbehaving upstream (the simulator's faults) behind `biogateway serve`, the built binary: each fault
gets its exact answer, /healthz answers meanwhile, and nothing bad is stored — once the upstream recovers,
the same question goes upstream again and is answered properly."""

import time

import pytest
import requests

from biogateway_processes import SPECIMENS
from adversarial_checks import assert_responsive, resident_mb

NHM = "/api/3/action/datastore_search"


@pytest.fixture
def faulty(gateway, simulator_url):
    requests.delete(simulator_url + "/_simulator/faults")
    _, url = gateway.start(
        BIOGATEWAY_UPSTREAM_TIMEOUT="3",
        BIOGATEWAY_UPSTREAM_RETRIES="0",
        BIOGATEWAY_BREAKER_THRESHOLD="1000",
        BIOGATEWAY_UPSTREAM_MAX_PAUSE="2",
    )
    yield url
    requests.delete(simulator_url + "/_simulator/faults")


def inject(simulator_url, **fault):
    answer = requests.post(simulator_url + "/_simulator/faults", json={"source": "nhm", "count": 1, **fault})
    assert answer.status_code in (200, 201, 204), answer.text


def wait_until_unpaused(url):
    """Waits for the event: /v1/sources no longer shows the NHM paused."""
    deadline = time.monotonic() + 30
    while requests.get(url + "/v1/sources", timeout=5).json()["sources"]["nhm"]["pausedUntil"] is not None:
        assert time.monotonic() < deadline, "the NHM stayed paused"
        time.sleep(0.05)


@pytest.mark.parametrize(
    "fault, status, detail",
    [
        ({"kind": "trickle"}, 504, "timeout"),
        ({"kind": "junk"}, 502, "invalid-body"),
        ({"kind": "garbage"}, 502, "invalid-body"),
        ({"kind": "truncated"}, 502, "connection-failed"),
        ({"kind": "reset"}, 502, "connection-failed"),
        ({"kind": "status", "status": 500}, 502, "upstream-status-500"),
        ({"kind": "status", "status": 429, "retryAfter": 999999999}, 503, "rate-limited"),
    ],
    ids=["trickle", "junk-records", "not-json", "truncated", "reset", "html-500", "absurd-retry-after"],
)
def test_each_fault_is_answered_and_nothing_is_stored(faulty, simulator_url, fault, status, detail):
    query = {"resource_id": SPECIMENS, "q": f"bufo-{fault['kind']}", "limit": "5"}
    inject(simulator_url, **fault)
    answer = requests.get(faulty + NHM, params=query, timeout=30)
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["cache-status"].endswith(f"detail={detail}"), answer.headers["cache-status"]
    if "retryAfter" in fault:
        # the absurd pause is cut to the gateway's maximum (2 s here), and the client is told that
        assert int(answer.headers["retry-after"]) <= 2
        wait_until_unpaused(faulty)
    assert_responsive(faulty)
    # recovered: the same question goes upstream again (nothing was stored) and is answered and stored
    again = requests.get(faulty + NHM, params=query, timeout=30)
    assert again.status_code == 200, again.text[:300]
    assert again.headers["cache-status"] == "BioGateway; fwd=miss; stored"
    assert again.json()["success"] is True


def test_an_error_envelope_is_passed_on_but_not_stored(faulty):
    query = {"resource_id": "not-a-datastore-resource"}
    for _ in range(2):
        answer = requests.get(faulty + NHM, params=query, timeout=30)
        assert answer.status_code == 409
        assert answer.headers["cache-status"] == "BioGateway; fwd=miss; fwd-status=409"


def test_huge_and_endless_answers_are_cut_at_the_bound_and_memory_stays_bounded(gateway, simulator_url):
    requests.delete(simulator_url + "/_simulator/faults")
    process, url = gateway.start(
        # a deadline far past the time 12 MiB take to arrive, so the size bound, not the clock, ends each answer
        BIOGATEWAY_UPSTREAM_TIMEOUT="120", BIOGATEWAY_UPSTREAM_RETRIES="0", BIOGATEWAY_BREAKER_THRESHOLD="1000"
    )
    baseline = resident_mb(process)
    for index in range(3):
        for fault in ({"kind": "huge", "sizeBytes": 200 * 1024 * 1024}, {"kind": "endless"}):
            query = {"resource_id": SPECIMENS, "q": f"bufo-{fault['kind']}-{index}", "limit": "5"}
            inject(simulator_url, **fault)
            answer = requests.get(url + NHM, params=query, timeout=60)
            # a body past 12 MiB is not read further, huge or endless: a 502, not stored
            assert answer.status_code == 502, answer.text[:300]
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["cache-status"] == "BioGateway; fwd=miss; fwd-status=200; detail=invalid-body"
            assert_responsive(url)
    grown = resident_mb(process) - baseline
    print(f"resident memory: {baseline:.0f} MB before, grew {grown:.0f} MB over six huge or endless answers")
    # each answer is cut at 12 MiB: what stays is the allocator's, far from a 200 MB body (or an endless one)
    assert grown < 100
    requests.delete(simulator_url + "/_simulator/faults")


def test_an_answer_sent_as_html_is_served_as_json_with_nosniff(faulty, simulator_url):
    inject(simulator_url, kind="html")
    query = {"resource_id": SPECIMENS, "q": "bufo-html", "limit": "1"}
    for _ in range(2):  # as fetched, then as stored
        answer = requests.get(faulty + NHM, params=query, timeout=30)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json; charset=utf-8"
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_redirect_to_another_host_is_not_followed(faulty, simulator_url):
    inject(simulator_url, kind="redirect")
    query = {"resource_id": SPECIMENS, "q": "bufo-redirect", "limit": "1"}
    answer = requests.get(faulty + NHM, params=query, timeout=30)
    assert answer.status_code == 502
    assert answer.headers["content-type"] == "application/problem+json"
    again = requests.get(faulty + NHM, params=query, timeout=30)
    assert again.status_code == 200 and again.headers["cache-status"] == "BioGateway; fwd=miss; stored"
