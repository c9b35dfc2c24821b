"""Starts BioGateway processes (the built binary) for the Python tests: gateway, simulator, demo."""

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

REPOSITORY = Path(__file__).resolve().parents[1]
BINARY = os.environ.get("BIOGATEWAY_BIN", str(REPOSITORY / ".build" / "debug" / "biogateway"))
# the NHM specimen resource (NHMResource.specimens in Sources/BioGatewayQuery), which the simulator serves
SPECIMENS = "05ff2255-c38a-40c9-b657-4ccb55ab2feb"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(arguments, url, environment=None, timeout=180):
    """Runs `biogateway <arguments>` and waits until `url` answers; returns the process.
    Its log goes to a file (a pipe nobody reads would fill up and stall the process); `process.log_path`
    says where."""
    log = tempfile.NamedTemporaryFile(prefix=f"biogateway-{arguments[0]}-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [BINARY, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, **(environment or {})},
    )
    process.log_path = log.name
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"biogateway {arguments[0]} exited: {Path(log.name).read_text(errors='replace')}")
        try:
            requests.get(url, timeout=1)
            return process
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"biogateway {arguments[0]} did not start within {timeout} s")
        time.sleep(0.1)


def start_gateway(simulator_url, settings, ready_path="/"):
    """Runs `biogateway serve` on a free port in front of the simulator (both upstreams), with limits lifted:
    the simulator is local, and these tests are about other things than sparing the upstreams. `settings`
    come on top (one given as None is left unset). Returns (process, url)."""
    port = free_port()
    environment = {
        "BIOGATEWAY_PORT": str(port),
        "BIOGATEWAY_NHM_URL": simulator_url,
        "BIOGATEWAY_VERTNET_URL": simulator_url,
        "BIOGATEWAY_RATE_LIMIT": "1000000",
        "BIOGATEWAY_UPSTREAM_RATE_LIMIT": "1000000",
        "BIOGATEWAY_NHM_MAX_RPS": "1000",
        "BIOGATEWAY_VERTNET_MAX_RPS": "1000",
        "BIOGATEWAY_NHM_MAX_CONCURRENT": "32",
        "BIOGATEWAY_VERTNET_MAX_CONCURRENT": "32",
        **settings,
    }
    url = f"http://127.0.0.1:{port}"
    process = start(["serve"], url + ready_path, {name: value for name, value in environment.items() if value is not None})
    return process, url


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(arguments, environment=None, clean=False):
    """Runs a `biogateway` command to completion; returns the CompletedProcess (text output).
    With clean=True the command sees only PATH, HOME and `environment` (no BIOGATEWAY_* of the test run)."""
    base = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ} if clean else dict(os.environ)
    return subprocess.run([BINARY, *arguments], capture_output=True, text=True, timeout=120, env={**base, **(environment or {})})


def until(condition, timeout=30, what="the condition"):
    """Waits for `condition()` to hold (polling every 50 ms): for events the gateway makes happen by itself,
    such as a purge made by another process reaching its memory tier. Fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)
