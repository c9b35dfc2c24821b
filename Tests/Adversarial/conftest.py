"""The adversarial cases' `gateway` fixture: the shared one, remembering each process for the memory checks
in adversarial_checks.py, which also checks memory once more after each case."""

import pytest

from adversarial_checks import MEMORY_BOUND_MB, processes, resident_mb


@pytest.fixture
def gateway(gateway):
    """The shared gateway starter, remembering which process serves which URL (for the memory checks)."""
    start = gateway.start

    def remembering(**settings):
        process, url = start(**settings)
        processes[url] = process
        return process, url

    gateway.start = remembering
    yield gateway
    for process in gateway.processes:
        if process.poll() is None:
            assert resident_mb(process) < MEMORY_BOUND_MB, f"resident memory {resident_mb(process):.0f} MB after the case"
    processes.clear()
