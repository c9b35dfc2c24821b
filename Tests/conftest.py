"""Shared by the Python test folders (Tests/ is on sys.path, so they import biogateway_processes): the
upstream simulator, and gateways started as real processes in front of it."""

import pytest

from biogateway_processes import free_port, start, start_gateway, stop


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
            process, url = start_gateway(
                simulator_url,
                {"BIOGATEWAY_CACHE_PATH": str(self.cache_path), "BIOGATEWAY_ADMIN_TOKEN": self.token, **settings},
            )
            self.processes.append(process)
            return process, url

    gateways = Gateways()
    yield gateways
    for process in gateways.processes:
        if process.poll() is None:
            stop(process)
