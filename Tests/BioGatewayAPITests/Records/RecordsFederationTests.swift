import BioGatewayAPI
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Testing

@Suite("/v1/records: federated search when an upstream fails")
struct RecordsFederationTests {
    static let noRetries: @Sendable (inout GatewayConfiguration) -> Void = { $0.upstream.retries = 0 }

    @Test func oneFailingSourceLeavesTheOthersRecordsAndAnErrorStatus() async throws {
        try await withRouterStack(configure: Self.noRetries) { simulator, gateway in
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .status, status: 500, count: 1))
            let answer = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10")])
            #expect(answer.status == 200)
            let page = try answer.json()
            let records = page["records"]?.arrayValue ?? []
            // NHM's share and VertNet's unused share: the page is still full
            #expect(records.count == 10)
            #expect(records.allSatisfy { $0["source"] == "nhm" })
            #expect(page["sources"]?["vertnet"]?["status"] == "error")
            #expect(page["sources"]?["vertnet"]?["error"]?.stringValue?.isEmpty == false)
            #expect(page["sources"]?["nhm"]?["status"] == "ok")
            #expect(page["total"]?["relation"] == "gte")
            #expect(answer.header("BioGateway-Source-Status") == "nhm=ok, vertnet=error")

            // the failing source is asked again from where it was: following next misses nothing of it
            let next = try #require(page["next"]?.stringValue)
            let second = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10"), ("cursor", next)]).json()
            #expect(second["sources"]?["vertnet"]?["status"] == "ok")
            #expect(await simulator.state.requests(source: .vertnet).last?.parameters["c"] == nil)
        }
    }

    @Test func everySourceFailingIsA502Problem() async throws {
        try await withRouterStack(configure: Self.noRetries) { simulator, gateway in
            await simulator.state.inject(SimulatorFault(kind: .status, status: 503, count: 2))
            let answer = try await gateway.get("/v1/records", query: [("genus", "Bufo")])
            #expect(answer.status == 502)
            #expect(answer.header("content-type") == "application/problem+json")
            let detail = try answer.json()["detail"]?.stringValue ?? ""
            #expect(detail.contains("NHM Data Portal") && detail.contains("VertNet"))
        }
    }

    @Test func aSourceThatKeepsFailingIsGivenUpSoPagingEnds() async throws {
        try await withRouterStack(configure: Self.noRetries) { simulator, gateway in
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .status, status: 500, count: 100))
            let (ids, _) = try await RecordsPagingTests.follow(gateway, [("genus", "Bufo"), ("limit", "1000")])
            #expect(Set(ids).count == 2_500)
            #expect(ids.allSatisfy { $0.hasPrefix("nhm:") })
        }
    }

    @Test func bothSourcesAreAskedConcurrently() async throws {
        let patient: (inout GatewayConfiguration) -> Void = { $0.upstream.timeout = 60 }
        try await withRouterStack(configure: patient) { simulator, gateway async throws in
            // each upstream holds its request: the page can only be answered if both were asked at once
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .hold, latencyMs: 60_000, count: 1))
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .hold, latencyMs: 60_000, count: 1))
            async let answer = gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10")])
            #expect(try await eventually(within: 40) { await simulator.state.heldCount == 2 })
            #expect(await simulator.state.releaseHeld() == 2)
            #expect(try await answer.status == 200)
            #expect(await simulator.state.requests().count == 2)
        }
    }
}
