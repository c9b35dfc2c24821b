import BioGatewayAPI
import BioGatewayCache
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Cache: hits, coalescing, persistence")
struct CacheBehaviourTests {
    @Test func aRepeatedRequestIsAHitWithIdenticalBytes() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let query = [("resource_id", specimens), ("q", "bufo"), ("limit", "20")]
            let first = try await gateway.get(nhmPath, query: query)
            let second = try await gateway.get(nhmPath, query: query)
            #expect(first.status == 200)
            #expect(first.header("cache-status") == "BioGateway; fwd=miss; stored")
            #expect(second.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            #expect(second.header("age") != nil)
            #expect(first.body == second.body)
            #expect(await simulator.calls(.nhm) == 1)
        }
    }

    @Test func upstreamBytesArePassedThroughUnchanged() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let queryObject = #"{"q":"genus:puma","l":3}"#
            let viaGateway = try await gateway.get(vertnetPath, query: [("q", queryObject)])
            // the simulator's answer to the canonical request, fetched directly
            let direct = try await GatewayClient(baseURL: simulator.baseURL).get("/api/search", query: [("q", #"{"l":3,"q":"genus:puma"}"#)])
            // request_date differs between two answers; everything else is byte for byte the same
            func withoutDate(_ text: String) -> String {
                text.replacingOccurrences(of: #""request_date": "[^"]*""#, with: "", options: .regularExpression)
            }
            #expect(withoutDate(viaGateway.text) == withoutDate(direct.text))
            #expect(viaGateway.text.contains("\"recs\": ["))  // Python's separators survive
            #expect(viaGateway.header("content-type") == "application/json; charset=utf-8")
            #expect(viaGateway.header("x-content-type-options") == "nosniff")
        }
    }

    @Test func equivalentRequestsShareOneEntry() async throws {
        try await withRouterStack { simulator, gateway async throws in
            _ = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:puma  country:mexico","l":5000}"#)])
            let same = try await gateway.get(vertnetPath, query: [("q", #"{"l":1000,"q":"genus:puma country:mexico"}"#)])
            #expect(same.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            let post = try await gateway.request(
                vertnetPath,
                method: .POST,
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "q=" + FormParameters.encode(#"{"q":"genus:puma country:mexico","l":1000}"#)
            )
            #expect(post.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            #expect(await simulator.calls(.vertnet) == 1)

            _ = try await gateway.get(
                nhmPath,
                query: [("resource_id", specimens), ("sort", "country"), ("sort", "year desc"), ("fields", "country,year")]
            )
            let nhmPost = try await gateway.request(
                nhmPath,
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: #"{"fields":["year","country"],"resource_id":"\#(specimens)","sort":"country asc,year desc","limit":100}"#
            )
            #expect(nhmPost.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            #expect(await simulator.calls(.nhm) == 1)
        }
    }

    @Test func fiftyConcurrentIdenticalRequestsMakeOneUpstreamCall() async throws {
        let patient: (inout GatewayConfiguration) -> Void = { $0.upstream.timeout = 60 }
        try await withRouterStack(configure: patient) { simulator, gateway async throws in
            // the upstream holds the one call until all 50 requests are inside the gateway, 49 of them waiting
            // for it, however long a loaded machine takes to get them there
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .hold, latencyMs: 50_000, count: 1))
            let query = [("q", #"{"q":"genus:junco","l":50}"#)]
            async let answers = withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<50 { group.addTask { try await gateway.get(vertnetPath, query: query) } }
                return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
            }
            #expect(try await eventually(within: 40) { await gateway.collapsedWaiting() == 49 })
            #expect(try await eventually(within: 40) { await simulator.state.heldCount == 1 })
            #expect(await simulator.state.releaseHeld() == 1)
            let responses = try await answers
            #expect(await simulator.calls(.vertnet) == 1)
            #expect(responses.count == 50)
            #expect(responses.allSatisfy { $0.status == 200 })
            #expect(Set(responses.map(\.body)).count == 1)
            let collapsed = responses.filter { $0.header("cache-status")?.contains("collapsed") == true }.count
            #expect(collapsed == 49, "\(collapsed) of 50 requests were collapsed into the in-flight one")
        }
    }

    @Test func aThousandConcurrentIdenticalMissesMakeOneUpstreamCallAndGetTheSameBytes() async throws {
        // through the router (no sockets: a thousand connections would test the client's pool, not the
        // gateway); the upstream is the simulator over a real socket, holding its one call until all 1,000
        // requests wait for it
        let crowd: (inout GatewayConfiguration) -> Void = {
            $0.upstream.timeout = 120
            $0.clients.rateLimit = 1_000_000
        }
        try await withRouterStack(configure: crowd) { simulator, gateway in
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .hold, latencyMs: 110_000, count: 1))
            let query = [("resource_id", specimens), ("q", "junco"), ("limit", "20")]
            async let answers = withThrowingTaskGroup(of: TestResponse.self) { group in
                for index in 0..<1_000 {
                    // half take gzip: the same stored answer, in both codings
                    let headers = index.isMultiple(of: 2) ? [("Accept-Encoding", "gzip")] : []
                    group.addTask { try await gateway.get(nhmPath, query: query, headers: headers) }
                }
                return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
            }
            #expect(try await eventually(within: 100) { await gateway.collapsedWaiting() == 999 })
            // and the one upstream call has reached the simulator (it may still be on its way)
            #expect(try await eventually(within: 100) { await simulator.state.heldCount == 1 })
            #expect(await simulator.state.releaseHeld() == 1)
            let responses = try await answers
            #expect(await simulator.calls(.nhm) == 1)
            #expect(responses.count == 1_000)
            #expect(responses.allSatisfy { $0.status == 200 })
            let codings = Dictionary(grouping: responses) { $0.header("content-encoding") ?? "identity" }
            #expect(codings.mapValues { Set($0.map(\.body)).count } == ["gzip": 1, "identity": 1])
            #expect(codings["gzip"]?.count == 500)
        }
    }

    @Test func theCacheSurvivesARestart() async throws {
        try await withTemporaryStore { cachePath in
            try await withSimulator { simulator async throws in
                let query = [("q", #"{"q":"genus:bufo","l":10}"#)]
                let first = try await withGateway(upstreamURL: simulator.baseURL, cachePath: cachePath) { gateway in
                    try await gateway.get(vertnetPath, query: query)
                }
                let second = try await withGateway(upstreamURL: simulator.baseURL, cachePath: cachePath) { gateway in
                    try await gateway.get(vertnetPath, query: query)
                }
                #expect(second.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
                #expect(first.body == second.body)
                #expect(await simulator.calls(.vertnet) == 1)
            }
            // the batched counters were written when the gateways stopped
            let statistics = try await openTestCache(cachePath).statistics()
            #expect(statistics.hits == 1)
            #expect(statistics.misses == 1)
        }
    }

    @Test func expiredEntriesAreNotServed() async throws {
        let clock = ManualClock()
        try await withSimulator { simulator async throws in
            let configure: (inout GatewayConfiguration) -> Void = {
                $0.cache.ttl = 60
                $0.cache.staleWhileRevalidate = 0
            }
            try await withGateway(upstreamURL: simulator.baseURL, configure: configure, clock: clock.gatewayClock) { gateway in
                let query = [("q", #"{"q":"genus:puma","l":2}"#)]
                _ = try await gateway.get(vertnetPath, query: query)
                clock.advance(by: 59)
                #expect(try await gateway.get(vertnetPath, query: query).header("cache-status") == "BioGateway; hit; ttl=1")
                clock.advance(by: 1)
                #expect(try await gateway.get(vertnetPath, query: query).header("cache-status") == "BioGateway; fwd=stale; stored")
                #expect(await simulator.calls(.vertnet) == 2)
            }
        }
    }
}
