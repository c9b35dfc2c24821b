import BioGatewayCache
import BioGatewayQuery
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The cache's store on PostgreSQL: one database that several gateways share, so that an answer one
/// replica fetched is a hit on every other, a purge on one reaches all, and a cursor signed by one is
/// honoured by all (the signing secret is a row).
///
/// - Every write transaction first takes one transaction-scoped advisory lock
///   (``PostgresCacheStore/writeLock``): writes are serialised across the cluster, as SQLite serialises
///   them in one file, so the size bound and LRU eviction are exact and pending counters are counted once.
///   Writes are misses, purges and the batched access times and counters, never hits.
/// - Every change to entries is announced with `NOTIFY` (``ChangeNotice``) in its transaction, so other
///   replicas' memory tiers forget what changed as soon as it commits.
/// - The schema is migrated under another advisory lock: replicas starting together migrate once.
package final class PostgresCacheStore: CacheStore {
    let client: PostgresClient
    let running: Task<Void, Never>
    let logger: Logger
    /// This process's name in change notices (its own notices are not followed), claims and upstream slots.
    let origin: String
    /// The upstreams' pace and concurrency for every gateway on this database.
    package let admission: PostgresUpstreamAdmission
    /// Bounds every call, and stops calling for a moment after the server was found unreachable.
    let breaker = StoreBreaker()
    /// The client budgets every gateway on this database shares.
    package let budgets: PostgresBudgetExchange

    /// The advisory lock every write transaction takes.
    static let writeLock: Int64 = 0x6269_6f67_6174_6501
    /// The advisory lock the schema migration takes.
    static let migrationLock: Int64 = 0x6269_6f67_6174_6502
    /// The migrations a database on the current schema has applied.
    package static var schemaVersions: [Int] { Array(1...PostgresSchema.migrations.count) }

    /// Seconds a read (or a small write) may take before the store is taken for unreachable.
    static let readDeadline = 3.0
    /// Seconds a write transaction may take (it may wait for other gateways' writes).
    static let writeDeadline = 15.0
    /// The `LISTEN`/`NOTIFY` channel of change notices.
    static let channel = "biogateway_cache"

    /// Connects to the database `location` names, starts the connection pool and brings the schema up to
    /// date.
    package init(location: PostgresLocation, logger: Logger) async throws {
        self.client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: logger)
        let client = self.client
        self.running = Task { await client.run() }
        self.logger = logger
        let origin = UUID().uuidString
        self.origin = origin
        do {
            try await PostgresSchema.migrate(self.client, lock: Self.migrationLock, logger: logger)
        } catch {
            self.running.cancel()
            throw error
        }
        self.admission = PostgresUpstreamAdmission(client: client, holder: origin, breaker: self.breaker, logger: logger)
        self.budgets = PostgresBudgetExchange(
            client: client,
            holder: origin,
            breaker: self.breaker,
            replicas: self.admission.replicas,
            logger: logger
        )
    }

    package func row(forKey key: String) async throws -> (entry: CacheEntryRecord, body: Data?)? {
        try await self.breaker.call(within: Self.readDeadline) {
            let rows = try await self.client.query(
                """
                SELECT e.key, e.source, e.canonical_query, e.status, e.content_type, e.record_count, e.coding, e.body_length,
                       e.body_sha256, e.identity_length, e.entry_bytes, e.stored_at, e.last_access, e.immutable, b.body
                FROM cache_entry e LEFT JOIN cache_body b ON b.key = e.key WHERE e.key = \(key)
                """,
                logger: self.logger
            )
            for try await row in rows {
                return try Self.entry(row)
            }
            return nil
        }
    }

    static func entry(_ row: PostgresRow) throws -> (entry: CacheEntryRecord, body: Data?) {
        let (key, source, query, status, contentType, recordCount, coding, bodyLength) =
            try row.decode((String, String, String, Int, String, Int?, String, Int).self)
        let cells = row.makeRandomAccess()
        let entry = CacheEntryRecord(
            key: key,
            source: source,
            canonicalQuery: query,
            status: status,
            contentType: contentType,
            recordCount: recordCount,
            coding: coding,
            bodyLength: bodyLength,
            bodySha256: try cells[8].decode(String.self),
            identityLength: try cells[9].decode(Int.self),
            entryBytes: try cells[10].decode(Int.self),
            storedAt: try cells[11].decode(Double.self),
            lastAccess: try cells[12].decode(Double.self),
            immutable: try cells[13].decode(Bool.self)
        )
        return (entry, try cells[14].decode(Data?.self))
    }

    package func replace(_ entry: CachedResponse, toFit maximumBytes: Int, pending: PendingWrites, day: String) async throws -> [String] {
        let row = CacheEntryRecord(entry)
        return try await self.withPendingWrites(pending, day: day) { connection in
            try await connection.query("DELETE FROM cache_entry WHERE key = \(row.key)", logger: self.logger)
            try await connection.query(
                """
                INSERT INTO cache_entry (key, source, canonical_query, status, content_type, record_count, coding, body_length,
                    body_sha256, identity_length, entry_bytes, stored_at, last_access, immutable)
                VALUES (\(row.key), \(row.source), \(row.canonicalQuery), \(row.status), \(row.contentType), \(row.recordCount),
                    \(row.coding), \(row.bodyLength), \(row.bodySha256), \(row.identityLength), \(row.entryBytes), \(row.storedAt),
                    \(row.lastAccess), \(row.immutable))
                """,
                logger: self.logger
            )
            try await connection.query("INSERT INTO cache_body (key, body) VALUES (\(row.key), \(entry.storedBody))", logger: self.logger)
            let evicted = try await self.evict(connection, toFit: maximumBytes)
            try await self.announce(ChangeNotice(origin: self.origin, change: .replaced(row.key)), connection)
            for key in evicted { try await self.announce(ChangeNotice(origin: self.origin, change: .replaced(key)), connection) }
            return evicted
        }
    }

    /// Deletes least recently used entries until the total is within `maximumBytes`; returns their keys.
    func evict(_ connection: PostgresConnection, toFit maximumBytes: Int) async throws -> [String] {
        var total = 0
        for try await bytes in try await connection.query("SELECT bytes FROM cache_size WHERE id = 1", logger: self.logger).decode(Int.self) {
            total = bytes
        }
        var victims: [String] = []
        while total > maximumBytes {
            let batch = try await connection.query(
                "SELECT key, entry_bytes FROM cache_entry ORDER BY last_access, stored_at LIMIT 100",
                logger: self.logger
            )
            var chosen: [String] = []
            for try await (key, bytes) in batch.decode((String, Int).self) where total > maximumBytes {
                chosen.append(key)
                total -= bytes
            }
            if chosen.isEmpty { break }
            try await connection.query("DELETE FROM cache_entry WHERE key = ANY(\(chosen))", logger: self.logger)
            victims += chosen
        }
        if !victims.isEmpty { try await self.add([.eviction: victims.count], connection, day: nil) }
        return victims
    }

    package func delete(_ scope: PurgeScope, pending: PendingWrites, day: String) async throws -> PurgeOutcome {
        try await self.withPendingWrites(pending, day: day) { connection in
            let deleted: PostgresRowSequence =
                switch scope {
                case .everything:
                    try await connection.query("WITH gone AS (DELETE FROM cache_entry RETURNING 1) SELECT count(*) FROM gone", logger: self.logger)
                case .source(let source):
                    try await connection.query(
                        "WITH gone AS (DELETE FROM cache_entry WHERE source = \(source.rawValue) RETURNING 1) SELECT count(*) FROM gone",
                        logger: self.logger
                    )
                case .key(let key):
                    try await connection.query(
                        "WITH gone AS (DELETE FROM cache_entry WHERE key = \(key) RETURNING 1) SELECT count(*) FROM gone",
                        logger: self.logger
                    )
                }
            var count = 0
            for try await value in deleted.decode(Int.self) { count = value }
            var after = 0
            for try await value in try await connection.query(
                "UPDATE cache_generation SET value = value + 1 WHERE id = 1 RETURNING value",
                logger: self.logger
            ).decode(Int.self) {
                after = value
            }
            try await self.announce(ChangeNotice(origin: self.origin, change: .purged(scope)), connection)
            return PurgeOutcome(deleted: count, generationBefore: after - 1, generationAfter: after)
        }
    }

    package func flush(_ pending: PendingWrites, day: String) async throws {
        try await self.withPendingWrites(pending, day: day) { _ in }
    }

    package func totals(pending: PendingWrites, day: String) async throws -> StoredTotals {
        try await self.withPendingWrites(pending, day: day) { connection in
            var totals = StoredTotals(counters: [:], entries: 0, bytes: 0, bodyBytes: 0, identityBytes: 0, oldest: nil, sources: [:])
            totals.counters = try await self.counters(connection)
            let sums = try await connection.query(
                """
                SELECT count(*), COALESCE(sum(entry_bytes), 0)::bigint, COALESCE(sum(body_length), 0)::bigint,
                       COALESCE(sum(identity_length), 0)::bigint, min(stored_at)
                FROM cache_entry
                """,
                logger: self.logger
            )
            for try await (entries, bytes, body, identity, oldest) in sums.decode((Int, Int, Int, Int, Double?).self) {
                (totals.entries, totals.bytes, totals.bodyBytes, totals.identityBytes, totals.oldest) = (entries, bytes, body, identity, oldest)
            }
            let sources = try await connection.query(
                "SELECT source, count(*), sum(entry_bytes)::bigint FROM cache_entry GROUP BY source",
                logger: self.logger
            )
            for try await (source, entries, bytes) in sources.decode((String, Int, Int).self) {
                totals.sources[source] = CacheStatistics.SourceShare(entries: entries, bytes: bytes)
            }
            return totals
        }
    }

    package func history(from firstDay: String, pending: PendingWrites, day: String) async throws -> StoredHistory {
        try await self.withPendingWrites(pending, day: day) { connection in
            var history = StoredHistory(days: [:], totals: [:], createdAt: nil)
            let rows = try await connection.query(
                "SELECT day, name, value FROM cache_daily_counter WHERE day >= \(firstDay)",
                logger: self.logger
            )
            for try await (day, name, value) in rows.decode((String, String, Int).self) {
                history.days[day, default: [:]][name] = value
            }
            history.totals = try await self.counters(connection)
            let created = try await connection.query("SELECT value FROM cache_info WHERE name = 'created_at'", logger: self.logger)
            for try await value in created.decode(String.self) { history.createdAt = Double(value) }
            return history
        }
    }

    func counters(_ connection: PostgresConnection) async throws -> [String: Int] {
        var counters: [String: Int] = [:]
        for try await (name, value) in try await connection.query("SELECT name, value FROM cache_counter", logger: self.logger).decode(
            (String, Int).self
        ) {
            counters[name] = value
        }
        return counters
    }

    package func generation() async throws -> Int {
        try await self.breaker.call(within: Self.readDeadline) {
            try await self.single("SELECT value FROM cache_generation WHERE id = 1") ?? 0
        }
    }

    package func keys() async throws -> [String] {
        try await self.breaker.call(within: Self.writeDeadline) {
            var keys: [String] = []
            for try await key in try await self.client.query("SELECT key FROM cache_entry", logger: self.logger).decode(String.self) {
                keys.append(key)
            }
            return keys
        }
    }

    package func count() async throws -> Int {
        try await self.breaker.call(within: Self.readDeadline) {
            try await self.single("SELECT count(*) FROM cache_entry") ?? 0
        }
    }

    /// PostgreSQL checks its own pages; this checks the size the bound is kept against matches the entries.
    package func integrityCheck() async throws -> String {
        let mismatch: Int =
            try await self.single(
                "SELECT (SELECT bytes FROM cache_size WHERE id = 1) - (SELECT COALESCE(sum(entry_bytes), 0)::bigint FROM cache_entry)"
            ) ?? 0
        return mismatch == 0 ? "ok" : "the kept total size is \(mismatch) bytes off the entries' sum"
    }

    package func secret(named name: String, generate: @Sendable () -> Data) async throws -> Data {
        let candidate = generate()
        return try await self.breaker.call(within: Self.writeDeadline) {
            // the first replica to ask creates it; every other reads that one
            try await self.client.query(
                "INSERT INTO gateway_secret (name, value) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING",
                logger: self.logger
            )
            for try await value in try await self.client.query("SELECT value FROM gateway_secret WHERE name = \(name)", logger: self.logger)
                .decode(Data.self)
            {
                return value
            }
            throw PostgresStoreError("the secret \(name) was not kept")
        }
    }

    package func checkWritable() async throws {
        try await self.breaker.call(within: Self.readDeadline) {
            _ = try await self.client.withTransaction(logger: self.logger) { connection in
                try await connection.query("DELETE FROM readiness_probe", logger: self.logger)
                try await connection.query("INSERT INTO readiness_probe (checked_at) VALUES (\(Date().timeIntervalSince1970))", logger: self.logger)
            }
        }
    }

    package func compact() async throws {
        try await self.client.query("VACUUM cache_entry", logger: self.logger)
        try await self.client.query("VACUUM cache_body", logger: self.logger)
    }

    package func close() async throws {
        self.admission.stop()
        self.running.cancel()
    }

    /// Follows the change notices of other processes until cancelled (or the connection is lost: it then
    /// throws, and the caller starts again after emptying its memory, since notices may have been missed).
    package func followChanges(onListening: @escaping @Sendable () -> Void, onChange: @escaping @Sendable (StoreChange) -> Void) async throws {
        try await self.client.withConnection { connection in
            try await connection.listen(on: Self.channel) { notices in
                onListening()
                for try await notice in notices {
                    guard let change = ChangeNotice(payload: notice.payload), change.origin != self.origin else { continue }
                    onChange(change.change)
                }
            }
        }
    }

    package var isShared: Bool { true }

    package func claim(_ key: String, for seconds: Double) async throws -> Bool {
        try await self.breaker.call(within: Self.readDeadline) {
            // taken when free or expired (a replica killed mid-fetch holds it no longer than `seconds`)
            let rows = try await self.client.query(
                """
                INSERT INTO cache_claim (key, holder, expires_at) VALUES (\(key), \(self.origin), extract(epoch FROM clock_timestamp()) + \(seconds))
                ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                    WHERE cache_claim.expires_at < extract(epoch FROM clock_timestamp()) OR cache_claim.holder = excluded.holder
                RETURNING holder
                """,
                logger: self.logger
            )
            for try await _ in rows { return true }
            return false
        }
    }

    package func unclaim(_ key: String) async throws {
        try await self.breaker.call(within: Self.readDeadline) {
            _ = try await self.client.withTransaction(logger: self.logger) { connection in
                try await connection.query("DELETE FROM cache_claim WHERE key = \(key) AND holder = \(self.origin)", logger: self.logger)
                try await self.announce(ChangeNotice(origin: self.origin, change: .unclaimed(key)), connection)
            }
        }
    }

    /// Sends `notice` to every listening replica when the transaction commits.
    func announce(_ notice: ChangeNotice, _ connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(Self.channel), \(notice.payload))", logger: self.logger)
    }

    /// Runs `body` in a transaction that first takes the write lock and then writes everything pending; on
    /// failure the pending writes are kept for the next attempt.
    func withPendingWrites<T: Sendable>(
        _ pending: PendingWrites,
        day: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let taken = Mutex<(accesses: [String: Date], counters: [CacheEvent: Int])?>(nil)
        do {
            return try await self.breaker.call(within: Self.writeDeadline) {
                try await self.client.withTransaction(logger: self.logger) { connection in
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.writeLock))", logger: self.logger)
                    let (accesses, counters) = pending.take()
                    taken.withLock { $0 = (accesses, counters) }
                    if !accesses.isEmpty {
                        let keys = Array(accesses.keys)
                        let times = keys.map { accesses[$0]!.timeIntervalSince1970 }
                        try await connection.query(
                            """
                            UPDATE cache_entry SET last_access = GREATEST(last_access, seen.at)
                            FROM unnest(\(keys)::text[], \(times)::float8[]) AS seen(key, at) WHERE cache_entry.key = seen.key
                            """,
                            logger: self.logger
                        )
                    }
                    try await self.add(counters, connection, day: day)
                    return try await body(connection)
                }
            }
        } catch {
            if let (accesses, counters) = taken.withLock({ $0 }) { pending.restore(accesses, counters) }
            throw error
        }
    }

    /// Adds `counters` to the totals and, for the events the history keeps, to `day`'s counts.
    func add(_ counters: [CacheEvent: Int], _ connection: PostgresConnection, day: String?) async throws {
        for (event, amount) in counters where amount != 0 {
            try await connection.query(
                """
                INSERT INTO cache_counter (name, value) VALUES (\(event.rawValue), \(amount))
                ON CONFLICT (name) DO UPDATE SET value = cache_counter.value + excluded.value
                """,
                logger: self.logger
            )
            if let day, CacheHistory.dailyEvents.contains(event) {
                try await connection.query(
                    """
                    INSERT INTO cache_daily_counter (day, name, value) VALUES (\(day), \(event.rawValue), \(amount))
                    ON CONFLICT (day, name) DO UPDATE SET value = cache_daily_counter.value + excluded.value
                    """,
                    logger: self.logger
                )
            }
        }
    }

    /// The first column of the first row of `query`, if any.
    func single(_ query: PostgresQuery) async throws -> Int? {
        for try await value in try await self.client.query(query, logger: self.logger).decode(Int.self) { return value }
        return nil
    }
}

/// A failure of the PostgreSQL store that PostgreSQL itself did not report.
struct PostgresStoreError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
