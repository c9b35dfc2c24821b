import BioGatewayQuery
import BioGatewayTestSupport
import BioGatewayUpstream
import Testing

/// The gate on a manual clock: no sockets, no sleeps; time moves only when a test advances it.
@Suite("Upstream gate: queue, pacing, pauses, breaker")
struct UpstreamGateTests {
    let clock = SkippingClock(manual: true)

    func gate(_ limits: UpstreamLimits) -> UpstreamGate {
        UpstreamGate(source: .nhm, limits: limits, clock: self.clock.gatewayClock)
    }

    /// Generous pacing, so that only what a test is about holds requests back.
    static let unpaced = UpstreamLimits(maximumRate: 1_000, burst: 1_000, maximumConcurrent: 1, queueLimit: 10, queueTimeout: 30)

    @Test func waitersGetTheirTurnsInArrivalOrderAsTurnsAreGivenBack() async throws {
        let gate = self.gate(Self.unpaced)
        let first = try await gate.take()
        let order = Arrivals()
        var waiting: [Task<UpstreamGate.Turn, any Error>] = []
        for name in ["second", "third"] {
            waiting.append(
                Task {
                    let turn = try await gate.take()
                    await order.append(name)
                    return turn
                }
            )
            await until { await gate.snapshot.queueDepth == waiting.count }
        }
        #expect(await order.names.isEmpty)
        await gate.finish(first, failed: false)
        let second = try await waiting[0].value
        #expect(await order.names == ["second"])
        #expect(await gate.snapshot.queueDepth == 1)
        await gate.finish(second, failed: false)
        await gate.finish(try await waiting[1].value, failed: false)
        #expect(await order.names == ["second", "third"])
    }

    @Test func pacingStartsTheNextRequestWhenItsIntervalHasPassed() async throws {
        let gate = self.gate(UpstreamLimits(maximumRate: 1, burst: 1, maximumConcurrent: 5, queueLimit: 10, queueTimeout: 30))
        await gate.finish(try await gate.take(), failed: false)
        let next = Task { try await gate.take() }
        await until { await gate.snapshot.queueDepth == 1 && self.clock.sleeperCount == 1 }
        self.clock.advance(by: 0.5)
        // the timer woke, found the interval not yet over and sleeps again: the request still waits
        await until { self.clock.sleeperCount == 1 }
        #expect(await gate.snapshot.queueDepth == 1)
        self.clock.advance(by: 0.5)
        await gate.finish(try await next.value, failed: false)
        #expect(await gate.snapshot.queueDepth == 0)
    }

    @Test func aWaiterIsRefusedWhenItsQueueTimeoutPasses() async throws {
        let gate = self.gate(Self.unpaced)
        let held = try await gate.take()
        let waiter = Task { try await gate.take() }
        await until { await gate.snapshot.queueDepth == 1 && self.clock.sleeperCount == 1 }
        self.clock.advance(by: 30)
        await #expect(throws: UpstreamError.self) { try await waiter.value }
        #expect(await gate.snapshot.queueDepth == 0)
        await gate.finish(held, failed: false)
    }

    @Test func aFullQueueIsRefusedAtOnce() async throws {
        let gate = self.gate(UpstreamLimits(maximumRate: 1_000, burst: 1_000, maximumConcurrent: 1, queueLimit: 1, queueTimeout: 30))
        let held = try await gate.take()
        let waiter = Task { try await gate.take() }
        await until { await gate.snapshot.queueDepth == 1 }
        await #expect(throws: UpstreamError.self) { try await gate.take() }
        await gate.finish(held, failed: false)
        await gate.finish(try await waiter.value, failed: false)
    }

    @Test func aCancelledWaiterLeavesTheQueueAtOnce() async throws {
        let gate = self.gate(Self.unpaced)
        let held = try await gate.take()
        let waiter = Task { try await gate.take() }
        await until { await gate.snapshot.queueDepth == 1 }
        waiter.cancel()
        await #expect(throws: UpstreamError.self) { try await waiter.value }
        #expect(await gate.snapshot.queueDepth == 0)
        // its place is not kept: the next request after the held one starts at once
        await gate.finish(held, failed: false)
        await gate.finish(try await gate.take(), failed: false)
    }

    @Test func aPauseHoldsRequestsUntilItEndsAndOneLongerThanTheQueueTimeoutIsRefused() async throws {
        let gate = self.gate(UpstreamLimits(maximumRate: 1_000, burst: 1_000, maximumConcurrent: 5, queueLimit: 10, queueTimeout: 30))
        await gate.finish(try await gate.take(), failed: false, pauseFor: 10)
        let waiter = Task { try await gate.take() }
        await until { await gate.snapshot.queueDepth == 1 && self.clock.sleeperCount == 1 }
        self.clock.advance(by: 10)
        await gate.finish(try await waiter.value, failed: false, pauseFor: 60)
        await #expect(throws: UpstreamError.self) { try await gate.take() }
    }

    @Test func theBreakerOpensAfterTheThresholdLetsOneProbeThroughAfterTheCooldownAndClosesOnSuccess() async throws {
        let limits = UpstreamLimits(maximumRate: 1_000, burst: 1_000, maximumConcurrent: 5, breakerThreshold: 2, breakerCooldown: 30)
        let gate = self.gate(limits)
        await gate.finish(try await gate.take(), failed: true)
        await gate.finish(try await gate.take(), failed: true)
        #expect(await gate.snapshot.breaker == .open)
        await #expect(throws: UpstreamError.self) { try await gate.take() }
        self.clock.advance(by: 30)
        let probe = try await gate.take()
        // one probe at a time
        await #expect(throws: UpstreamError.self) { try await gate.take() }
        await gate.finish(probe, failed: false)
        #expect(await gate.snapshot.breaker == .closed)
        await gate.finish(try await gate.take(), failed: false)
    }

    @Test func aFailedProbeOpensTheBreakerAgain() async throws {
        let gate = self.gate(UpstreamLimits(maximumRate: 1_000, burst: 1_000, maximumConcurrent: 5, breakerThreshold: 1, breakerCooldown: 30))
        await gate.finish(try await gate.take(), failed: true)
        self.clock.advance(by: 30)
        await gate.finish(try await gate.take(), failed: true)
        #expect(await gate.snapshot.breaker == .open)
        await #expect(throws: UpstreamError.self) { try await gate.take() }
    }
}

/// The order in which waiters got their turns.
actor Arrivals {
    var names: [String] = []
    func append(_ name: String) { self.names.append(name) }
}

/// Waits, yielding to other tasks, until `condition` holds: for an event, not for an amount of time.
func until(_ condition: () async -> Bool) async {
    for _ in 0..<1_000_000 {
        if await condition() { return }
        await Task.yield()
    }
    Issue.record("the condition never held")
}
