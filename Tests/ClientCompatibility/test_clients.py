"""Existing clients, unchanged but for their base URL, against a live gateway (in front of the simulator)."""

import json

import ckanapi
import pytest
import requests
from pyportal import API
from pyportal.endpoints import endpoints

from biogateway_processes import SPECIMENS

# every client works with the gateway's address as its base URL (the upstreams' own paths at the root) and
# under the per-upstream prefixes
NHM_BASES = pytest.mark.parametrize("base", ["", "/nhm"], ids=["root", "prefixed"])
VERTNET_PATHS = pytest.mark.parametrize(
    "path", ["/api/search", "/api/v1/search", "/vertnet/api/search", "/vertnet/api/v1/search"]
)


@NHM_BASES
def test_ckanapi_post_search(gateway_url, base):
    ckan = ckanapi.RemoteCKAN(gateway_url + base)
    result = ckan.action.datastore_search(resource_id=SPECIMENS, filters={"genus": "Bufo"}, limit=5)
    assert result["total"] == 2500
    assert len(result["records"]) == 5
    assert all(record["genus"] == "Bufo" for record in result["records"])


@NHM_BASES
def test_ckanapi_get_only_search(gateway_url, base):
    ckan = ckanapi.RemoteCKAN(gateway_url + base, get_only=True)
    result = ckan.action.datastore_search(resource_id=SPECIMENS, q="synodontis", limit=3, sort="catalogNumber")
    assert result["total"] == 2000
    assert len(result["records"]) == 3


@NHM_BASES
def test_ckanapi_gets_a_page_past_the_window(gateway_url, base):
    # the portal refuses offset + limit + 1 > 10000; the gateway walks its `after` cursor instead
    ckan = ckanapi.RemoteCKAN(gateway_url + base)
    result = ckan.action.datastore_search(resource_id=SPECIMENS, offset=9500, limit=600)
    assert len(result["records"]) == 600
    assert result["total"] == 26000


@NHM_BASES
def test_ckanapi_sees_a_window_it_cannot_walk_as_a_validation_error(gateway_url, base):
    ckan = ckanapi.RemoteCKAN(gateway_url + base)
    with pytest.raises(ckanapi.ValidationError) as raised:
        ckan.action.datastore_search(resource_id=SPECIMENS, offset=5_000_000, limit=600)
    assert raised.value.error_dict["message"].startswith("Search window size out of bounds: 5000601")


@NHM_BASES
def test_ckanapi_sees_a_bad_limit_as_a_validation_error(gateway_url, base):
    ckan = ckanapi.RemoteCKAN(gateway_url + base)
    with pytest.raises(ckanapi.ValidationError) as raised:
        ckan.action.datastore_search(resource_id=SPECIMENS, limit="lots")
    assert raised.value.error_dict["limit"] == ["Invalid integer"]


@NHM_BASES
def test_pyportal_pages_through_every_record(gateway_url, base, monkeypatch):
    monkeypatch.setattr(endpoints.datastore_search, "url", gateway_url + base + "/api/3/action/datastore_search")
    api = API()
    assert api.records(SPECIMENS, query="synodontis").count() == 2000
    ids = [record["_id"] for record in api.records(SPECIMENS, query="synodontis").all()]
    assert len(ids) == 2000
    assert len(set(ids)) == 2000


def test_pyportal_all_gets_every_record_past_the_window_and_a_second_run_is_served_from_the_cache(demo, monkeypatch):
    gateway, simulator = demo
    monkeypatch.setattr(endpoints.datastore_search, "url", gateway + "/api/3/action/datastore_search")
    api = API()
    # more than the portal's 10,000-record window: pyportal alone stops at 9,000 (it takes the 409 as the end)
    assert api.records(SPECIMENS, collectionCode="zoo").count() > 10_000
    ids = [record["_id"] for record in api.records(SPECIMENS, collectionCode="zoo").all()]
    total = api.records(SPECIMENS, collectionCode="zoo").count()
    assert len(ids) == total
    assert len(set(ids)) == total
    requests.delete(simulator + "/_simulator/requests")
    again = [record["_id"] for record in api.records(SPECIMENS, collectionCode="zoo").all()]
    assert again == ids
    assert requests.get(simulator + "/_simulator/requests").json()["requests"] == []


@VERTNET_PATHS
def test_rvertnet_style_search_gets_the_recorded_answer(gateway_url, path):
    query = {"q": "genus:ochotona specificepithet:(princeps OR collaris)", "l": 5}
    response = requests.get(gateway_url + path, params={"q": json.dumps(query)})
    assert response.status_code == 200
    body = response.json()
    # rvertnet's `meta` is every top-level key but `recs`: its tests assert exactly these 9 names
    assert set(body) - {"recs"} == {
        "request_date", "response_records", "submitted_query", "request_origin", "limit", "cursor",
        "query_version", "matching_records", "api_version",
    }
    assert body["matching_records"] == 9429
    assert len(body["recs"]) == 5
    assert body["cursor"].startswith(("True:", "False:"))


def test_a_repeated_question_is_a_cache_hit_and_revalidates(gateway_url):
    params = {"q": json.dumps({"q": "class:aves stateprovince:california", "l": 10})}
    first = requests.get(gateway_url + "/vertnet/api/search", params=params)
    second = requests.get(gateway_url + "/api/search", params=params)  # root and prefix share the entry
    assert second.headers["Cache-Status"].startswith("BioGateway; hit")
    assert first.content == second.content
    assert second.json()["matching_records"] == ">10000"
    # a client's HTTP cache revalidates what it has: 304, no body
    revalidated = requests.get(gateway_url + "/api/search", params=params, headers={"If-None-Match": second.headers["ETag"]})
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    since = requests.get(gateway_url + "/api/search", params=params, headers={"If-Modified-Since": second.headers["Last-Modified"]})
    assert since.status_code == 304


def test_bad_vertnet_input_is_a_readable_problem(gateway_url):
    response = requests.get(gateway_url + "/vertnet/api/search", params={"q": '{"q": "genus:puma", "l": "ten"}'})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["invalid-params"][0]["name"] == "q.l"
