import BioGatewayAPI
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Cache: freshness, stale-while-revalidate, stale-if-error, empty answers")
struct CacheFreshnessTests {
    let query = [("q", #"{"q":"genus:puma","l":3}"#)]

    @Test func freshThenStaleWhileRevalidatingThenMiss() async throws {
        let clock = ManualClock()
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.cache.ttl = 60
            $0.cache.staleWhileRevalidate = 30
        }
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway in
            let first = try await gateway.get(vertnetPath, query: self.query)
            #expect(first.header("cache-status") == "BioGateway; fwd=miss; stored")
            clock.advance(by: 59)
            #expect(try await gateway.get(vertnetPath, query: self.query).header("cache-status") == "BioGateway; hit; ttl=1")

            // past freshness, inside stale-while-revalidate: 20 clients at once all get the stored answer at
            // once, and one background fetch (held by the upstream until they all have it) refreshes the entry
            clock.advance(by: 2)
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .hold, latencyMs: 50_000, count: 1))
            let stale = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<20 { group.addTask { try await gateway.get(vertnetPath, query: self.query) } }
                return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
            }
            #expect(stale.allSatisfy { $0.status == 200 && $0.body == first.body })
            #expect(stale.allSatisfy { $0.header("cache-status") == "BioGateway; hit; stale; ttl=-1; detail=revalidating" })
            #expect(stale.allSatisfy { $0.header("age") == "61" })
            #expect(try await eventually { await simulator.calls(.vertnet) == 2 })
            #expect(try await eventually(within: 40) { await simulator.state.heldCount == 1 })
            #expect(await simulator.state.releaseHeld() == 1)
            #expect(
                try await eventually { try! await gateway.get(vertnetPath, query: self.query).header("cache-status") == "BioGateway; hit; ttl=60" }
            )
            // the refresh was the one upstream call the 20 stale answers caused
            #expect(await simulator.calls(.vertnet) == 2)

            // past freshness and stale-while-revalidate: a plain miss
            clock.advance(by: 90)
            #expect(try await gateway.get(vertnetPath, query: self.query).header("cache-status") == "BioGateway; fwd=stale; stored")
            #expect(await simulator.calls(.vertnet) == 3)
        }
    }

    static let nhmQuery = [("resource_id", specimens), ("q", "bufo"), ("limit", "5")]

    /// A gateway whose cache holds an NHM answer stored 100 s ago, 40 s past its 60 s TTL and inside its
    /// 600 s stale-if-error window.
    func withStaleAnswer(_ body: @escaping @Sendable (ManualClock, SimulatorHandle, GatewayClient, TestResponse) async throws -> Void) async throws {
        let clock = ManualClock()
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.cache.ttl = 60
            $0.cache.staleWhileRevalidate = 0
            $0.cache.staleIfError = 600
            // long enough for a first answer on a machine loaded by the whole parallel suite (1 s was not, once)
            $0.upstream.timeout = 3
            $0.upstream.retries = 0
        }
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway in
            let original = try await gateway.get(nhmPath, query: Self.nhmQuery)
            try #require(original.status == 200, "the answer the rest of this test falls back to was not stored")
            clock.advance(by: 100)
            try await body(clock, simulator, gateway, original)
        }
    }

    /// Asks with `fault` injected and expects the stale answer, naming what the upstream did.
    func expectStaleAnswer(
        _ gateway: GatewayClient,
        _ simulator: SimulatorHandle,
        _ original: TestResponse,
        after fault: SimulatorFault,
        _ forwardStatus: String
    ) async throws {
        await simulator.state.inject(fault)
        let stale = try await gateway.get(nhmPath, query: Self.nhmQuery)
        await simulator.state.releaseHeld()
        #expect(stale.status == 200)
        #expect(stale.body == original.body)
        let cacheStatus = stale.header("cache-status") ?? ""
        #expect(cacheStatus.hasPrefix("BioGateway; fwd=stale; \(forwardStatus); stale; ttl=-40; detail="), "\(cacheStatus)")
        #expect(stale.headers["BioGateway-Notice"].contains { $0.hasPrefix("stale answer stored 100 s ago") })
    }

    @Test func upstreamFailuresAreCoveredByStaleEntriesWithinStaleIfError() async throws {
        try await self.withStaleAnswer { clock, simulator, gateway, original in
            let faults: [(SimulatorFault, String)] = [
                (SimulatorFault(source: "nhm", kind: .status, status: 503, count: 1), "fwd-status=503"),
                (SimulatorFault(source: "nhm", kind: .reset, count: 1), "fwd-status=502"),
                (SimulatorFault(source: "nhm", kind: .status, status: 429, retryAfter: 1, count: 1), "fwd-status=429"),
            ]
            for (fault, forwardStatus) in faults {
                try await self.expectStaleAnswer(gateway, simulator, original, after: fault, forwardStatus)
            }

            // a client that refuses stored answers (no-cache, or a max-age the entry is past) sees the failure
            for directive in ["no-cache", "max-age=50"] {
                await simulator.state.inject(SimulatorFault(source: "nhm", kind: .status, status: 503, count: 1))
                let refused = try await gateway.get(nhmPath, query: Self.nhmQuery, headers: [("Cache-Control", directive)])
                #expect(refused.status == 502, "\(directive)")
                #expect(refused.header("cache-status") == "BioGateway; fwd=request; fwd-status=503; detail=upstream-status-503")
            }

            // outside stale-if-error the failure is the client's to see
            clock.advance(by: 600)
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .status, status: 500, count: 1))
            let failed = try await gateway.get(nhmPath, query: Self.nhmQuery)
            #expect(failed.status == 502)
            #expect(failed.header("content-type") == "application/problem+json")
            #expect(failed.header("cache-status") == "BioGateway; fwd=stale; fwd-status=500; detail=upstream-status-500")
            // and the entry was not damaged by any of it: the next success replaces it
            #expect(try await gateway.get(nhmPath, query: Self.nhmQuery).header("cache-status") == "BioGateway; fwd=stale; stored")
        }
    }

    @Test func anUpstreamPastItsDeadlineIsCoveredByAStaleEntryWithinStaleIfError() async throws {
        try await self.withStaleAnswer { _, simulator, gateway, original in
            let hold = SimulatorFault(source: "nhm", kind: .hold, latencyMs: 30_000, count: 1)
            try await self.expectStaleAnswer(gateway, simulator, original, after: hold, "fwd-status=504")
        }
    }

    @Test func anUpstreamPastItsDeadlineOutsideStaleIfErrorIsA504() async throws {
        try await self.withStaleAnswer { clock, simulator, gateway, _ in
            clock.advance(by: 600)
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .hold, latencyMs: 30_000, count: 1))
            let slow = try await gateway.get(nhmPath, query: Self.nhmQuery)
            await simulator.state.releaseHeld()
            #expect(slow.status == 504)
            #expect(slow.header("content-type") == "application/problem+json")
            #expect(try await gateway.get(nhmPath, query: Self.nhmQuery).header("cache-status") == "BioGateway; fwd=stale; stored")
        }
    }

    @Test func emptyAnswersExpireAfterTheEmptyTTL() async throws {
        let clock = ManualClock()
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.cache.emptyTTL = 300
            $0.cache.staleWhileRevalidate = 0
        }
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway in
            let empty = [("q", #"{"q":"genus:nosuchgenus"}"#)]
            let full = [("q", #"{"q":"genus:puma","l":2}"#)]
            let emptyNHM = [("resource_id", specimens), ("q", "nosuchword")]
            let first = try await gateway.get(vertnetPath, query: empty)
            #expect(try first.json()["recs"] == [])
            #expect(first.header("cache-status") == "BioGateway; fwd=miss; stored")
            _ = try await gateway.get(vertnetPath, query: full)
            _ = try await gateway.get(nhmPath, query: emptyNHM)
            clock.advance(by: 299)
            #expect(try await gateway.get(vertnetPath, query: empty).header("cache-status") == "BioGateway; hit; ttl=1")
            clock.advance(by: 1)
            #expect(try await gateway.get(vertnetPath, query: empty).header("cache-status") == "BioGateway; fwd=stale; stored")
            #expect(try await gateway.get(nhmPath, query: emptyNHM).header("cache-status") == "BioGateway; fwd=stale; stored")
            #expect(try await gateway.get(vertnetPath, query: full).header("cache-status") == "BioGateway; hit; ttl=86100")
            // each empty VertNet answer is asked for twice (VertNet reports its failures as empty results)
            #expect(await simulator.calls(.vertnet) == 5)
        }
    }

    @Test func eachSourceHasItsOwnTTL() async throws {
        let clock = ManualClock()
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.cache.nhmTTL = 100
            $0.cache.vertnetTTL = 10
            $0.cache.staleWhileRevalidate = 0
        }
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway in
            let nhmQuery = [("resource_id", specimens), ("q", "bufo")]
            _ = try await gateway.get(nhmPath, query: nhmQuery)
            _ = try await gateway.get(vertnetPath, query: self.query)
            clock.advance(by: 50)
            #expect(try await gateway.get(nhmPath, query: nhmQuery).header("cache-status") == "BioGateway; hit; ttl=50")
            #expect(try await gateway.get(vertnetPath, query: self.query).header("cache-status") == "BioGateway; fwd=stale; stored")
        }
    }
}
