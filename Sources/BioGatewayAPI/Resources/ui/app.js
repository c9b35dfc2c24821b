// BioGateway's web page: the status (polling the public /v1/status), and a search over /v1/records with a
// results table, cursor paging, export links and a map (Leaflet, drawn over a Natural Earth outline served by
// the gateway: no tiles, no CDN). Every value from the API is written as text, never as HTML.
"use strict";

const STATUS_INTERVAL_MS = 5000;
const PAGE_SIZE = 50;

function element(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  return node;
}

function fillList(list, pairs) {
  list.replaceChildren();
  for (const [term, value, className] of pairs) {
    list.append(element("dt", term));
    const description = element("dd", value);
    if (className) description.className = className;
    list.append(description);
  }
}

const numberFormat = new Intl.NumberFormat("en");
const count = (value) => (value === null || value === undefined ? "–" : numberFormat.format(value));

function bytes(value) {
  if (value === null || value === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) { size /= 1024; unit += 1; }
  return `${size.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

const seconds = (value) => (value === null || value === undefined ? "–" : `${Math.round(value * 1000)} ms`);
const percent = (value) => (value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)} %`);

// MARK: status

const breakerNames = { closed: "up (breaker closed)", open: "failing (breaker open)", "half-open": "probing (breaker half-open)" };

function renderSource(name, source) {
  const card = document.getElementById(`source-${name}`);
  if (!card || !source) return;
  card.dataset.state = source.state;
  const latency = source.recentLatencySeconds;
  const lastError = source.lastError ? `${source.lastError.reason} at ${new Date(source.lastError.at).toLocaleString()}` : "none";
  fillList(card.querySelector("dl"), [
    ["State", breakerNames[source.state] || source.state, `state-${source.state}`],
    ["Paused until", source.pausedUntil ? new Date(source.pausedUntil).toLocaleString() : "not paused"],
    ["Queue", count(source.queueDepth)],
    ["In flight", count(source.inFlight)],
    ["Latency p50 / p95", latency ? `${seconds(latency.median)} / ${seconds(latency.p95)}` : "–"],
    ["Recent errors", percent(source.recentErrorRate)],
    ["Last error", lastError],
  ]);
}

function renderChart(daily) {
  const svg = document.getElementById("saved-chart");
  for (const bar of svg.querySelectorAll("rect")) bar.remove();
  const highest = Math.max(1, ...daily.map((day) => day.saved + day.forwarded));
  const width = 280 / daily.length;
  daily.forEach((day, index) => {
    let top = 90;
    for (const [kind, value] of [["saved", day.saved], ["forwarded", day.forwarded]]) {
      const height = (value / highest) * 86;
      if (height <= 0) continue;
      top -= height;
      const bar = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      bar.setAttribute("x", String(index * width + 1));
      bar.setAttribute("y", String(top));
      bar.setAttribute("width", String(Math.max(1, width - 2)));
      bar.setAttribute("height", String(height));
      bar.setAttribute("class", kind);
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `${day.day}: ${count(value)} ${kind}`;
      bar.append(title);
      svg.append(bar);
    }
  });
}

function renderStatus(status) {
  renderSource("nhm", status.sources.nhm);
  renderSource("vertnet", status.sources.vertnet);
  const cache = status.cache;
  fillList(document.querySelector("#cache dl"), [
    ["Entries", count(cache.entries)],
    ["Size", `${bytes(cache.bytes)} of ${bytes(cache.maximumBytes)}`],
    ["Hit ratio", percent(cache.hitRatio)],
    ["Stale answers served", count(cache.staleServed)],
  ]);
  const meter = document.getElementById("cache-fill");
  meter.value = cache.maximumBytes > 0 ? cache.bytes / cache.maximumBytes : 0;
  const saved = status.saved;
  fillList(document.querySelector("#saved dl"), [
    ["Today", count(saved.today)],
    ["Last 7 days", count(saved.lastSevenDays)],
    ["Since the cache was created", count(saved.sinceCreated)],
    ["Cache created", saved.cacheCreatedAt ? new Date(saved.cacheCreatedAt).toLocaleDateString() : "–"],
  ]);
  renderChart(saved.daily);
  document.getElementById("status-updated").textContent = `Updated ${new Date(status.generatedAt).toLocaleTimeString()}; refreshed every ${STATUS_INTERVAL_MS / 1000} s.`;
}

