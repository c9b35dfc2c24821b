import BioGatewayAPI
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("The NHM's fair-use terms and VertNet's empty failures")
struct FairUseTests {
    @Test func theNHMSeesOneRequestAtATimeWithADescriptiveUserAgent() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.upstream.nhmMaxConcurrent = GatewayConfiguration().upstream.nhmMaxConcurrent  // the default, not the test stack's
            $0.upstream.contact = "biodiversity-team@example.org"
        }
        try await withSimulator(latency: .milliseconds(50)) { simulator async throws in
            try await withGateway(upstreamURL: simulator.baseURL, configure: configure) { gateway async throws in
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for offset in 0..<6 {
                        group.addTask {
                            try await gateway.get(nhmPath, query: [("resource_id", specimens), ("q", "bufo"), ("offset", String(offset))]).status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 200, count: 6))
                _ = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:puma","l":1}"#)])
            }
            let requests = await simulator.state.requests()
            #expect(requests.count == 7)
            #expect(requests.allSatisfy { $0.userAgent == "BioGateway/0.2 (+biodiversity-team@example.org)" })
            // each NHM request arrived after the one before it was answered
            let nhm = await simulator.state.requests(source: .nhm).sorted { $0.receivedAt < $1.receivedAt }
            for (earlier, later) in zip(nhm, nhm.dropFirst()) {
                #expect(later.receivedAt >= earlier.finishedAt ?? .distantFuture)
            }
        }
    }

    @Test func aContactMustBeAURLOrAnEmail() throws {
        for good in ["https://example.org/team", "someone@example.org"] {
            #expect(try GatewayConfiguration.load(flags: ["biogateway.contact": good], environment: [:]).upstream.contact == good)
        }
        for bad in ["team", "ftp://example.org", "a b@example.org", "x@y) evil"] {
            #expect(throws: GatewayConfiguration.InvalidSetting.self) {
                try GatewayConfiguration.load(flags: ["biogateway.contact": bad], environment: [:])
            }
        }
    }

    @Test func anEmptyVertNetAnswerIsAskedOnceMoreBeforeItIsStored() async throws {
        try await withRouterStack { simulator, gateway in
            // VertNet's backend failed once and said so with an empty result: the second try has the records
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .empty, count: 1))
            let query = [("q", #"{"q":"genus:puma","l":5}"#)]
            let answer = try await gateway.get(vertnetPath, query: query)
            #expect(try answer.json()["recs"]?.arrayValue?.count == 5)
            #expect(await simulator.calls(.vertnet) == 2)
            #expect(try await gateway.get(vertnetPath, query: query).header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            // a search that really matches nothing is asked twice, then stored as empty
            let nothing = [("q", #"{"q":"genus:nosuchgenus","l":5}"#)]
            #expect(try await gateway.get(vertnetPath, query: nothing).json()["recs"] == [])
            #expect(await simulator.calls(.vertnet) == 4)
            #expect(try await gateway.get(vertnetPath, query: nothing).header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            #expect(await simulator.calls(.vertnet) == 4)
        }
    }
}
