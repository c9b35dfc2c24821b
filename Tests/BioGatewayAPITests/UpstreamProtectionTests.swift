import BioGatewayAPI
import BioGatewayPacing
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Upstream protection: pacing, pauses, retries, circuit breaker")
struct UpstreamProtectionTests {
    func nhmQuery(_ number: Int) -> [(String, String)] {
        [("resource_id", specimens), ("q", "bufo"), ("limit", "3"), ("offset", String(number))]
    }

    /// How many requests wait in the gateway's queue for NHM.
    func nhmQueueDepth(_ gateway: GatewayClient) async throws -> Int? {
        try await gateway.request("/v1/sources").json()["sources"]?["nhm"]?["queueDepth"]?.integerValue.map(Int.init)
    }

    @Test func concurrentMissesArePacedAndLimited() async throws {
        // the gateway's clock stands still: a request can only start when the test moves it
        let clock = SkippingClock(manual: true)
        try await withSimulator(latency: .milliseconds(20)) { simulator async throws in
            let configure: (inout GatewayConfiguration) -> Void = {
                $0.upstream.nhmMaxRPS = 5
                $0.upstream.nhmMaxConcurrent = 2
            }
            try await withGateway(upstreamURL: simulator.baseURL, configure: configure, clock: clock.gatewayClock) { gateway async throws in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for number in 0..<30 { group.addTask { try await gateway.get(nhmPath, query: self.nhmQuery(number)).status } }
                    do {
                        try await self.expectOneStartPerStep(clock: clock, simulator: simulator, gateway: gateway)
                    } catch {
                        // the waiting requests reach their queue timeout, so that the test ends instead of waiting
                        // on a clock that stands still
                        clock.advance(by: 3_600)
                        throw error
                    }
                    let statuses = try await group.reduce(into: [Int]()) { $0.append($1) }
                    #expect(statuses.count == 30 && statuses.allSatisfy { $0 == 200 })
                }
            }
            #expect(await simulator.state.maximumInFlight <= 2)
        }
    }

    /// GCRA at 5/s with a burst of 2: two of the 30 go at once, the other 28 wait their turn; then exactly one
    /// more each fifth of a second (a hair more, so that rounding cannot hold one back).
    func expectOneStartPerStep(clock: SkippingClock, simulator: SimulatorHandle, gateway: GatewayClient) async throws {
        func require(_ step: String, _ condition: () async -> Bool) async throws {
            if try await eventually(condition) { return }
            let waiting = String(describing: try? await self.nhmQueueDepth(gateway))
            let sent = await simulator.calls(.nhm)
            try #require(Bool(false), "\(step): \(sent) sent, \(waiting) waiting")
        }
        try await require("the burst") { await simulator.calls(.nhm) == 2 }
        try await require("the queue") { (try? await self.nhmQueueDepth(gateway)) == 28 }
        for started in 3...30 {
            clock.advance(by: 0.2001)
            try await require("step \(started - 2)") { await simulator.calls(.nhm) == started }
        }
    }

    /// A gateway (on a clock the test moves) whose first NHM request was answered 429 with `Retry-After:
    /// retryAfter`; the body gets the clock, the simulator, the gateway and the gateway's answer to it.
    func withNHMAnswering429(
        retryAfter: Int,
        maximumPause: Int,
        queueTimeout: Int,
        _ body: @escaping @Sendable (SkippingClock, SimulatorHandle, GatewayClient, TestResponse) async throws -> Void
    ) async throws {
        let clock = SkippingClock()
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.upstream.maxPause = maximumPause
            $0.upstream.queueTimeout = queueTimeout
        }
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway async throws in
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .status, status: 429, retryAfter: retryAfter, count: 1))
            try await body(clock, simulator, gateway, try await gateway.get(nhmPath, query: self.nhmQuery(0)))
        }
    }

    @Test func anUpstream429PausesAllTrafficToIt() async throws {
        // a pause far longer than any slow run, that ends when the test moves the clock past it
        try await self.withNHMAnswering429(retryAfter: 900, maximumPause: 3_600, queueTimeout: 3_600) {
            clock,
            simulator,
            gateway,
            limited async throws in
            #expect(limited.status == 503)
            #expect(limited.header("retry-after") == "900")
            let sources = try await gateway.request("/v1/sources").json()
            #expect(sources["sources"]?["nhm"]?["pausedUntil"]?.stringValue != nil)
            // VertNet is not paused
            #expect(try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:puma","l":1}"#)]).status == 200)
            // NHM requests wait for the pause to end: none is sent before the clock passes it
            try await withThrowingTaskGroup(of: Int.self) { group in
                for number in 1...3 { group.addTask { try await gateway.get(nhmPath, query: self.nhmQuery(number)).status } }
                try #require(try await eventually { (try? await self.nhmQueueDepth(gateway)) == 3 })
                #expect(await simulator.calls(.nhm) == 1)
                clock.advance(by: 900)
                let waited = try await group.reduce(into: [Int]()) { $0.append($1) }
                #expect(waited == [200, 200, 200])
            }
            #expect(await simulator.calls(.nhm) == 4)
        }
    }

    @Test func anAbsurdRetryAfterPausesNoLongerThanTheMaximumPause() async throws {
        try await self.withNHMAnswering429(retryAfter: 999_999_999, maximumPause: 120, queueTimeout: 1) {
            clock,
            simulator,
            gateway,
            limited async throws in
            #expect(limited.status == 503)
            #expect(limited.header("retry-after") == "120")
            #expect(try limited.json()["detail"]?.stringValue?.contains("999999999") == false)
            // still paused a little later (the queue timeout is shorter than the pause: refused at once)
            clock.advance(by: 100)
            #expect(try await gateway.get(nhmPath, query: self.nhmQuery(1)).status == 503)
            #expect(await simulator.calls(.nhm) == 1)
            // and no longer once the capped pause is over
            clock.advance(by: 21)
            #expect(try await gateway.get(nhmPath, query: self.nhmQuery(1)).status == 200)
            #expect(await simulator.calls(.nhm) == 2)
        }
    }

    @Test func retriesFailuresThatMaySucceedAndNothingElse() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let retried: [SimulatorFault] = [
                SimulatorFault(source: "nhm", kind: .status, status: 503, count: 1),
                SimulatorFault(source: "nhm", kind: .reset, count: 1),
                SimulatorFault(source: "nhm", kind: .status, status: 502, count: 2),
            ]
            var expectedCalls = 0
            for (index, fault) in retried.enumerated() {
                await simulator.state.inject(fault)
                let response = try await gateway.get(nhmPath, query: self.nhmQuery(index))
                #expect(response.status == 200)
                #expect(response.header("cache-status") == "BioGateway; fwd=miss; stored")
                expectedCalls += 1 + (fault.count ?? 1)
                #expect(await simulator.calls(.nhm) == expectedCalls)
            }
            // a 400 and a 409 are answers, not failures: passed on once
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .status, status: 400, count: 1))
            #expect(try await gateway.get(nhmPath, query: self.nhmQuery(10)).status == 400)
            #expect(try await gateway.get(nhmPath, query: [("resource_id", "not-a-datastore-resource")]).status == 409)
            #expect(await simulator.calls(.nhm) == expectedCalls + 2)
            // three failures in a row (the first try and two retries) end as a 502
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .status, status: 503, count: 3))
            #expect(try await gateway.get(nhmPath, query: self.nhmQuery(11)).status == 502)
            #expect(await simulator.calls(.nhm) == expectedCalls + 5)
        }
    }

    @Test func theBreakerOpensAnswersWithoutTheUpstreamAndClosesAfterAProbe() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.upstream.breakerThreshold = 3
            $0.upstream.breakerCooldown = 6
            $0.upstream.retries = 0
        }
        let clock = SkippingClock()
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway async throws in
            func query(_ genus: String) -> [(String, String)] { [("q", #"{"q":"genus:\#(genus)","l":1}"#)] }
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .status, status: 500, count: 3))
            for genus in ["puma", "bufo", "junco"] {
                #expect(try await gateway.get(vertnetPath, query: query(genus)).status == 502)
            }
            // the open breaker answers by itself: the upstream would hold the request until released, so an
            // answer that waited behind it could not arrive before the release below
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .hold, count: 1))
            let open = try await gateway.get(vertnetPath, query: query("ochotona"))
            #expect(open.status == 503)
            #expect(try open.json()["type"] == "urn:biogateway:problem:upstream-circuit-open")
            // the seconds left of the 6 s cooldown, rounded up
            #expect(open.header("retry-after").flatMap(Int.init).map { (1...6).contains($0) } == true)
            #expect(await simulator.state.pendingFaults.count == 1, "the held request never reached the upstream")
            #expect(await simulator.calls(.vertnet) == 3)
            #expect(await simulator.state.heldCount == 0)
            await simulator.state.clearFaults()
            #expect(try await gateway.request("/v1/sources").json()["sources"]?["vertnet"]?["state"] == "open")
            // NHM has its own breaker
            #expect(try await gateway.get(nhmPath, query: self.nhmQuery(0)).status == 200)

            // after the cooldown one probe goes through and, answered, closes the breaker
            clock.advance(by: 6)
            #expect(try await gateway.request("/v1/sources").json()["sources"]?["vertnet"]?["state"] == "half-open")
            #expect(try await gateway.get(vertnetPath, query: query("ochotona")).status == 200)
            #expect(await simulator.calls(.vertnet) == 4)
            let sources = try await gateway.request("/v1/sources").json()
            #expect(sources["sources"]?["vertnet"]?["state"] == "closed")
            #expect(sources["sources"]?["vertnet"]?["baseUrl"]?.stringValue == simulator.baseURL)
            #expect(sources["sources"]?["vertnet"]?["recentErrorRate"]?.doubleValue == 0.75)
        }
    }

    @Test func aFullQueueAnswersAtOnceWithAStaleEntryOr503() async throws {
        let clock = ManualClock()
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.upstream.nhmMaxConcurrent = 1
            $0.upstream.queue = 1
            $0.cache.ttl = 60
            $0.cache.staleWhileRevalidate = 0
            $0.upstream.timeout = 30
        }
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway async throws in
            _ = try await gateway.get(nhmPath, query: self.nhmQuery(2))
            clock.advance(by: 120)
            // the first request holds NHM's one slot until the upstream lets it go; each step waits until the state it sets up is
            // reached (the upstream has the first request; the gateway's queue holds the second) rather than
            // sleeping a fixed time, which a loaded machine can outrun or reorder
            await simulator.state.inject(SimulatorFault(source: "nhm", kind: .hold, latencyMs: 25_000, count: 1))
            async let first = gateway.get(nhmPath, query: self.nhmQuery(0))  // in flight
            #expect(try await eventually { await simulator.calls(.nhm) == 2 })
            async let second = gateway.get(nhmPath, query: self.nhmQuery(1))  // waiting in the queue
            #expect(
                try await eventually {
                    (try? await gateway.request("/v1/sources").json()["sources"]?["nhm"]?["queueDepth"]?.integerValue) == 1
                }
            )
            let refused = try await gateway.get(nhmPath, query: self.nhmQuery(3))
            #expect(refused.status == 503)
            #expect(try refused.json()["type"] == "urn:biogateway:problem:upstream-busy")
            let stale = try await gateway.get(nhmPath, query: self.nhmQuery(2))
            #expect(stale.status == 200)
            #expect(stale.header("cache-status")?.contains("stale") == true)
            #expect(await simulator.state.releaseHeld() == 1)
            #expect(try await first.status == 200)
            #expect(try await second.status == 200)
        }
    }
}
