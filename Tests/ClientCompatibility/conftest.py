"""Starts `biogateway demo` (the upstream simulator and a gateway in front of it) for the client tests."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

REPOSITORY = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def gateway_url(tmp_path_factory):
    binary = os.environ.get("BIOGATEWAY_BIN", str(REPOSITORY / ".build" / "debug" / "biogateway"))
    port, simulator_port = _free_port(), _free_port()
    cache = tmp_path_factory.mktemp("cache") / "cache.sqlite"
    process = subprocess.Popen(
        [binary, "demo", "--port", str(port), "--simulator-port", str(simulator_port), "--cache-path", str(cache)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            pytest.fail(f"biogateway demo exited: {process.stderr.read().decode(errors='replace')}")
        try:
            if requests.get(url + "/", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("biogateway demo did not start within 180 s")
        time.sleep(0.25)
    yield url
    process.terminate()
    process.wait(timeout=30)
