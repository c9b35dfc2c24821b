import BioGatewayAPI
import BioGatewayCore
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import HTTPTypes
import Testing

@Suite("Cache: the client's Cache-Control")
struct ClientCacheControlTests {
    let query = [("q", #"{"q":"genus:bufo","l":4}"#)]

    @Test func noCacheRefreshesTheEntryOnceForConcurrentClients() async throws {
        try await withRouterStack { simulator, gateway async throws in
            _ = try await gateway.get(vertnetPath, query: self.query)
            let refreshed = try await gateway.get(vertnetPath, query: self.query, headers: [("Cache-Control", "no-cache")])
            #expect(refreshed.header("cache-status") == "BioGateway; fwd=request; stored")
            #expect(await simulator.calls(.vertnet) == 2)

            // the upstream holds the refresh until all ten are inside the gateway, nine of them waiting for it (one
            // arriving after it finished would rightly be served the just-stored answer as a hit)
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .hold, latencyMs: 50_000, count: 1))
            async let answers = withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await gateway.get(vertnetPath, query: self.query, headers: [("Cache-Control", "no-cache")]) }
                }
                return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
            }
            #expect(try await eventually(within: 40) { await gateway.collapsedWaiting() == 9 })
            #expect(try await eventually(within: 40) { await simulator.state.heldCount == 1 })
            #expect(await simulator.state.releaseHeld() == 1)
            let responses = try await answers
            #expect(responses.allSatisfy { $0.status == 200 && $0.header("cache-status")?.hasPrefix("BioGateway; fwd=request") == true })
            #expect(await simulator.calls(.vertnet) == 3)
            #expect(try await gateway.get(vertnetPath, query: self.query).header("cache-status")?.hasPrefix("BioGateway; hit") == true)
        }
    }

    @Test func maxAgeAcceptsOnlyYoungerEntries() async throws {
        let clock = ManualClock()
        try await withRouterStack(clock: clock.gatewayClock) { simulator, gateway in
            _ = try await gateway.get(vertnetPath, query: self.query)
            clock.advance(by: 30)
            let young = try await gateway.get(vertnetPath, query: self.query, headers: [("Cache-Control", "max-age=60")])
            #expect(young.header("cache-status") == "BioGateway; hit; ttl=86370")
            let tooOld = try await gateway.get(vertnetPath, query: self.query, headers: [("Cache-Control", "max-age=10")])
            #expect(tooOld.header("cache-status") == "BioGateway; fwd=request; stored")
            let again = try await gateway.get(vertnetPath, query: self.query, headers: [("Cache-Control", #"max-age="10""#)])
            #expect(again.header("cache-status") == "BioGateway; hit; ttl=86400")
            #expect(await simulator.calls(.vertnet) == 2)
        }
    }

    @Test func onlyIfCachedNeverGoesUpstream() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let missing = try await gateway.get(vertnetPath, query: self.query, headers: [("Cache-Control", "only-if-cached")])
            #expect(missing.status == 504)
            #expect(missing.header("content-type") == "application/problem+json")
            #expect(try missing.json()["type"] == "urn:biogateway:problem:not-cached")
            #expect(missing.header("cache-status") == "BioGateway; detail=not-cached")
            #expect(await simulator.calls(.vertnet) == 0)

            _ = try await gateway.get(vertnetPath, query: self.query)
            let cached = try await gateway.get(
                vertnetPath,
                query: self.query,
                headers: [("Cache-Control", "max-age=3600"), ("cache-control", "ONLY-IF-CACHED")]
            )
            #expect(cached.status == 200)
            #expect(cached.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            #expect(await simulator.calls(.vertnet) == 1)
        }
    }

    @Test func parsesDirectivesLeniently() {
        let preferences = ClientPreferences(
            headers: [.cacheControl: "No-Cache, max-age = 5, max-stale", .acceptEncoding: "br;q=1.0, gzip;q=0.5"]
        )
        #expect(preferences.noCache)
        #expect(preferences.acceptsGzip)
        #expect(ClientPreferences(headers: [.cacheControl: "max-age=-3, max-age=abc"]).maxAge == nil)
        #expect(!ClientPreferences(headers: [.acceptEncoding: "gzip;q=0"]).acceptsGzip)
        #expect(!ClientPreferences(headers: [.acceptEncoding: "identity"]).acceptsGzip)
        #expect(ClientPreferences(headers: [.acceptEncoding: "*"]).acceptsGzip)
        #expect(!ClientPreferences(headers: [.acceptEncoding: "*;q=0, br"]).acceptsGzip)
        #expect(ClientPreferences(headers: [.acceptEncoding: "br,\tGZIP ; Q=0.001"]).acceptsGzip)
        #expect(ClientPreferences(headers: [.acceptEncoding: "x-gzip"]).acceptsGzip)
        #expect(!ClientPreferences(headers: [.acceptEncoding: "gzip;q=0.000, *"]).acceptsGzip)
        #expect(!ClientPreferences(headers: [.acceptEncoding: "gzipped, ,"]).acceptsGzip)
        #expect(ClientPreferences(headers: [.cacheControl: #"max-age="60""#]).maxAge == 60)
        #expect(ClientPreferences(headers: [.cacheControl: "\tONLY-IF-CACHED\t"]).onlyIfCached)
        #expect(ClientPreferences(headers: [.cacheControl: "no-cachet, max-age"]) == ClientPreferences())
    }
}
