"""Schemathesis against a live gateway and simulator: every operation in openapi.yaml, generated requests,
no 5xx, every response conforming to the document (status, content type, headers, body schema)."""

import os
import re
import subprocess
import sys
import tempfile

TOKEN = "schemathesis-token-0123456789abcdef"
CONFORMANCE = "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"


def schemathesis(url, *arguments):
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{url}/openapi.yaml", "--url", url,
        "-H", f"Authorization: Bearer {TOKEN}",
        "--seed", os.environ.get("SCHEMATHESIS_SEED", "20261122"),
        "--generation-database", ":memory:",
        "--request-timeout", "60",
        *arguments,
    ]
    # schemathesis keeps state in ./.schemathesis: run it in a temporary folder so the tree stays clean
    with tempfile.TemporaryDirectory(prefix="biogateway-schemathesis-") as folder:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1200, cwd=folder)
    output = result.stdout + result.stderr
    generated = re.search(r"(\d+) generated", output)
    return result.returncode, int(generated.group(1)) if generated else 0, output


def start_gateway(gateway, tmp_path):
    # the same secret is the admin token and a client key, so one Authorization header serves every operation
    keys = tmp_path / "keys.yaml"
    keys.write_text(f"keys:\n  - key: {TOKEN}\n    name: schemathesis\n")
    _, url = gateway.start(BIOGATEWAY_ADMIN_TOKEN=TOKEN, BIOGATEWAY_KEYS_FILE=str(keys))
    return url


def test_every_operation_conforms_and_never_fails(gateway, tmp_path):
    url = start_gateway(gateway, tmp_path)
    code, generated, output = schemathesis(url, "-n", "25", "--checks", CONFORMANCE)
    print(output[-3000:])
    assert code == 0, output[-6000:]
    assert generated >= 300, output[-3000:]


def test_records_rejects_what_the_schema_forbids(gateway, tmp_path):
    """On /v1/records, also: requests the document says are invalid get a 4xx. (Schema-valid requests may still
    be refused: a cursor the gateway did not sign, say, is a valid string but not a valid cursor.)"""
    url = start_gateway(gateway, tmp_path)
    code, generated, output = schemathesis(
        url, "-n", "40", "--include-path-regex", "^/v1/records", "--checks", CONFORMANCE + ",negative_data_rejection"
    )
    print(output[-3000:])
    assert code == 0, output[-6000:]
    assert generated >= 100, output[-3000:]
