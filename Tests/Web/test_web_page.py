"""The web page in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by
Selenium, against a live gateway in front of the upstream simulator. Each state's screenshot is written to
BIOGATEWAY_TEST_OUTPUT (default .build/test-output)/web/."""

import json
import os
import pathlib
import shutil
import urllib.parse

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from biogateway_processes import until

OUTPUT = pathlib.Path(os.environ.get("BIOGATEWAY_TEST_OUTPUT", ".build/test-output")) / "web"
CLIENT_KEY = "web-page-test-key-0123456789"
CLIENT_NAME = "secret-client-name"
WAIT = 60  # seconds; a wait ends as soon as its condition holds


@pytest.fixture
def site(gateway, simulator_url, tmp_path):
    """A gateway with an admin token and a named client key, both of which the page must never show."""
    keys = tmp_path / "keys.yaml"
    keys.write_text(f"keys:\n  - key: {CLIENT_KEY}\n    name: {CLIENT_NAME}\n")
    _, url = gateway.start(BIOGATEWAY_KEYS_FILE=str(keys))
    yield url
    requests.delete(simulator_url + "/_simulator/faults", timeout=10)


@pytest.fixture
def browser():
    chromedriver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(WAIT)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def wait(driver, condition, what):
    # the map re-renders its markers as it animates: an element found a moment ago may be gone, so a stale
    # one means "not yet", not a failure
    waiting = WebDriverWait(driver, WAIT, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,))
    return waiting.until(lambda d: condition(d), message=what)


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver, name):
    path = OUTPUT / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 0


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")


DRAWN_POINTS = """
const map = document.getElementById('map');
let points = map.querySelectorAll('.record-point').length;
for (const span of map.querySelectorAll('.marker-cluster span')) points += Number(span.textContent) || 0;
return points;
"""


def drawn_points(driver):
    """The points the map shows: single markers plus the counts written on clusters, read in one go in the
    page (the clusters are redrawn while the map animates)."""
    return driver.execute_script(DRAWN_POINTS)


def click_a_point(driver):
    """Clicks a single point; while there is none, clicks a cluster (which zooms in) and says not yet."""
    try:
        singles = driver.find_elements(By.CSS_SELECTOR, "#map .record-point")
        if singles:
            singles[0].click()
            return True
        clusters = driver.find_elements(By.CSS_SELECTOR, "#map .marker-cluster")
        if clusters:
            clusters[0].click()
    except (StaleElementReferenceException, ElementClickInterceptedException):
        pass
    return False


def search(driver, taxon):
    field = driver.find_element(By.ID, "taxon")
    field.clear()
    # the keyboard, as someone without a mouse would: type, then Enter submits the form
    field.send_keys(taxon + Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.ID, "search").get_attribute("data-state") in ("done", "failed"), "the search to end")


