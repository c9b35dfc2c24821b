#!/usr/bin/env bash
# Runs every check BioGateway has: formatting, the OpenAPI document, the real clients (ckanapi, pyportal,
# requests) against a live `biogateway demo`, /v1/records's CSV/GeoJSON/export and schemathesis against a live gateway, the cache CLI and a crash test (SIGKILL under write load), and the whole Swift test suite (unit tests and end-to-end
# tests that start the gateway and the upstream simulator on loopback).
# Installs what it needs (scripts/bootstrap.sh) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

echo "== swift format lint"
swift format lint --strict --recursive --parallel Sources Tests Package.swift

echo "== openapi.yaml"
python3 -m openapi_spec_validator openapi.yaml
cmp openapi.yaml Sources/BioGatewayAPI/Resources/openapi.yaml || {
    echo "Sources/BioGatewayAPI/Resources/openapi.yaml differs from openapi.yaml: copy it over" >&2
    exit 1
}

echo "== a throwaway PostgreSQL for the tests of the shared store (stopped and removed on exit)"
pg_folder=$(mktemp -d /tmp/biogateway-postgres.XXXXXX)
trap 'scripts/postgres-for-tests.sh stop "$pg_folder"' EXIT
pg_port=${BIOGATEWAY_TEST_POSTGRES_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BIOGATEWAY_TEST_POSTGRES_URL=$(scripts/postgres-for-tests.sh start "$pg_folder" "$pg_port")
export BIOGATEWAY_TEST_POSTGRES_URL

echo "== build"
swift build --build-tests

echo "== existing clients, /v1/records (formats, export memory, schemathesis), the cache CLI, SIGKILL durability, config check, deploy/, hostile clients and the web page in headless Chromium against the real binary (pytest)"
# -u: each result shows as it happens, also when the output goes to a CI log rather than a terminal
BIOGATEWAY_BIN=.build/debug/biogateway python3 -u -m pytest -q -p no:cacheprovider Tests/ClientCompatibility Tests/RecordsAPI Tests/Durability Tests/Operations Tests/Adversarial Tests/Web Tests/Replicas

echo "== swift test"
# every test is a swift-testing test: XCTest would only announce that it ran none
swift test --skip-build --disable-xctest

echo "== fuzz: the parsers of untrusted bytes, 10 s each (scripts/fuzz.sh SECONDS for longer runs)"
FUZZ_SEED=20261126 scripts/fuzz.sh 10
