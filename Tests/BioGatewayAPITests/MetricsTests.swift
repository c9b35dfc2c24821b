import BioGatewayAPI
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Metrics: /metrics")
struct MetricsTests {
    func scrape(_ gateway: GatewayClient) async throws -> Scrape {
        let response = try await gateway.request("/metrics")
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return Scrape(text: response.text)
    }

    @Test func exposesEveryFamilyAndCountsMove() async throws {
        let configure: (inout GatewayConfiguration) -> Void = { $0.clients.upstreamRateLimit = 2 }
        try await withRouterStack(configure: configure) { _, gateway async throws in
            let before = try await self.scrape(gateway)
            for family in [
                "biogateway_cache_hits_total", "biogateway_cache_misses_total", "biogateway_cache_stale_served_total",
                "biogateway_cache_coalesced_total", "biogateway_cache_evictions_total", "biogateway_cache_entries",
                "biogateway_cache_bytes", "biogateway_cache_collapsed_waiting", "biogateway_upstream_queue_depth", "biogateway_upstream_in_flight",
                "biogateway_upstream_breaker_state", "biogateway_rate_limited_total", "biogateway_record_pages_hits_total",
                "biogateway_record_pages_misses_total", "biogateway_record_pages_stores_total", "biogateway_record_pages_evictions_total",
                "biogateway_record_pages_entries", "biogateway_record_pages_bytes",
            ] {
                #expect(before.text.contains("# TYPE \(family) "), "missing \(family)")
            }

            let query = [("q", #"{"q":"genus:puma","l":2}"#)]
            _ = try await gateway.get(vertnetPath, query: query)  // miss
            let afterMiss = try await self.scrape(gateway)
            #expect(afterMiss.value("biogateway_cache_misses_total") == before.value("biogateway_cache_misses_total") + 1)
            #expect(afterMiss.value(#"biogateway_upstream_requests_total{source="vertnet",outcome="ok"}"#) == 1)
            #expect(afterMiss.value(#"biogateway_upstream_request_duration_seconds_count{source="vertnet"}"#) == 1)
            #expect(afterMiss.value("biogateway_cache_entries") == 1)
            #expect(afterMiss.value("biogateway_cache_hits_total") == before.value("biogateway_cache_hits_total"))

            _ = try await gateway.get(vertnetPath, query: query)  // hit
            let afterHit = try await self.scrape(gateway)
            #expect(afterHit.value("biogateway_cache_hits_total") == afterMiss.value("biogateway_cache_hits_total") + 1)
            #expect(afterHit.value(#"biogateway_upstream_requests_total{source="vertnet",outcome="ok"}"#) == 1)
            #expect(afterHit.value(#"biogateway_http_requests_total{route="/vertnet/api/search",method="GET",status="200"}"#) == 2)
            #expect(afterHit.value(#"biogateway_http_request_duration_seconds_count{route="/vertnet/api/search"}"#) == 2)
            #expect(afterHit.value(#"biogateway_upstream_breaker_state{source="vertnet",state="closed"}"#) == 1)

            // the upstream budget (2 misses) is spent: a third miss is rate limited
            _ = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:bufo","l":2}"#)])
            #expect(try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:junco","l":2}"#)]).status == 429)
            let afterLimit = try await self.scrape(gateway)
            #expect(afterLimit.value(#"biogateway_rate_limited_total{budget="upstream"}"#) == 1)
            #expect(afterLimit.value(#"biogateway_http_requests_total{route="/vertnet/api/search",method="GET",status="429"}"#) == 1)
        }
    }
}
