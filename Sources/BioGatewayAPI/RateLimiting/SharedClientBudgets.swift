import BioGatewayPostgres
import Logging
import ServiceLifecycle

/// Keeps one budget per client across the gateways of a PostgreSQL store: every second, writes what this
/// gateway allowed each client and charges what the others allowed to the client's budget here, and counts
/// the gateways (each lets a client burst only its share).
///
/// A client spreading requests over N gateways therefore gets its budget plus at most what the gateways
/// allow it in one exchange interval before they hear of each other (about N × its rate × 1 s), and each
/// gateway's burst is 1/N of the budget's. While PostgreSQL cannot be reached, each gateway keeps its own
/// share (a burst of 1/N, the full sustained rate).
struct SharedClientBudgets: Service {
    let limits: ClientRateLimits
    let exchange: PostgresBudgetExchange
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                if Task.isCancelled { break }
                let mine = self.limits.limiter.takeUsage()
                do {
                    let others = try await self.exchange.exchange(mine)
                    self.limits.limiter.charge(others, at: self.limits.now())
                    self.limits.share?.gateways = self.exchange.gateways
                    if failing { self.logger.notice("client budgets are shared with the other gateways again") }
                    failing = false
                } catch {
                    if !failing {
                        self.logger.warning(
                            "cannot share client budgets with the other gateways: each keeps its own share meanwhile",
                            metadata: ["error": "\(error)"]
                        )
                    }
                    failing = true
                }
            }
        }
    }
}
