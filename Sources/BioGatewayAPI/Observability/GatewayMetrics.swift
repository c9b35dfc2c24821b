import BioGatewayCache
import BioGatewayCore
import BioGatewayQuery
import BioGatewayUpstream
import CoreMetrics
import Foundation
import HTTPTypes
import Prometheus
import Synchronization

/// The gateway's metrics, recorded through swift-metrics into a Prometheus registry of this application's
/// own (so that several gateways in one process, as in the tests, do not mix), served at `/metrics`.
///
/// Requests, upstream calls and rate-limited answers are counted as they happen; cache figures, queue
/// depth and breaker state are read when scraped.
public final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    /// Cache counters already exported (the cache keeps its own counts across restarts).
    private let exportedCacheCounts = Mutex<[String: Int]>([:])
    /// Page cache counters already exported.
    private let exportedPageCounts = Mutex<[String: Int]>([:])
    /// Memory tier counters already exported.
    private let exportedMemoryCounts = Mutex<[String: Int]>([:])

    public init() {
        var factory = PrometheusMetricsFactory(registry: self.registry)
        factory.durationHistogramBuckets["biogateway_upstream_request_duration_seconds"] = [
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
            .seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(60),
        ]
        self.factory = factory
        self.readyHits = Counter(label: "biogateway_ready_hits_total", factory: factory)
    }

    /// Hits answered where they were read, without the router (``ReadyHits``); they are counted in the
    /// request metrics too, like every answer.
    let readyHits: CoreMetrics.Counter

    /// One answered request. The counter and timer of each route, method and status are made once and
    /// kept (a hit must not look them up in the registry by their labels).
    func recordRequest(route: String, method: HTTPRequest.Method, status: Int, duration: Duration) {
        let key = RequestSeries(route: route, method: method, status: status)
        let series =
            self.requestSeries.withLock { $0[key] }
            ?? self.requestSeries.withLock { known in
                if let series = known[key] { return series }
                let made = (
                    Counter(
                        label: "biogateway_http_requests_total",
                        dimensions: [("route", route), ("method", method.rawValue), ("status", String(status))],
                        factory: self.factory
                    ),
                    Timer(label: "biogateway_http_request_duration_seconds", dimensions: [("route", route)], factory: self.factory)
                )
                // routes are the router's (a bounded set), statuses too: the map stays small
                known[key] = made
                return made
            }
        series.0.increment()
        series.1.recordNanoseconds(Self.nanoseconds(duration))
    }

    /// What identifies a request's metric series.
    private struct RequestSeries: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }

    private let requestSeries = Mutex<[RequestSeries: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])

    /// One attempt sent upstream and how it ended.
    func recordUpstream(_ source: UpstreamSource, outcome: String, duration: Duration) {
        Counter(
            label: "biogateway_upstream_requests_total",
            dimensions: [("source", source.rawValue), ("outcome", outcome)],
            factory: self.factory
        ).increment()
        Timer(label: "biogateway_upstream_request_duration_seconds", dimensions: [("source", source.rawValue)], factory: self.factory)
            .recordNanoseconds(Self.nanoseconds(duration))
    }

    /// A 429 from the client limits (`budget`: requests or upstream).
    func recordRateLimited(budget: String) {
        Counter(label: "biogateway_rate_limited_total", dimensions: [("budget", budget)], factory: self.factory).increment()
    }

    /// The Prometheus text exposition, after reading the cache, the kept `/v1/records` pages and the
    /// upstream gates; `gateways`, with replicas on a shared store, is how many this one last saw.
    func exposition(
        cache: ResponseCache,
        pages: MemoryCache<StoredRecordPage>.Counters,
        upstream: ResilientUpstream,
        collapsedWaiting: Int,
        gateways: Int? = nil
    ) async -> [UInt8] {
        if let gateways {
            Gauge(label: "biogateway_replicas_seen", factory: self.factory).record(gateways)
        }
        if let statistics = try? await cache.statistics() {
            let counts = [
                "hits": statistics.hits, "misses": statistics.misses, "stale_served": statistics.staleServed,
                "coalesced": statistics.coalesced, "evictions": statistics.evictions,
                "background_refreshes": statistics.backgroundRefreshes,
            ]
            self.export(counts, since: self.exportedCacheCounts, prefix: "biogateway_cache_")
            Gauge(label: "biogateway_cache_entries", factory: self.factory).record(statistics.entries)
            Gauge(label: "biogateway_cache_bytes", factory: self.factory).record(statistics.bytes)
            Gauge(label: "biogateway_cache_max_bytes", factory: self.factory).record(statistics.maximumBytes)
            Gauge(label: "biogateway_cache_store_reachable", factory: self.factory).record(1)
        } else {
            // the store (a PostgreSQL server shared by replicas) cannot be read: hits come from memory alone
            Gauge(label: "biogateway_cache_store_reachable", factory: self.factory).record(0)
        }
        Gauge(label: "biogateway_cache_collapsed_waiting", factory: self.factory).record(collapsedWaiting)
        self.export(pages, since: self.exportedPageCounts, prefix: "biogateway_record_pages_")
        self.export(cache.memory.counters, since: self.exportedMemoryCounts, prefix: "biogateway_memory_cache_")
        Gauge(label: "biogateway_memory_cache_max_bytes", factory: self.factory).record(cache.memory.maximumBytes)
        for (source, gate) in upstream.gates {
            let snapshot = await gate.snapshot
            let labels = [("source", source.rawValue)]
            Gauge(label: "biogateway_upstream_queue_depth", dimensions: labels, factory: self.factory).record(snapshot.queueDepth)
            Gauge(label: "biogateway_upstream_in_flight", dimensions: labels, factory: self.factory).record(snapshot.inFlight)
            for state in [UpstreamGate.BreakerState.closed, .open, .halfOpen] {
                Gauge(label: "biogateway_upstream_breaker_state", dimensions: labels + [("state", state.rawValue)], factory: self.factory)
                    .record(snapshot.breaker == state ? 1 : 0)
            }
        }
        for budget in ["requests", "upstream"] {
            Counter(label: "biogateway_rate_limited_total", dimensions: [("budget", budget)], factory: self.factory).increment(by: 0)
        }
        return self.registry.emitToBuffer()
    }

    /// Exports a memory cache's counters (`<prefix>{hits,misses,stores,evictions}_total`) and its size
    /// (`<prefix>entries`, `<prefix>bytes`).
    private func export<Value>(_ counters: MemoryCache<Value>.Counters, since exported: borrowing Mutex<[String: Int]>, prefix: String) {
        let counts = ["hits": counters.hits, "misses": counters.misses, "stores": counters.stores, "evictions": counters.evictions]
        self.export(counts, since: exported, prefix: prefix)
        Gauge(label: "\(prefix)entries", factory: self.factory).record(counters.entries)
        Gauge(label: "\(prefix)bytes", factory: self.factory).record(counters.bytes)
    }

    /// Moves the `<prefix><name>_total` counters by what each of `counts` (a running total kept elsewhere)
    /// grew since the last scrape, and registers every one of them (so each family shows from the start).
    private func export(_ counts: [String: Int], since exported: borrowing Mutex<[String: Int]>, prefix: String) {
        let deltas = exported.withLock { exported in
            defer { exported = counts }
            return counts.map { ($0.key, $0.value - (exported[$0.key] ?? 0)) }
        }
        for (name, delta) in deltas {
            Counter(label: "\(prefix)\(name)_total", factory: self.factory).increment(by: max(0, delta))
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
