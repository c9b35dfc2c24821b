import BioGatewayPacing
import Synchronization

/// Per-client GCRA state for a set of named budgets, bounded in memory.
///
/// State that is back to a full bucket is dropped (every `sweepInterval` seconds, and whenever the table
/// reaches `maximumClients`): as GCRA state, dropping it changes nothing. If the table is still full
/// after a sweep, the clients closest to a full bucket are dropped first; they come back with at most a
/// full bucket, never more.
public final class ClientRateLimiter: Sendable {
    private struct Table {
        var states: [String: [String: Double]] = [:]
        var lastSweep: Double = 0
        /// Requests allowed since the last ``takeUsage()``, per client and budget, with the budget's interval.
        var usage: [UsageKey: (count: Int, interval: Double)] = [:]
    }

    private struct UsageKey: Hashable {
        var client: String
        var budget: String
    }

    private let table = Mutex(Table())
    /// The most clients kept at once.
    public let maximumClients: Int
    private let sweepInterval: Double
    /// Whether allowed requests are gathered for ``takeUsage()`` (replicas that share budgets).
    public let recordsUsage: Bool

    public init(maximumClients: Int = 100_000, sweepInterval: Double = 60, recordsUsage: Bool = false) {
        self.maximumClients = maximumClients
        self.sweepInterval = sweepInterval
        self.recordsUsage = recordsUsage
    }

    /// Spends one request of `budget` (named `name`) for `client` at `now`.
    public func attempt(client: String, budget name: String, _ budget: GCRA, at now: Double) -> GCRA.Decision {
        self.table.withLock { table in self.attempt(client: client, budget: name, budget, at: now, in: &table) }
    }

    /// Spends one request of `budget` (named `name`) for `client` at `now`, and looks at another of its
    /// budgets (`other`) without spending from it: one lock for both, as every request needs (the response's
    /// `RateLimit` headers show whichever budget is nearer exhaustion).
    public func attempt(
        client: String,
        budget name: String,
        _ budget: GCRA,
        peeking other: String,
        _ otherBudget: GCRA,
        at now: Double
    ) -> (spent: GCRA.Decision, peeked: GCRA.Decision) {
        self.table.withLock { table in
            let spent = self.attempt(client: client, budget: name, budget, at: now, in: &table)
            return (spent, otherBudget.attempt(at: now, state: table.states[client]?[other]))
        }
    }

    private func attempt(client: String, budget name: String, _ budget: GCRA, at now: Double, in table: inout Table) -> GCRA.Decision {
        if now - table.lastSweep >= self.sweepInterval || table.states.count >= self.maximumClients {
            Self.sweep(&table, at: now, keepingAtMost: self.maximumClients - 1)
        }
        let decision = budget.attempt(at: now, state: table.states[client]?[name])
        if decision.allowed {
            table.states[client, default: [:]][name] = decision.state
            if self.recordsUsage {
                table.usage[UsageKey(client: client, budget: name), default: (0, budget.emissionInterval)].count += 1
            }
        }
        return decision
    }

    /// The requests allowed since the last call, per client and budget (with ``recordsUsage``).
    public func takeUsage() -> [BudgetUsage] {
        self.table.withLock { table in
            defer { table.usage = [:] }
            return table.usage.map { BudgetUsage(client: $0.key.client, budget: $0.key.budget, count: $0.value.count, interval: $0.value.interval) }
        }
    }

    /// Spends from clients' budgets what other gateways allowed them: each request moves the client's state
    /// on by the budget's interval, as if it had been allowed here.
    public func charge(_ usage: [BudgetUsage], at now: Double) {
        guard !usage.isEmpty else { return }
        self.table.withLock { table in
            for used in usage where used.count > 0 {
                let state = max(table.states[used.client]?[used.budget] ?? now, now)
                table.states[used.client, default: [:]][used.budget] = state + Double(used.count) * used.interval
            }
        }
    }

    /// How many clients have state.
    public var trackedClients: Int { self.table.withLock { $0.states.count } }

    private static func sweep(_ table: inout Table, at now: Double, keepingAtMost limit: Int) {
        table.lastSweep = now
        table.states = table.states.filter { _, budgets in budgets.values.contains { $0 > now } }
        guard table.states.count > limit else { return }
        let byFullness = table.states.map { ($0.key, $0.value.values.max() ?? now) }.sorted { $0.1 < $1.1 }
        for (client, _) in byFullness.prefix(table.states.count - limit) { table.states[client] = nil }
    }
}
