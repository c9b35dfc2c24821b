"""`biogateway config check`: the effective configuration, secrets redacted, and a readable refusal of
anything invalid."""

from biogateway_processes import run


def check(tmp_path, environment=None, arguments=(), config=None):
    if config is not None:
        path = tmp_path / "biogateway.yaml"
        path.write_text(config)
        arguments = ["--config", str(path), *arguments]
    return run(["config", "check", *arguments], environment, clean=True)


def test_prints_the_effective_configuration_with_its_sources(tmp_path):
    result = check(
        tmp_path,
        environment={"BIOGATEWAY_CACHE_TTL": "60", "BIOGATEWAY_ADMIN_TOKEN": "super-secret-admin-token-42"},
        arguments=["--port", "9001"],
        config="port: 9000\ncache:\n  max_bytes: 64M\n",
    )
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("BIOGATEWAY_")}
    assert lines["BIOGATEWAY_PORT"].split()[1:] == ["9001", "(flag)"]
    assert lines["BIOGATEWAY_CACHE_TTL"].split()[1:] == ["60", "(environment)"]
    assert lines["BIOGATEWAY_CACHE_MAX_BYTES"].split()[1:] == ["67108864", "(file)"]
    assert lines["BIOGATEWAY_EMPTY_TTL"].split()[1:] == ["300", "(default)"]
    assert "super-secret" not in result.stdout
    assert "(secret, set)" in lines["BIOGATEWAY_ADMIN_TOKEN"]
    assert result.stdout.strip().endswith("configuration ok")


def test_rejects_each_kind_of_invalid_value(tmp_path):
    cases = [
        ({}, [], "cache:\n  tll: 5\n", "unknown setting 'cache.tll'"),
        ({"BIOGATEWAY_CAHCE_TTL": "5"}, [], None, "unknown variable BIOGATEWAY_CAHCE_TTL"),
        ({"BIOGATEWAY_RATE_LIMIT": "lots"}, [], None, "BIOGATEWAY_RATE_LIMIT): must be a whole number"),
        ({}, ["--port", "70000"], None, "between 0 and 65535"),
        ({"BIOGATEWAY_NHM_URL": "data.nhm.ac.uk"}, [], None, "must be an http:// or https:// URL"),
        ({}, ["--cache-path", "/etc/hostname/cache.sqlite"], None, "/etc/hostname is a file, not a folder"),
        ({"BIOGATEWAY_KEYS_FILE": "/nonexistent/keys.yaml"}, [], None, "no readable file"),
        ({"BIOGATEWAY_TRUSTED_PROXIES": "10.0.0.0/99"}, [], None, "not an address or CIDR"),
        ({"BIOGATEWAY_ADMIN_TOKEN": "short"}, [], None, "at least 16 characters"),
        ({}, [], "port: [1, 2]\n", "must be a single value"),
    ]
    for environment, arguments, config, expected in cases:
        result = check(tmp_path, environment, arguments, config)
        assert result.returncode != 0, f"accepted: {environment} {arguments} {config}"
        assert expected in result.stderr, result.stderr
        assert "super-secret" not in result.stderr


def test_rejects_an_unusable_keys_file(tmp_path):
    keys = tmp_path / "keys.yaml"
    keys.write_text("keys:\n  - key: short\n    name: alice\n")
    result = check(tmp_path, {"BIOGATEWAY_KEYS_FILE": str(keys)})
    assert result.returncode == 78
    assert "shorter than 16" in result.stderr
