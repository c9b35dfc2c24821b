"""The NHM asks for a descriptive User-Agent: serving the real NHM without BIOGATEWAY_CONTACT starts but
warns once, naming the setting; with a contact, or in front of another NHM (the simulator), it does not."""

from pathlib import Path

from biogateway_processes import free_port, start, stop


def started_log(tmp_path, **settings):
    port = free_port()
    environment = {"BIOGATEWAY_PORT": str(port), "BIOGATEWAY_CACHE_PATH": str(tmp_path / "cache.sqlite"), **settings}
    process = start(["serve"], f"http://127.0.0.1:{port}/healthz", environment)  # nothing goes upstream
    stop(process)
    return Path(process.log_path).read_text()


def test_serving_the_real_nhm_without_a_contact_warns_once(tmp_path):
    log = started_log(tmp_path, BIOGATEWAY_CONTACT="")
    assert log.count("no contact for the NHM") == 1
    assert "BIOGATEWAY_CONTACT" in log


def test_a_contact_or_another_upstream_means_no_warning(tmp_path):
    assert "no contact for the NHM" not in started_log(tmp_path, BIOGATEWAY_CONTACT="team@example.org")
    assert "no contact for the NHM" not in started_log(tmp_path, BIOGATEWAY_NHM_URL="http://127.0.0.1:9", BIOGATEWAY_CONTACT="")
