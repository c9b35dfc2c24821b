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
}
