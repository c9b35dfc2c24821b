import BioGatewayPacing
import BioGatewayRateLimit
import Testing

@Suite("Client rate limiter")
struct ClientRateLimiterTests {
    @Test func memoryStaysBoundedUnderManyClients() {
        let limiter = ClientRateLimiter(maximumClients: 1_000, sweepInterval: 3_600)
        let budget = GCRA(limit: 600, window: 60)
        for client in 0..<50_000 {
            _ = limiter.attempt(client: "ip:\(client)", budget: "requests", budget, at: 10 + Double(client) / 1_000)
        }
        #expect(limiter.trackedClients <= 1_000)
    }

    @Test func idleClientsAreDroppedAndComeBackWithAtMostAFullBucket() {
        let limiter = ClientRateLimiter(maximumClients: 10, sweepInterval: 1)
        let budget = GCRA(limit: 5, window: 60)
        for _ in 0..<5 { #expect(limiter.attempt(client: "heavy", budget: "requests", budget, at: 0).allowed) }
        #expect(!limiter.attempt(client: "heavy", budget: "requests", budget, at: 0).allowed)
        // many other clients pass by; the heavy user's debt is not forgotten while it lasts
        for client in 0..<100 { _ = limiter.attempt(client: "other\(client)", budget: "requests", budget, at: 2) }
        #expect(!limiter.attempt(client: "heavy", budget: "requests", budget, at: 2).allowed)
        // once its bucket is full again, its state may go, and it gets exactly a full bucket
        var allowed = 0
        while limiter.attempt(client: "heavy", budget: "requests", budget, at: 200).allowed { allowed += 1 }
        #expect(allowed == 5)
    }

    @Test func spendingOneBudgetReadsTheOtherWithoutSpendingIt() {
        let limiter = ClientRateLimiter()
        let requests = GCRA(limit: 600, window: 60)
        let upstream = GCRA(limit: 3, window: 60)
        for _ in 0..<2 { #expect(limiter.attempt(client: "ip:a", budget: "upstream", upstream, at: 0).allowed) }
        for _ in 0..<5 {
            let (spent, peeked) = limiter.attempt(client: "ip:a", budget: "requests", requests, peeking: "upstream", upstream, at: 0)
            #expect(spent.allowed)
            // one upstream request left, however often it is looked at
            #expect(peeked.allowed && peeked.remaining == 0)
        }
        #expect(limiter.attempt(client: "ip:a", budget: "upstream", upstream, at: 0).allowed)
        #expect(!limiter.attempt(client: "ip:a", budget: "upstream", upstream, at: 0).allowed)
        // a client seen for the first time has a full bucket of the budget it did not spend
        let (_, fresh) = limiter.attempt(client: "ip:b", budget: "requests", requests, peeking: "upstream", upstream, at: 0)
        #expect(fresh.remaining == 2)
    }
}