async function refreshStatus() {
  const line = document.getElementById("status-updated");
  try {
    const response = await fetch("/v1/status", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    renderStatus(await response.json());
    document.getElementById("status").dataset.loaded = "true";
  } catch (error) {
    line.textContent = `The status could not be read (${error.message}); trying again.`;
  } finally {
    setTimeout(refreshStatus, STATUS_INTERVAL_MS);
  }
}

// MARK: map

// no tile layer gives the map its zoom range: the clusters need a maximum
const map = L.map("map", { minZoom: 1, maxZoom: 12, worldCopyJump: true }).setView([20, 0], 1);
map.attributionControl.addAttribution("Land: Natural Earth (public domain)");
const points = L.markerClusterGroup({ showCoverageOnHover: false });
map.addLayer(points);

async function drawLand() {
  const response = await fetch("/ui/world.geojson");
  if (!response.ok) return; // the map still shows the points, on the sea colour
  L.geoJSON(await response.json(), {
    interactive: false,
    style: { color: "#7d8b73", weight: 0.6, fillColor: "#e8eedf", fillOpacity: 1 },
  }).addTo(map);
}

function popupFor(record) {
  const box = element("div");
  box.append(element("strong", record.scientificName || "(no name)"));
  const details = [record.country, record.locality, record.year].filter((value) => value !== null && value !== undefined && value !== "");
  if (details.length) box.append(element("div", details.join(" · ")));
  box.append(element("div", `${record.institutionCode || ""} ${record.catalogNumber || ""}`.trim()));
  if (record.sourceUrl) box.append(element("a", `Open at ${sourceNames[record.source] || record.source}`, { href: record.sourceUrl, target: "_blank", rel: "noopener" }));
  return box;
}

function showPoints(records) {
  points.clearLayers();
  const located = records.filter((record) => typeof record.decimalLatitude === "number" && typeof record.decimalLongitude === "number");
  const markers = located.map((record) =>
    L.marker([record.decimalLatitude, record.decimalLongitude], {
      icon: L.divIcon({ className: "record-point", iconSize: [12, 12] }),
      title: record.scientificName || record.id,
      keyboard: true,
    }).bindPopup(() => popupFor(record)));
  points.addLayers(markers);
  document.getElementById("map").dataset.pointCount = String(markers.length);
  if (markers.length) map.fitBounds(points.getBounds(), { maxZoom: 6, padding: [20, 20] });
}

// MARK: search

const sourceNames = { nhm: "NHM Data Portal", vertnet: "VertNet" };
const search = { parameters: null, cursors: [null], page: 0 };

function searchParameters() {
  const form = document.getElementById("search-form");
  const parameters = new URLSearchParams();
  const taxon = form.taxon.value.trim();
  if (taxon) parameters.set(form.rank.value, taxon);
  const country = form.country.value.trim();
  if (country) parameters.set("country", country);
  if (form.yearFrom.value) parameters.set("yearFrom", form.yearFrom.value);
  if (form.yearTo.value) parameters.set("yearTo", form.yearTo.value);
  if (form.source.value) parameters.set("source", form.source.value);
  if (form.hasCoordinates.checked) parameters.set("hasCoordinates", "true");
  return parameters;
}

function showExports(parameters) {
  for (const format of ["csv", "geojson", "ndjson"]) {
    const query = new URLSearchParams(parameters);
    query.set("format", format);
    const link = document.getElementById(`export-${format}`);
    link.href = `/v1/records/export?${query}`;
    link.setAttribute("download", `biogateway-records.${format}`);
  }
  document.getElementById("exports").hidden = false;
}

function showSourceProblems(sources) {
  const list = document.getElementById("source-problems");
  list.replaceChildren();
  for (const [name, source] of Object.entries(sources || {})) {
    if (source.status === "error") {
      const item = element("li", `${sourceNames[name] || name} failed: ${source.error || "no reason given"}. The records below are from the other sources.`);
      item.dataset.source = name;
      list.append(item);
    } else if (source.status === "skipped") {
      const item = element("li", `${sourceNames[name] || name} was not asked: ${source.reason || "it cannot answer this question"}.`, { class: "skipped" });
      item.dataset.source = name;
      list.append(item);
    }
  }
}

function showRecords(page) {
  const body = document.querySelector("#results tbody");
  body.replaceChildren();
  for (const record of page.records) {
    const row = element("tr");
    row.append(element("td", sourceNames[record.source] || record.source));
    const name = element("td");
    name.append(element("i", record.scientificName || "–"));
    row.append(name);
    row.append(element("td", record.country || "–"));
    row.append(element("td", record.year ?? "–"));
    const located = typeof record.decimalLatitude === "number" && typeof record.decimalLongitude === "number";
    row.append(element("td", located ? `${record.decimalLatitude.toFixed(3)}, ${record.decimalLongitude.toFixed(3)}` : "–"));
    const link = element("td");
    if (record.sourceUrl) link.append(element("a", "View", { href: record.sourceUrl, target: "_blank", rel: "noopener", "aria-label": `View ${record.scientificName || "the record"} at ${sourceNames[record.source] || record.source}` }));
    row.append(link);
    body.append(row);
  }
  const total = page.total ? `${page.total.relation === "gte" ? "at least " : ""}${count(page.total.value)}` : "an unknown number of";
  const first = search.page * PAGE_SIZE + 1;
  document.getElementById("results-caption").textContent = page.records.length
    ? `Records ${count(first)}–${count(first + page.records.length - 1)} of ${total} matching records.`
    : "No records match.";
  document.getElementById("page-number").textContent = `Page ${search.page + 1}`;
  document.getElementById("previous-page").disabled = search.page === 0;
  document.getElementById("next-page").disabled = !page.next;
}

async function showPage() {
  const summary = document.getElementById("search-summary");
  const query = new URLSearchParams(search.parameters);
  query.set("limit", String(PAGE_SIZE));
  const cursor = search.cursors[search.page];
  if (cursor) query.set("cursor", cursor);
  summary.textContent = "Searching…";
  document.getElementById("search").dataset.state = "searching";
  const response = await fetch(`/v1/records?${query}`, { headers: { Accept: "application/json" } });
  const page = await response.json().catch(() => null);
  if (!response.ok || !page || !Array.isArray(page.records)) {
    const problems = page && Array.isArray(page["invalid-params"]) ? page["invalid-params"].map((item) => `${item.name}: ${item.reason}`).join("; ") : "";
    summary.textContent = `The search failed: ${(page && (page.detail || page.title)) || `HTTP ${response.status}`}${problems ? ` (${problems})` : ""}.`;
    showSourceProblems(page && page.sources);
    document.getElementById("search").dataset.state = "failed";
    return;
  }
  search.cursors[search.page + 1] = page.next || null;
  summary.textContent = (page.warnings || []).join(" ");
  showSourceProblems(page.sources);
  showRecords(page);
  showPoints(page.records);
  document.getElementById("search").dataset.state = "done";
}

document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  search.parameters = searchParameters();
  search.cursors = [null];
  search.page = 0;
  showExports(search.parameters);
  showPage();
});
document.getElementById("next-page").addEventListener("click", () => {
  if (!search.cursors[search.page + 1]) return;
  search.page += 1;
  showPage();
});
document.getElementById("previous-page").addEventListener("click", () => {
  if (search.page === 0) return;
  search.page -= 1;
  showPage();
});

drawLand();
refreshStatus();
