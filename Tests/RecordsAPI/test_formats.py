"""CSV and GeoJSON from /v1/records, read back with Python's own csv and json modules."""

import csv
import io
import json

import requests

QUERY = {"genus": "Bufo", "limit": "200"}


def test_csv_parses_back_to_the_same_values(gateway):
    _, url = gateway.start()
    page = requests.get(f"{url}/v1/records", params=QUERY, timeout=60).json()
    answer = requests.get(f"{url}/v1/records", params={**QUERY, "format": "csv"}, timeout=60)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "\r\n" in answer.text
    rows = list(csv.DictReader(io.StringIO(answer.text, newline="")))
    assert len(rows) == len(page["records"]) == 200
    quoted = 0
    for row, record in zip(rows, page["records"]):
        assert list(row) == ["source", "id", "sourceUrl", "occurrenceID", "basisOfRecord", "institutionCode",
                             "collectionCode", "catalogNumber", "scientificName", "kingdom", "phylum", "class",
                             "order", "family", "genus", "specificEpithet", "infraspecificEpithet", "recordedBy",
                             "eventDate", "year", "month", "day", "country", "stateProvince", "county", "locality",
                             "decimalLatitude", "decimalLongitude", "coordinateUncertaintyInMeters", "geodeticDatum",
                             "typeStatus", "sex", "lifeStage", "preparations", "individualCount", "modified"]
        for column, text in row.items():
            value = record[column]
            if value is None:
                assert text == "", column
            elif isinstance(value, (int, float)):
                assert float(text) == value, column
            else:
                assert text == value, column
                quoted += any(character in value for character in ',"\n')
    assert quoted > 0, "the page should hold values that need quoting"


def test_csv_with_chosen_fields_and_extensions(gateway):
    _, url = gateway.start()
    answer = requests.get(f"{url}/v1/records", params={**QUERY, "format": "csv", "fields": "id,decimalLatitude,extensions"}, timeout=60)
    rows = list(csv.reader(io.StringIO(answer.text, newline="")))
    assert rows[0] == ["id", "decimalLatitude", "extensions"]
    for row in rows[1:]:
        assert isinstance(json.loads(row[2]), dict)


def test_geojson_is_a_valid_feature_collection_in_lon_lat_order(gateway):
    _, url = gateway.start()
    page = requests.get(f"{url}/v1/records", params=QUERY, timeout=60).json()
    answer = requests.get(f"{url}/v1/records", params=QUERY, headers={"Accept": "application/geo+json"}, timeout=60)
    assert answer.headers["Content-Type"].startswith("application/geo+json")
    collection = answer.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["total"] == page["total"]
    assert len(collection["features"]) == 200
    located = unlocated = 0
    for feature, record in zip(collection["features"], page["records"]):
        assert feature["type"] == "Feature"
        assert feature["id"] == record["id"]
        assert feature["properties"] == record
        if record["decimalLatitude"] is None or record["decimalLongitude"] is None:
            assert feature["geometry"] is None
            unlocated += 1
        else:
            geometry = feature["geometry"]
            assert geometry["type"] == "Point"
            longitude, latitude = geometry["coordinates"]
            assert (longitude, latitude) == (record["decimalLongitude"], record["decimalLatitude"])
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90
            located += 1
    assert located > 0 and unlocated > 0


def test_ndjson_is_one_record_per_line(gateway):
    _, url = gateway.start()
    page = requests.get(f"{url}/v1/records", params=QUERY, timeout=60).json()
    answer = requests.get(f"{url}/v1/records", params={**QUERY, "format": "ndjson"}, timeout=60)
    assert [json.loads(line) for line in answer.text.splitlines()] == page["records"]
    assert answer.headers["BioGateway-Next-Cursor"] == page["next"]
    link = answer.headers["Link"]
    assert link.endswith('>; rel="next"') and "cursor=" in link
