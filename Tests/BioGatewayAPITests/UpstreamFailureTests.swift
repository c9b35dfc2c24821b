import BioGatewayAPI
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Upstream failures: a clear error, nothing cached")
struct UpstreamFailureTests {
    static let faults: [(SimulatorFault, Int)] = [
        (SimulatorFault(kind: .status, status: 500, count: 1), 502),
        (SimulatorFault(kind: .status, status: 503, count: 1), 502),
        (SimulatorFault(kind: .status, status: 429, retryAfter: 7, count: 1), 503),
        (SimulatorFault(kind: .truncated, count: 1), 502),
        (SimulatorFault(kind: .garbage, count: 1), 502),
        // a valid envelope whose records are not records is not an answer either, and is never stored
        (SimulatorFault(kind: .junk, count: 1), 502),
        (SimulatorFault(kind: .reset, count: 1), 502),
    ]

    @Test(arguments: Self.faults)
    func failuresAreReportedAndNotStored(_ fault: SimulatorFault, _ expectedStatus: Int) async throws {
        let noRetries: (inout GatewayConfiguration) -> Void = { $0.upstream.retries = 0 }
        let clock = SkippingClock()
        try await withRouterStack(configure: noRetries, clock: clock.gatewayClock) { simulator, gateway in
            for (path, query) in [
                (nhmPath, [("resource_id", specimens), ("q", "salmo")]),
                (vertnetPath, [("q", #"{"q":"genus:puma","l":5}"#)]),
            ] {
                await simulator.state.inject(fault)
                let failed = try await gateway.get(path, query: query)
                #expect(failed.status == expectedStatus)
                #expect(failed.header("content-type") == "application/problem+json")
                let problem = try failed.json()
                #expect(problem["upstream"]?.stringValue != nil)
                #expect(problem["detail"]?.stringValue?.isEmpty == false)
                #expect(failed.header("cache-status")?.contains("fwd=miss") == true)
                if fault.status == 429 {
                    #expect(failed.header("retry-after") == "7")
                    clock.advance(by: 7)  // the pause the 429 asked for is over
                }

                let retried = try await gateway.get(path, query: query)
                #expect(retried.status == 200)
                #expect(retried.header("cache-status") == "BioGateway; fwd=miss; stored")
            }
            #expect(await simulator.calls(.nhm) == 2)
            #expect(await simulator.calls(.vertnet) == 2)
        }
    }

    @Test func aSlowUpstreamIsA504AndNothingIsStored() async throws {
        try await withSimulator { simulator async throws in
            let configure: (inout GatewayConfiguration) -> Void = {
                $0.upstream.timeout = 3
                $0.upstream.retries = 0
            }
            try await withGateway(upstreamURL: simulator.baseURL, configure: configure) { gateway in
                // the upstream holds the request until the test lets it go, so only the gateway's deadline can end it
                await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .hold, count: 1))
                let query = [("q", #"{"q":"genus:puma","l":5}"#)]
                let slow = try await gateway.get(vertnetPath, query: query)
                #expect(await simulator.state.releaseHeld() == 1, "the gateway answered while the upstream still held the request")
                #expect(slow.status == 504)
                #expect(slow.header("content-type") == "application/problem+json")
                #expect(slow.header("cache-status") == "BioGateway; fwd=miss; detail=timeout")
                #expect(try await gateway.get(vertnetPath, query: query).header("cache-status") == "BioGateway; fwd=miss; stored")
            }
        }
    }

    @Test func anUpstreamTricklingItsBodyIsCutAtTheDeadlineAndFreesItsSlot() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.upstream.timeout = 2
            $0.upstream.retries = 0
            $0.upstream.nhmMaxConcurrent = 1
        }
        try await withRouterStack(configure: configure) { simulator, gateway in
            // the head comes at once, then one byte a second: only a deadline over the whole exchange ends it
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .trickle, count: 1))
            let query = [("resource_id", specimens), ("q", "salmo"), ("limit", "20")]
            let slow = try await gateway.get(nhmPath, query: query)
            #expect(slow.status == 504)
            #expect(slow.header("cache-status") == "BioGateway; fwd=miss; detail=timeout")
            // the one NHM slot is free again, and nothing was stored
            #expect(try await gateway.get(nhmPath, query: [("resource_id", specimens), ("q", "bufo")]).status == 200)
            #expect(try await gateway.get(nhmPath, query: query).header("cache-status") == "BioGateway; fwd=miss; stored")
        }
    }

    @Test func unreachableUpstreamIsA502() async throws {
        try await withRefusingLoopbackPort { port in
            try await withGateway(upstreamURL: "http://127.0.0.1:\(port)") { gateway in
                let response = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:puma"}"#)])
                #expect(response.status == 502)
                #expect(response.header("content-type") == "application/problem+json")
                #expect(response.header("cache-status") == "BioGateway; fwd=miss; detail=connection-failed")
            }
        }
    }

    @Test func upstreamValidationErrorsArePassedThroughButNotStored() async throws {
        try await withRouterStack { simulator, gateway async throws in
            for _ in 0..<2 {
                let response = try await gateway.get(nhmPath, query: [("resource_id", "not-a-datastore-resource")])
                #expect(response.status == 409)
                #expect(try response.json()["error"]?["resource_id"] == ["No resource IDs are datastore resources"])
                #expect(response.header("cache-status") == "BioGateway; fwd=miss; fwd-status=409")
            }
            #expect(await simulator.calls(.nhm) == 2)
        }
    }
}
