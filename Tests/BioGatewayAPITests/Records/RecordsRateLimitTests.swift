import BioGatewayAPI
import BioGatewayTestSupport
import Testing

@Suite("/v1/records: behind the client rate limits")
struct RecordsRateLimitTests {
    @Test func eachUpstreamFetchSpendsTheUpstreamBudgetAndHitsDoNot() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.clients.rateLimit = 100
            $0.clients.upstreamRateLimit = 2
        }
        try await withRouterStack(configure: configure, clock: stoppedClock) { simulator, gateway async throws in
            // two sources: two upstream fetches, the whole budget
            let first = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10")])
            #expect(first.status == 200)
            #expect(first.header("ratelimit-policy") != nil)
            // kept pages, and pages made again from the cached upstream answers (other fields)
            for fields in ["", "id", "id,source", "scientificName"] {
                let query = [("genus", "Bufo"), ("limit", "10")] + (fields.isEmpty ? [] : [("fields", fields)])
                let repeated = try await gateway.get("/v1/records", query: query)
                #expect(repeated.status == 200)
                #expect(try repeated.json()["sources"]?["nhm"]?["cache"] == "hit")
            }
            let miss = try await gateway.get("/v1/records", query: [("genus", "Puma"), ("limit", "10")])
            #expect(miss.status == 429)
            #expect(miss.header("content-type") == "application/problem+json")
            #expect(miss.header("retry-after") != nil)
            #expect(await simulator.state.requests().count == 2)
        }
    }

    @Test func requestsCountAgainstTheRequestBudget() async throws {
        let configure: (inout GatewayConfiguration) -> Void = { $0.clients.rateLimit = 3 }
        try await withRouterStack(configure: configure, clock: stoppedClock) { _, gateway async throws in
            for _ in 0..<3 {
                #expect(try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "1")]).status == 200)
            }
            #expect(try await gateway.get("/v1/records/export", query: [("genus", "Bufo"), ("max", "1")]).status == 429)
        }
    }
}
