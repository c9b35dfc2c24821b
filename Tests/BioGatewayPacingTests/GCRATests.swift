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
}
