"""`biogateway cache stats|purge|vacuum|verify` on the file of a running gateway."""

import json

import requests

from biogateway_processes import SPECIMENS, run, until

NHM = "/nhm/api/3/action/datastore_search"
VERTNET = "/vertnet/api/search"
QUESTIONS = [
    (NHM, {"resource_id": SPECIMENS, "q": "bufo"}),
    (NHM, {"resource_id": SPECIMENS, "q": "puma"}),
    (VERTNET, {"q": '{"q":"genus:bufo"}'}),
]


def cache_status(url, path, parameters):
    return requests.get(url + path, params=parameters, timeout=30).headers["Cache-Status"]


def forgotten(url, path, parameters):
    """Whether the running gateway no longer holds an answer (asked with only-if-cached: nothing goes upstream).
    A purge made by another process reaches the gateway's memory tier within a second (docs/cache.md)."""
    answer = requests.get(url + path, params=parameters, headers={"Cache-Control": "only-if-cached"}, timeout=30)
    return answer.status_code == 504


def test_cache_commands_work_beside_a_running_gateway(gateway):
    process, url = gateway.start()
    for path, parameters in QUESTIONS:
        assert cache_status(url, path, parameters) == "BioGateway; fwd=miss; stored"
    assert cache_status(url, *QUESTIONS[0]).startswith("BioGateway; hit")
    cache = ["--cache-path", str(gateway.cache_path)]

    stats = run(["cache", "stats", "--json", *cache])
    assert stats.returncode == 0, stats.stderr
    document = json.loads(stats.stdout)
    assert document["entries"] == 3
    assert document["sources"]["nhm"]["entries"] == 2
    assert document["identityBytes"] > document["bodyBytes"] > 0

    text = run(["cache", "stats", *cache])
    assert "entries:              3 (nhm 2, vertnet 1)" in text.stdout
    assert "saved by gzip" in text.stdout

    purged = run(["cache", "purge", "--source", "nhm", *cache])
    assert purged.returncode == 0 and purged.stdout.strip() == "purged 2 entries"
    until(lambda: forgotten(url, *QUESTIONS[0]), what="the purge reaching the gateway's memory")
    assert forgotten(url, *QUESTIONS[1])
    assert cache_status(url, *QUESTIONS[0]) == "BioGateway; fwd=miss; stored"
    assert cache_status(url, *QUESTIONS[2]).startswith("BioGateway; hit")

    vacuumed = run(["cache", "vacuum", *cache])
    assert vacuumed.returncode == 0, vacuumed.stderr
    assert cache_status(url, *QUESTIONS[2]).startswith("BioGateway; hit")
    assert cache_status(url, *QUESTIONS[0]).startswith("BioGateway; hit")

    key = requests.get(url + QUESTIONS[2][0], params=QUESTIONS[2][1]).headers["BioGateway-Cache-Key"]
    assert run(["cache", "purge", "--key", key, *cache]).stdout.strip() == "purged 1 entry"
    until(lambda: forgotten(url, *QUESTIONS[2]), what="the purge reaching the gateway's memory")
    assert cache_status(url, *QUESTIONS[2]) == "BioGateway; fwd=miss; stored"

    assert run(["cache", "purge", *cache]).stdout.strip() == "purged 2 entries"
    verified = run(["cache", "verify", *cache])
    assert verified.returncode == 0 and "integrity: ok" in verified.stdout


def test_cache_commands_explain_bad_input(tmp_path):
    missing = run(["cache", "stats", "--cache-path", str(tmp_path / "nothing.sqlite")])
    assert missing.returncode == 78
    assert "there is no cache database at" in missing.stderr
    bad_source = run(["cache", "purge", "--source", "gbif", "--cache-path", str(tmp_path / "x.sqlite")])
    assert bad_source.returncode != 0
    assert "--source must be nhm or vertnet" in bad_source.stderr
