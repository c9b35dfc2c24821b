"""Writes the world outline the web page's map draws: Natural Earth's 1:110m countries (public domain), as
GeoJSON, taken from a registry package rather than fetched at run time — the copy geopandas 0.14 ships
(geopandas/datasets/naturalearth_lowres), read with pyshp.

    python3 scripts/world_outline.py GEOPANDAS_WHEEL OUTPUT.geojson
"""

import io
import json
import sys
import zipfile

import shapefile  # pyshp

DATASET = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"


def rounded(coordinates):
    """Coordinates to 3 decimals (about 100 m): plenty at the scales of a 1:110m map, a third of the size."""
    if isinstance(coordinates, (list, tuple)) and coordinates and isinstance(coordinates[0], (int, float)):
        return [round(value, 3) for value in coordinates]
    return [rounded(part) for part in coordinates]


def main(wheel, output):
    with zipfile.ZipFile(wheel) as archive:
        shp = io.BytesIO(archive.read(DATASET + ".shp"))
        dbf = io.BytesIO(archive.read(DATASET + ".dbf"))
        encoding = archive.read(DATASET + ".cpg").decode("ascii").strip()  # ISO-8859-1
    reader = shapefile.Reader(shp=shp, dbf=dbf, encoding=encoding)
    features = []
    for shape_record in reader.shapeRecords():
        geometry = shape_record.shape.__geo_interface__
        name = shape_record.record.as_dict().get("name")
        features.append({
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": geometry["type"], "coordinates": rounded(geometry["coordinates"])},
        })
    if len(features) < 100:
        sys.exit(f"{wheel}: expected Natural Earth's countries, found {len(features)} shapes")
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m Admin 0 – Countries (public domain), via geopandas 0.14's naturalearth_lowres",
        "features": features,
    }
    with open(output, "w", encoding="utf-8") as file:
        json.dump(collection, file, separators=(",", ":"))
    print(f"{output}: {len(features)} countries")


if __name__ == "__main__":
    main(*sys.argv[1:])
