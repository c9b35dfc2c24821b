"""R: rvertnet's calls (crul + jsonlite, as rvertnet makes them) through the gateway, only the base URL
changed. Needs Rscript with crul and jsonlite (Debian: r-base-core, r-cran-crul, r-cran-jsonlite)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("rvertnet_calls.R")


def test_rvertnet_calls_work_with_the_gateway_as_base_url(gateway_url):
    if shutil.which("Rscript") is None:
        pytest.fail("Rscript is missing: scripts/bootstrap.sh installs r-base-core, r-cran-crul and r-cran-jsonlite")
    result = subprocess.run(
        ["Rscript", "--vanilla", str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GATEWAY": gateway_url},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "ok"
