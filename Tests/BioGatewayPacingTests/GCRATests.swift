import BioGatewayPacing
import Testing

@Suite("GCRA")
struct GCRATests {
    @Test func allowsTheBurstThenTheSustainedRate() {
        let budget = GCRA(limit: 60, window: 60, burst: 3)  // one a second, three at once
        var state: Double?
        for expectedRemaining in [2, 1, 0] {
            let decision = budget.attempt(at: 100, state: state)
            #expect(decision.allowed)
            #expect(decision.remaining == expectedRemaining)
            state = decision.state
        }
        let refused = budget.attempt(at: 100, state: state)
        #expect(!refused.allowed)
        #expect(refused.retryAfter == 1)
        #expect(refused.state == state)
        #expect(budget.attempt(at: 101, state: state).allowed)
        #expect(budget.isFull(state!, at: 103))
    }

    @Test func aForgottenStateIsAFullBucketNeverMore() {
        let budget = GCRA(limit: 10, window: 60)
        var state: Double?
        var allowed = 0
        while budget.attempt(at: 0, state: state).allowed {
            state = budget.attempt(at: 0, state: state).state
            allowed += 1
        }
        #expect(allowed == 10)
        var fresh: Double?
        var allowedFresh = 0
        while budget.attempt(at: 0, state: fresh).allowed {
            fresh = budget.attempt(at: 0, state: fresh).state
            allowedFresh += 1
        }
        #expect(allowedFresh == allowed)
    }

    @Test(arguments: [(5.0, 2), (3.0, 4), (7.0, 3), (0.1, 2)])
    func aFullBurstAtOneInstantIsNotLostToRounding(_ rate: Double, _ burst: Int) {
        // the upstream gates' pacing: one request per 1/rate seconds, `burst` at once, at an instant whose
        // sums do not come out exact in binary floating point
        let pacing = GCRA(limit: 1, window: 1 / rate, burst: burst)
        var state: Double?
        for _ in 0..<burst {
            let decision = pacing.attempt(at: 1_000, state: state)
            #expect(decision.allowed)
            state = decision.state
        }
        #expect(!pacing.attempt(at: 1_000, state: state).allowed)
        #expect(pacing.attempt(at: 1_000 + 1 / rate, state: state).allowed)
    }
}
