#!/usr/bin/env bash
# Runs every check BioGateway has: formatting, the OpenAPI document, and the whole Swift test suite
# (unit tests and end-to-end tests that start the gateway and the upstream simulator on loopback).
# Installs what it needs (Debian's libsqlite3-dev, PyPI's openapi-spec-validator) when it is missing.
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

echo "== swift test"
swift build --build-tests
swift test --skip-build
