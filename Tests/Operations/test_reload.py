"""SIGHUP: settings that can change at run time are applied without a restart or a dropped connection."""

import json
import signal
import time

import requests


def test_sighup_applies_new_rate_limits_and_keeps_serving(gateway, tmp_path):
    config = tmp_path / "biogateway.yaml"
    config.write_text("rate_limit: 600\n")
    process, url = gateway.start(BIOGATEWAY_CONFIG=str(config), BIOGATEWAY_RATE_LIMIT=None)
    session = requests.Session()  # one keep-alive connection across the reload
    query = {"q": json.dumps({"q": "genus:puma", "l": 1})}
    assert session.get(url + "/vertnet/api/search", params=query).headers["RateLimit-Policy"] == '"requests";q=600;w=60'

    config.write_text("rate_limit: 2\nupstream_retries: 1\n")
    process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while session.get(url + "/healthz").status_code == 200 and time.monotonic() < deadline:
        answer = session.get(url + "/vertnet/api/search", params=query)
        if answer.headers.get("RateLimit-Policy") == '"requests";q=2;w=60':
            break
        time.sleep(0.1)
    statuses = [session.get(url + "/vertnet/api/search", params=query).status_code for _ in range(3)]
    assert 429 in statuses, statuses
    assert process.poll() is None, "SIGHUP must not stop the gateway"
    log = open(process.log_path).read()
    assert "apply only after a restart: BIOGATEWAY_UPSTREAM_RETRIES" in log

    # an invalid file is reported and the running settings stay
    config.write_text("rate_limit: [\n")
    process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while "keeping the running settings" not in open(process.log_path).read():
        assert time.monotonic() < deadline, "the invalid file was never reported"
        time.sleep(0.05)
    assert process.poll() is None
