#!/usr/bin/env bash
# Installs what building and testing BioGateway needs, if it is missing:
#   - libsqlite3-dev (Debian): GRDB links the system SQLite
#   - from PyPI (scripts/requirements-test.txt): openapi-spec-validator, which validates openapi.yaml;
#     pytest, ckanapi and nhm-pyportal, for the tests that drive a live gateway with the real clients
set -euo pipefail
cd "$(dirname "$0")/.."

if ! dpkg -s libsqlite3-dev >/dev/null 2>&1; then
    echo "== installing libsqlite3-dev"
    sudo_cmd=""
    if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libsqlite3-dev
fi

if ! python3 -c "import openapi_spec_validator, pytest, requests, ckanapi, pyportal" >/dev/null 2>&1; then
    echo "== installing Python test tools"
    python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
fi
