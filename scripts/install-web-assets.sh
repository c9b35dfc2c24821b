#!/usr/bin/env bash
# Installs what the web page's map serves (see docs/web.md), when it is missing:
#   - libjs-leaflet, libjs-leaflet.markercluster (Debian): Leaflet, served at /ui/vendor/leaflet/
#     (setting web_leaflet_folder, default /usr/share/javascript/leaflet)
#   - the world outline (setting web_world_outline): Natural Earth's 1:110m countries (public domain) from the
#     geopandas 0.14.4 wheel on PyPI, converted to GeoJSON with pyshp (scripts/world_outline.py)
#   scripts/install-web-assets.sh [OUTLINE_PATH]     (default /usr/share/biogateway/naturalearth-110m.geojson)
set -euo pipefail
cd "$(dirname "$0")/.."
outline=${1:-/usr/share/biogateway/naturalearth-110m.geojson}
sudo_cmd=""
if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi

missing=()
for package in libjs-leaflet libjs-leaflet.markercluster; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -s "$outline" ]; then
    echo "== world outline: $outline"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    python3 -m pip download --quiet --disable-pip-version-check --no-deps geopandas==0.14.4 -d "$work"
    python3 -c "import shapefile" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check pyshp==2.3.1
    python3 scripts/world_outline.py "$work"/geopandas-0.14.4-*.whl "$work/outline.geojson"
    $sudo_cmd mkdir -p "$(dirname "$outline")"
    $sudo_cmd install -m 0644 "$work/outline.geojson" "$outline"
fi
