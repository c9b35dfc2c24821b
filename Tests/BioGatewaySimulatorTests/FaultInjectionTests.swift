import AsyncHTTPClient
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Simulator: fault injection")
struct FaultInjectionTests {
    let nhmPath = "/api/3/action/datastore_search?resource_id=\(SimulatorDataset.nhmSpecimenResourceID)&limit=2"

    @Test func statusFaultsWithRetryAfter() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .status, status: 429, retryAfter: 5, count: 1))
            let limited = try await client.request(self.nhmPath)
            #expect(limited.status == 429)
            #expect(limited.header("retry-after") == "5")
            #expect(try await client.request(self.nhmPath).status == 200)  // the fault was used up
        }
    }

    @Test func controlEndpointInjectsFaults() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let created = try await client.request(
                "/_simulator/faults",
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: #"{"source":"vertnet","kind":"status","status":503,"count":1}"#
            )
            #expect(created.status == 201)
            let failed = try await client.get("/api/search", query: [("q", #"{"q":"genus:puma"}"#)])
            #expect(failed.status == 503)
            let log = try await client.request("/_simulator/requests?source=vertnet").json()
            #expect(log["requests"]?.arrayValue?.count == 1)
        }
    }

    @Test func garbageTruncatedAndReset() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            await simulator.state.inject(SimulatorFault(kind: .garbage, count: 1))
            let garbage = try await client.request(self.nhmPath)
            #expect(garbage.status == 200)
            #expect((try? garbage.json()) == nil)

            await simulator.state.inject(SimulatorFault(kind: .truncated, count: 1))
            await #expect(throws: (any Error).self) { try await client.request(self.nhmPath) }

            await simulator.state.inject(SimulatorFault(kind: .reset, count: 1))
            await #expect(throws: (any Error).self) { try await client.request(self.nhmPath) }

            #expect(try await client.request(self.nhmPath).status == 200)
        }
    }

    @Test func latencyDelaysTheAnswerOnTheSimulatorsClock() async throws {
        let clock = SkippingClock(manual: true)
        try await withSimulator(clock: clock.gatewayClock) { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            await simulator.state.inject(SimulatorFault(kind: .latency, latencyMs: 300, count: 1))
            let answer = Task { try await client.request(self.nhmPath) }
            // the request waits on the simulator's clock, which stands still until the test moves it
            #expect(try await eventually { clock.sleeperCount == 1 })
            clock.advance(by: 0.25)
            // woken, it looked at the clock and went back to sleep: 250 ms is not long enough
            #expect(try await eventually { clock.sleeperCount == 1 })
            clock.advance(by: 0.1)
            #expect(try await answer.value.status == 200)
            // the fault was used up: the next answer does not wait
            #expect(try await client.request(self.nhmPath).status == 200)
        }
    }

    @Test func hugeHtmlAndRedirectAnswers() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            await simulator.state.inject(SimulatorFault(kind: .huge, count: 1, sizeBytes: 3 << 20))
            let huge = try await client.request(self.nhmPath)
            #expect(huge.status == 200)
            #expect(huge.body.count == 3 << 20)
            #expect(try huge.json()["success"] == true)

            await simulator.state.inject(SimulatorFault(kind: .html, count: 1))
            let html = try await client.request(self.nhmPath)
            #expect(html.header("content-type") == "text/html")
            #expect(html.text.contains("<script>"))
            #expect(try html.json()["success"] == true)

            await simulator.state.inject(SimulatorFault(kind: .redirect, count: 1))
            let redirect = try await client.request(self.nhmPath)
            #expect(redirect.status == 302)
            #expect(redirect.header("location")?.hasPrefix("http://attacker.invalid/") == true)
        }
    }

    @Test func anEndlessBodyKeepsComing() async throws {
        try await withSimulator { simulator async throws in
            await simulator.state.inject(SimulatorFault(kind: .endless, count: 1))
            var request = HTTPClientRequest(url: simulator.baseURL + self.nhmPath)
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)
            // read well past any answer the upstreams really give, then stop: the body has not ended
            var read = 0
            for try await chunk in response.body {
                read += chunk.readableBytes
                if read > 4 << 20 { break }
            }
            #expect(read > 4 << 20)
        }
    }
}
