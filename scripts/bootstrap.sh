#!/usr/bin/env bash
# Installs what building and testing BioGateway needs, if it is missing:
#   - libsqlite3-dev (Debian): GRDB links the system SQLite
#   - zlib1g-dev (Debian): compress-nio links the system zlib (gzip cache bodies)
#   - postgresql (Debian): the tests run the cache on PostgreSQL too, in a throwaway cluster
#     (scripts/postgres-for-tests.sh), and start replicas that share it
#   - systemd (Debian): systemd-analyze verifies deploy/biogateway.service
#   - r-base-core, r-cran-crul, r-cran-jsonlite (Debian): R, for the test that makes rvertnet's own calls
#   - chromium, chromium-driver (Debian): the headless browser the web page's tests drive (Selenium)
#   - the web page's map assets (scripts/install-web-assets.sh): Leaflet (Debian) and the world outline
#   - from PyPI (scripts/requirements-test.txt): openapi-spec-validator, which validates openapi.yaml;
#     pytest, ckanapi and nhm-pyportal, for the tests that drive a live gateway with the real clients;
#     schemathesis, which fuzzes a live gateway against openapi.yaml; selenium, which drives the browser
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for package in libsqlite3-dev zlib1g-dev postgresql r-base-core r-cran-crul r-cran-jsonlite chromium chromium-driver; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    sudo_cmd=""
    if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! python3 -c "import openapi_spec_validator, pytest, requests, ckanapi, pyportal, yaml, schemathesis, selenium, shapefile" >/dev/null 2>&1; then
    echo "== installing Python test tools"
    python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
fi

bash scripts/install-web-assets.sh
