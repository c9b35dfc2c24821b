"""Shared by the Python test folders (Tests/ is on sys.path, so they import biogateway_processes): the
upstream simulator, and gateways started as real processes in front of it."""

import pytest

from biogateway_processes import free_port, start, stop


@pytest.fixture(scope="session")
def simulator_url():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        process = start(["simulate", "--port", str(port)], url + "/_simulator/requests")
    except RuntimeError as error:
        pytest.fail(str(error))
    yield url
    stop(process)


@pytest.fixture
def gateway(simulator_url, tmp_path):
    """Starts gateways on one cache file in front of the simulator: `gateway.start()` returns (process, url)."""

    class Gateways:
        cache_path = tmp_path / "cache.sqlite"
        token = "durability-admin-token-0123456789"
        processes = []

        def start(self, **settings):
            """Starts a gateway; a setting given as None is left unset."""
            port = free_port()
            environment = {
                "BIOGATEWAY_PORT": str(port),
                "BIOGATEWAY_CACHE_PATH": str(self.cache_path),
                "BIOGATEWAY_NHM_URL": simulator_url,
                "BIOGATEWAY_VERTNET_URL": simulator_url,
                "BIOGATEWAY_ADMIN_TOKEN": self.token,
                # the simulator is local: these tests are about the cache, not about sparing the upstreams
                "BIOGATEWAY_RATE_LIMIT": "1000000",
                "BIOGATEWAY_UPSTREAM_RATE_LIMIT": "1000000",
                "BIOGATEWAY_NHM_MAX_RPS": "1000",
                "BIOGATEWAY_VERTNET_MAX_RPS": "1000",
                "BIOGATEWAY_NHM_MAX_CONCURRENT": "32",
                "BIOGATEWAY_VERTNET_MAX_CONCURRENT": "32",
                **settings,
            }
            environment = {name: value for name, value in environment.items() if value is not None}
            url = f"http://127.0.0.1:{port}"
            process = start(["serve"], url + "/", environment)
            self.processes.append(process)
            return process, url

    gateways = Gateways()
    yield gateways
    for process in gateways.processes:
        if process.poll() is None:
            stop(process)
