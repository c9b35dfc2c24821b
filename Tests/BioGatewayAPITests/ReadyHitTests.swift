import BioGatewayAPI
import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import Testing

/// Fresh memory-tier hits answered where they are read (`ReadyHits`), over real sockets: the same answer as
/// the router gives, and everything the short path cannot answer left to the router.
@Suite struct ReadyHitTests {
    let query = [("q", #"{"q":"genus:puma","l":2}"#)]

    /// The `biogateway_ready_hits_total` counter.
    func readyHits(_ gateway: GatewayClient) async throws -> Double {
        Scrape(text: try await gateway.request("/metrics").text).value("biogateway_ready_hits_total")
    }

    /// The headers whose values are the same for any two answers of one stored answer to one client (the
    /// freshness left in `Cache-Status` follows the wall clock's seconds: it is left out).
    func steadyHeaders(_ response: TestResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in response.headers where !["date", "x-request-id", "ratelimit", "age"].contains(name.lowercased()) {
            let steady =
                name.lowercased() == "cache-status" ? value.split(separator: ";").filter { !$0.contains("ttl=") }.joined(separator: ";") : value
            headers[name.lowercased(), default: ""] += headers[name.lowercased()] == nil ? steady : ", " + steady
        }
        return headers
    }

    @Test func aRepeatedGETIsAnsweredWhereItIsReadWithTheRoutersAnswer() async throws {
        try await withStack(clock: stoppedClock) { simulator, gateway in
            let miss = try await gateway.get(vertnetPath, query: self.query)
            #expect(miss.header("cache-status") == "BioGateway; fwd=miss; stored")
            #expect(try await self.readyHits(gateway) == 0)

            for encoding in [[], [("Accept-Encoding", "gzip")]] {
                let hit = try await gateway.get(vertnetPath, query: self.query, headers: encoding)
                // the same question asked in a form body always goes through the router
                let routed = try await gateway.request(
                    vertnetPath,
                    method: .POST,
                    headers: [("Content-Type", "application/x-www-form-urlencoded")] + encoding,
                    body: "q=" + FormParameters.encode(#"{"q":"genus:puma","l":2}"#)
                )
                #expect(hit.status == 200)
                #expect(hit.body == routed.body)
                #expect(self.steadyHeaders(hit) == self.steadyHeaders(routed))
                #expect(hit.header("cache-status")?.hasPrefix("BioGateway; hit; ttl=") == true)
                #expect(hit.header("ratelimit")?.hasPrefix("\"requests\";r=") == true)
                #expect(hit.header("x-request-id")?.count == 36)
                #expect(hit.header("date") != nil)
                #expect(hit.header("content-length") == String(hit.body.count))
            }
            #expect(try await self.readyHits(gateway) == 2)
            #expect(await simulator.calls(.vertnet) == 1)
            let metrics = Scrape(text: try await gateway.request("/metrics").text)
            #expect(metrics.value(#"biogateway_http_requests_total{route="/vertnet/api/search",method="GET",status="200"}"#) == 3)
        }
    }

    @Test func anNHMSearchHitCarriesItsDataVersionAsTheRoutersDoes() async throws {
        try await withStack(clock: stoppedClock) { simulator, gateway in
            let query = [("resource_id", specimens), ("q", "Panthera"), ("limit", "3")]
            _ = try await gateway.get(nhmPath, query: query)
            let hit = try await gateway.get(nhmPath, query: query)
            // the same question as a JSON body always goes through the router
            let routed = try await gateway.request(
                nhmPath,
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: #"{"resource_id":"\#(specimens)","q":"Panthera","limit":3}"#
            )
            #expect(hit.status == 200)
            #expect(hit.body == routed.body)
            #expect(self.steadyHeaders(hit) == self.steadyHeaders(routed))
            #expect(hit.header("biogateway-data-version") != nil)
            #expect(try await self.readyHits(gateway) == 1)
            #expect(await simulator.calls(.nhm) == 1)
        }
    }

    @Test func anNHMQuestionPinnedToADataVersionIsLeftToTheRouter() async throws {
        // on the system's clock: the verdict asks the upstream, paced as the NHM asks
        try await withStack { _, gateway in
            let pinned = [("resource_id", specimens), ("q", "Panthera"), ("limit", "3"), ("version", "1700000000000")]
            _ = try await gateway.get(nhmPath, query: pinned)
            let again = try await gateway.get(nhmPath, query: pinned)
            #expect(again.header("cache-status") == "BioGateway; hit; detail=immutable")
            #expect(again.header("biogateway-data-version") == "1700000000000")
            #expect(try await self.readyHits(gateway) == 0)
        }
    }

    @Test func withTheMemoryTierOffTheRouterAnswersEveryHit() async throws {
        let configure: (inout GatewayConfiguration) -> Void = { $0.cache.memoryMaxBytes = 0 }
        try await withStack(configure: configure) { simulator, gateway in
            _ = try await gateway.get(vertnetPath, query: self.query)
            let hit = try await gateway.get(vertnetPath, query: self.query)
            #expect(hit.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            #expect(try await self.readyHits(gateway) == 0)
            #expect(await simulator.calls(.vertnet) == 1)
        }
    }

    @Test func aClientHoldingTheAnswerGets304() async throws {
        try await withStack(clock: stoppedClock) { _, gateway in
            let first = try await gateway.get(vertnetPath, query: self.query)
            let tag = try #require(first.header("etag"))
            let again = try await gateway.get(vertnetPath, query: self.query, headers: [("If-None-Match", tag)])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.header("etag") == tag)
            #expect(again.header("content-type") == nil)
            #expect(try await self.readyHits(gateway) == 1)
        }
    }

    @Test func whatTheShortPathCannotAnswerIsLeftToTheRouter() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.server.corsOrigins = "https://notebooks.example.org"
            $0.clients.rateLimit = 6
        }
        try await withStack(configure: configure, clock: stoppedClock) { simulator, gateway in
            _ = try await gateway.get(vertnetPath, query: self.query)
            // the client's Cache-Control asks for the upstream
            let refreshed = try await gateway.get(vertnetPath, query: self.query, headers: [("Cache-Control", "no-cache")])
            #expect(refreshed.header("cache-status") == "BioGateway; fwd=request; stored")
            #expect(await simulator.calls(.vertnet) == 2)
            // a cross-origin reply to make
            let browser = try await gateway.get(vertnetPath, query: self.query, headers: [("Origin", "https://notebooks.example.org")])
            #expect(browser.header("access-control-allow-origin") == "https://notebooks.example.org")
            #expect(browser.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            // a question the endpoint refuses
            let invalid = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:puma","l":"many"}"#)])
            #expect(invalid.status == 400)
            #expect(try await self.readyHits(gateway) == 0)
            // a plain hit (the fifth request of six a minute, the clock stopped), a sixth, then the router refuses
            #expect(try await gateway.get(vertnetPath, query: self.query).status == 200)
            #expect(try await self.readyHits(gateway) == 1)
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await gateway.get(vertnetPath, query: self.query).status) }
            #expect(statuses == [200, 429, 429])
            #expect(try await self.readyHits(gateway) == 2)
        }
    }
}
