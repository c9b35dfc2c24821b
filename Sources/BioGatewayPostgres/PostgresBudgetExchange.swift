import BioGatewayPacing
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Client budgets shared by the gateways on one PostgreSQL database: each gateway writes what it allowed
/// each client (``BudgetUsage``) and reads what the others allowed, every second or so (see
/// `SharedClientBudgets` in the API). Rows older than five minutes are deleted as they go.
package final class PostgresBudgetExchange: Sendable {
    let client: PostgresClient
    let holder: String
    let breaker: StoreBreaker
    let logger: Logger
    let replicas: ReplicaCount
    /// The last row read (nil before the first exchange: the history before this gateway started is not
    /// charged to anyone).
    private let lastSeen = Mutex<Int?>(nil)

    init(client: PostgresClient, holder: String, breaker: StoreBreaker, replicas: ReplicaCount, logger: Logger) {
        self.client = client
        self.holder = holder
        self.breaker = breaker
        self.replicas = replicas
        self.logger = logger
    }

    /// The gateways seen alive in the last 15 s (at least 1).
    package var gateways: Int { self.replicas.value.load(ordering: .relaxed) }

    /// Writes `mine` and returns what the other gateways allowed since the last exchange.
    package func exchange(_ mine: [BudgetUsage]) async throws -> [BudgetUsage] {
        let seen = self.lastSeen.withLock { $0 }
        let (others, last) = try await self.breaker.call(within: PostgresCacheStore.writeDeadline) {
            try await self.write(mine)
            return try await self.read(after: seen)
        }
        self.lastSeen.withLock { $0 = max($0 ?? last, last) }
        return seen == nil ? [] : others
    }

    private func write(_ usage: [BudgetUsage]) async throws {
        guard !usage.isEmpty else { return }
        let clients = usage.map(\.client)
        let budgets = usage.map(\.budget)
        let counts = usage.map(\.count)
        let intervals = usage.map(\.interval)
        try await self.client.query(
            """
            INSERT INTO client_usage (replica, client, budget, count, interval, at)
            SELECT \(self.holder), used.client, used.budget, used.count, used.interval, extract(epoch FROM clock_timestamp())
            FROM unnest(\(clients)::text[], \(budgets)::text[], \(counts)::bigint[], \(intervals)::float8[])
                AS used(client, budget, count, interval)
            """,
            logger: self.logger
        )
    }

    /// Rows of other gateways after `seen` (all rows' last id when `seen` is nil), and the last id read.
    private func read(after seen: Int?) async throws -> ([BudgetUsage], Int) {
        try await self.client.query(
            "DELETE FROM client_usage WHERE at < extract(epoch FROM clock_timestamp()) - 300",
            logger: self.logger
        )
        var last = seen ?? 0
        var others: [BudgetUsage] = []
        let rows = try await self.client.query(
            """
            SELECT id, replica, client, budget, count, interval FROM client_usage
            WHERE id > \(seen ?? 0) ORDER BY id
            """,
            logger: self.logger
        )
        for try await (id, replica, client, budget, count, interval) in rows.decode((Int, String, String, String, Int, Double).self) {
            last = id
            if replica != self.holder { others.append(BudgetUsage(client: client, budget: budget, count: count, interval: interval)) }
        }
        return (others, last)
    }
}
