"""Starts `biogateway demo` (the upstream simulator and a gateway in front of it) for the client tests."""

import pytest

from biogateway_processes import free_port, start, stop


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """(gateway URL, simulator URL) of one `biogateway demo` for the session."""
    port, simulator_port = free_port(), free_port()
    cache = tmp_path_factory.mktemp("cache") / "cache.sqlite"
    url = f"http://127.0.0.1:{port}"
    arguments = ["demo", "--port", str(port), "--simulator-port", str(simulator_port), "--cache-path", str(cache)]
    # one client runs every example and real client of the session against this gateway, some of them paging
    # thousands of records: its budget of cache misses (60 a minute by default) must not decide which test
    # passes (the budgets have tests of their own)
    budgets = {"BIOGATEWAY_UPSTREAM_RATE_LIMIT": "100000", "BIOGATEWAY_RATE_LIMIT": "100000"}
    try:
        process = start(arguments, url + "/", environment=budgets)
    except RuntimeError as error:
        pytest.fail(str(error))
    yield url, f"http://127.0.0.1:{simulator_port}"
    stop(process)


@pytest.fixture(scope="session")
def gateway_url(demo):
    return demo[0]