def test_status_search_map_paging_and_a_failing_source(site, simulator_url, browser):
    browser.get(site + "/")
    assert browser.title == "BioGateway"

    # status: both sources and the cache, from the live gateway
    wait(browser, lambda d: d.find_element(By.ID, "status").get_attribute("data-loaded") == "true", "the status")
    for source in ("nhm", "vertnet"):
        card = browser.find_element(By.ID, f"source-{source}")
        assert "State" in card.text and "Latency p50 / p95" in card.text and "Last error" in card.text
    assert "Entries" in browser.find_element(By.ID, "cache").text
    assert "Since the cache was created" in browser.find_element(By.ID, "saved").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#saved-chart")) == 1
    screenshot(browser, "1-status")

    # every control has a label
    unlabelled = browser.execute_script(
        "return [...document.querySelectorAll('input, select')].filter(e => e.labels.length === 0).map(e => e.id)"
    )
    assert unlabelled == []

    # a search for a genus: the rows the API gives, and as many map points as rows with coordinates
    search(browser, "Bufo")
    expected = requests.get(site + "/v1/records", params={"genus": "Bufo", "limit": 50}, timeout=60).json()
    assert len(rows(browser)) == len(expected["records"]) == 50
    first_row = rows(browser)[0].text
    assert expected["records"][0]["scientificName"] in first_row
    located = sum(1 for record in expected["records"] if isinstance(record.get("decimalLatitude"), (int, float)))
    assert located > 0
    map_element = browser.find_element(By.ID, "map")
    assert int(map_element.get_attribute("data-point-count")) == located
    wait(browser, lambda d: drawn_points(d) == located, f"{located} points on the map")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results tbody a")]
    assert links[0] == expected["records"][0]["sourceUrl"]
    exports = {f: browser.find_element(By.ID, f"export-{f}").get_attribute("href") for f in ("csv", "geojson", "ndjson")}
    for format, href in exports.items():
        query = urllib.parse.parse_qs(urllib.parse.urlparse(href).query)
        assert query["genus"] == ["Bufo"] and query["format"] == [format]
    assert requests.get(exports["csv"], params={"max": 5}, timeout=60).text.startswith("source,id,sourceUrl")
    screenshot(browser, "2-search")

    # a point opens its record
    browser.execute_script("document.getElementById('map').scrollIntoView()")
    wait(browser, click_a_point, "a single point to click")
    # the popup fades in: until it shows, its element is there with no visible text
    popups = wait(
        browser,
        lambda d: [p for p in d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content") if p.text.strip()],
        "the record's popup, shown",
    )
    assert popups[0].text.strip() != ""

    # paging moves on: page 2 is the API's page 2
    browser.find_element(By.ID, "next-page").click()
    wait(browser, lambda d: d.find_element(By.ID, "page-number").text == "Page 2" and d.find_element(By.ID, "search").get_attribute("data-state") == "done", "page 2")
    second = requests.get(site + "/v1/records", params={"genus": "Bufo", "limit": 50, "cursor": expected["next"]}, timeout=60).json()
    assert len(rows(browser)) == len(second["records"])
    assert second["records"][0]["scientificName"] in rows(browser)[0].text
    assert browser.find_element(By.ID, "previous-page").is_enabled()
    screenshot(browser, "3-next-page")

    # VertNet breaks: the page says so, shows the NHM's records, and the status shows VertNet's error
    fault = {"source": "vertnet", "kind": "status", "status": 500, "count": 1000}
    assert requests.post(simulator_url + "/_simulator/faults", json=fault, timeout=10).status_code < 300
    search(browser, "Turdus")  # not asked before: VertNet must be asked, and fails
    problem = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#source-problems li[data-source=vertnet]"), "VertNet's failure")[0]
    assert "VertNet failed" in problem.text
    assert len(rows(browser)) == 50
    assert all(row.text.startswith("NHM Data Portal") for row in rows(browser))
    wait(browser, lambda d: "upstream-status-500" in d.find_element(By.ID, "source-vertnet").text, "VertNet's last error in the status")
    screenshot(browser, "4-vertnet-failing")

    # readable at 400 px: nothing wider than the window
    browser.set_window_size(400, 1200)
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return window.innerWidth")
    screenshot(browser, "5-narrow")

    assert console_errors(browser) == []

    # nothing secret on the page or in what it reads
    status = requests.get(site + "/v1/status", timeout=10).text
    for secret in (CLIENT_KEY, CLIENT_NAME, "durability-admin-token"):
        assert secret not in browser.page_source
        assert secret not in status
    json.loads(status)


def test_scripts_still_get_json_at_the_root(site):
    for accept in (None, "*/*", "application/json"):
        headers = {"Accept": accept} if accept else {}
        response = requests.get(site + "/", headers=headers, timeout=10)
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["endpoints"]["status"] == "/v1/status"
    page = requests.get(site + "/", headers={"Accept": "text/html,application/xhtml+xml"}, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<title>BioGateway</title>" in page.text
    assert requests.get(site + "/ui/world.geojson", timeout=10).json()["type"] == "FeatureCollection"
    assert requests.get(site + "/ui/vendor/leaflet/leaflet.js", timeout=10).status_code == 200
    missing = requests.get(site + "/ui/no-such-file.js", timeout=10)
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"
