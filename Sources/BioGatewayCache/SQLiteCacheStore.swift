import BioGatewayQuery
import Foundation
import GRDB
import Synchronization

/// The cache's store on one SQLite database in WAL mode (`synchronous=NORMAL`), written through GRDB: one
/// machine, no server. Several processes may open the same file (the gateway, and `biogateway cache …`
/// beside it).
package final class SQLiteCacheStore: CacheStore, QueuedCacheWrites {
    let database: DatabasePool
    /// The database file.
    let path: String
    /// Whether ``close()`` has run (a second call does nothing).
    private let closed = Mutex(false)

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    package init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        // the file can hold the cursor-signing key: only the gateway's user may read it (SQLite gives the
        // -wal and -shm files the database file's mode), and a folder created for it is the user's alone
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.label = "biogateway.cache"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        self.database = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        try CacheSchema.migrator.migrate(self.database)
    }

    /// The row becomes a Sendable value inside the closure so that GRDB's async `read` is used: the lookup
    /// waits on GRDB's reader queue, not on a blocked cooperative thread.
    package func row(forKey key: String) async throws -> (entry: CacheEntryRecord, body: Data?)? {
        try await self.database.read { db in
            // the read path: one statement, prepared once per connection
            let statement = try db.cachedStatement(
                sql: "SELECT e.*, b.body FROM cache_entry e LEFT JOIN cache_body b ON b.key = e.key WHERE e.key = ?"
            )
            guard let row = try Row.fetchOne(statement, arguments: [key]) else { return nil }
            return (try CacheEntryRecord(row: row), row["body"])
        }
    }

    package func replace(_ entry: CachedResponse, toFit maximumBytes: Int, pending: PendingWrites, day: String) async throws -> [String] {
        try await self.withPendingWrites(pending, day: day) { db in try Self.replace(entry, toFit: maximumBytes, db) }
    }

    package func queueReplace(
        _ entry: CachedResponse,
        toFit maximumBytes: Int,
        pending: PendingWrites,
        day: String,
        completion: @escaping @Sendable (Result<[String], any Error>) -> Void
    ) {
        self.queueWithPendingWrites(pending, day: day, { db in try Self.replace(entry, toFit: maximumBytes, db) }, completion: completion)
    }

    private static func replace(_ entry: CachedResponse, toFit maximumBytes: Int, _ db: Database) throws -> [String] {
        // replacing an entry replaces its body too (the body row is deleted with the entry)
        try CacheEntryRecord.deleteOne(db, key: entry.key)
        try CacheEntryRecord(entry).insert(db)
        try CacheBodyRecord(key: entry.key, body: entry.storedBody).insert(db)
        return try Self.evict(db, toFit: maximumBytes)
    }

    /// Deletes least recently used entries until the total is within `maximumBytes`; returns their keys.
    static func evict(_ db: Database, toFit maximumBytes: Int) throws -> [String] {
        typealias Columns = CacheEntryRecord.Columns
        var total = try Int.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM cache_size WHERE id = 1")) ?? 0
        guard total > maximumBytes else { return [] }
        var victims: [String] = []
        let leastRecentlyUsed = CacheEntryRecord.select(Columns.key, Columns.entryBytes).order(Columns.lastAccess, Columns.storedAt)
        let cursor = try Row.fetchCursor(db, leastRecentlyUsed)
        while total > maximumBytes, let row = try cursor.next() {
            victims.append(row["key"])
            total -= row["entry_bytes"] as Int
        }
        try CacheEntryRecord.deleteAll(db, keys: victims)
        try Self.add([.eviction: victims.count], db)
        return victims
    }

    package func delete(_ scope: PurgeScope, pending: PendingWrites, day: String) async throws -> PurgeOutcome {
        try await self.withPendingWrites(pending, day: day) { db in
            let deleted =
                switch scope {
                case .everything: try CacheEntryRecord.deleteAll(db)
                case .source(let source): try CacheEntryRecord.filter(CacheEntryRecord.Columns.source == source.rawValue).deleteAll(db)
                case .key(let key): try CacheEntryRecord.deleteOne(db, key: key) ? 1 : 0
                }
            let generations = try CacheGenerationRecord.advance(db)
            return PurgeOutcome(deleted: deleted, generationBefore: generations.before, generationAfter: generations.after)
        }
    }

    package func flush(_ pending: PendingWrites, day: String) async throws {
        try await self.withPendingWrites(pending, day: day) { _ in }
    }

    package func totals(pending: PendingWrites, day: String) async throws -> StoredTotals {
        try await self.withPendingWrites(pending, day: day) { db in
            let counters = Dictionary(uniqueKeysWithValues: try CacheCounterRecord.fetchAll(db).map { ($0.name, $0.value) })
            let totals = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS entries, COALESCE(SUM(entry_bytes), 0) AS bytes, COALESCE(SUM(body_length), 0) AS body,
                           COALESCE(SUM(identity_length), 0) AS identity, MIN(stored_at) AS oldest
                    FROM cache_entry
                    """
            )!
            var sources: [String: CacheStatistics.SourceShare] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT source, COUNT(*) AS entries, SUM(entry_bytes) AS bytes FROM cache_entry GROUP BY source"
            ) {
                sources[row["source"]] = CacheStatistics.SourceShare(entries: row["entries"], bytes: row["bytes"])
            }
            return StoredTotals(
                counters: counters,
                entries: totals["entries"],
                bytes: totals["bytes"],
                bodyBytes: totals["body"],
                identityBytes: totals["identity"],
                oldest: totals["oldest"],
                sources: sources
            )
        }
    }

    package func history(from firstDay: String, pending: PendingWrites, day: String) async throws -> StoredHistory {
        try await self.withPendingWrites(pending, day: day) { db in
            var days: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT day, name, value FROM cache_daily_counter WHERE day >= ?", arguments: [firstDay]) {
                days[row["day"], default: [:]][row["name"]] = row["value"]
            }
            let totals = Dictionary(uniqueKeysWithValues: try CacheCounterRecord.fetchAll(db).map { ($0.name, $0.value) })
            let created = try String.fetchOne(db, sql: "SELECT value FROM cache_info WHERE name = 'created_at'").flatMap(Double.init)
            return StoredHistory(days: days, totals: totals, createdAt: created)
        }
    }

    package func generation() async throws -> Int {
        try await self.database.read(CacheGenerationRecord.current)
    }

    package func keys() async throws -> [String] {
        try await self.database.read { db in
            try CacheEntryRecord.select(CacheEntryRecord.Columns.key, as: String.self).fetchAll(db)
        }
    }

    package func count() async throws -> Int {
        try await self.database.read { db in try CacheEntryRecord.fetchCount(db) }
    }

    /// `PRAGMA integrity_check`'s verdict.
    package func integrityCheck() async throws -> String {
        try await self.database.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
        }
    }

    /// Every process that opens the same file gets the same secret, so a gateway restarted on its cache keeps
    /// honouring what it signed before.
    package func secret(named name: String, generate: @Sendable () -> Data) async throws -> Data {
        try await self.database.write { db in
            if let stored = try GatewaySecretRecord.fetchOne(db, key: name) { return stored.value }
            let created = GatewaySecretRecord(name: name, value: generate())
            try created.insert(db)
            return created.value
        }
    }

    /// Takes the database's write lock and writes a row, proving the file (and its disk) take writes.
    package func checkWritable() async throws {
        try await self.database.write { db in
            try ReadinessProbeRecord.deleteAll(db)
            try ReadinessProbeRecord(checkedAt: Date().timeIntervalSince1970).insert(db)
        }
    }

    /// Rebuilds the file (`VACUUM`) and truncates the WAL.
    package func compact() async throws {
        try await self.database.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Checkpoints the WAL into the database file (truncating it) and closes the database, which removes the
    /// `-wal` and `-shm` files.
    package func close() async throws {
        guard
            !self.closed.withLock({ closed in
                defer { closed = true }
                return closed
            })
        else { return }
        _ = try await self.database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try self.database.close()
        // GRDB closes the pool's writer before its read-only readers, and SQLite lets only a connection that
        // can write remove the WAL as the last one closes: one last read-write connection, alone, does that
        let last = try DatabaseQueue(path: self.path)
        _ = try await last.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        try last.close()
    }

    /// Runs `body` in a write transaction that first writes everything pending; on failure the pending
    /// writes are kept for the next attempt.
    ///
    /// The pending writes are taken inside the transaction: writes are serialised, so when this returns every
    /// increment taken by an earlier call is committed, and `body` sees each counter exactly once (never both
    /// in memory and in the file, never in neither).
    func withPendingWrites<T: Sendable>(
        _ pending: PendingWrites,
        day: String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        let taken = TakenWrites()
        do {
            return try await self.database.write { db in try Self.writePending(pending, taken, day: day, db, then: body) }
        } catch {
            taken.giveBack(to: pending)
            throw error
        }
    }

    /// As ``withPendingWrites(_:day:_:)``, but queued behind the writes already queued and returning at once;
    /// `completion` gets the outcome. SQLite's one writer runs writes in the order they were queued, so every
    /// write asked for after this returns runs after it.
    func queueWithPendingWrites<T: Sendable>(
        _ pending: PendingWrites,
        day: String,
        _ body: @escaping @Sendable (Database) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let taken = TakenWrites()
        self.database.asyncWrite { db in
            try Self.writePending(pending, taken, day: day, db, then: body)
        } completion: { _, result in
            if case .failure = result { taken.giveBack(to: pending) }
            completion(result)
        }
    }

    /// The pending writes a transaction took, to give back if it fails.
    private final class TakenWrites: Sendable {
        private let taken = Mutex<(accesses: [String: Date], counters: [CacheEvent: Int])?>(nil)

        func take(from pending: PendingWrites) -> (accesses: [String: Date], counters: [CacheEvent: Int]) {
            let writes = pending.take()
            self.taken.withLock { $0 = writes }
            return writes
        }

        func giveBack(to pending: PendingWrites) {
            if let (accesses, counters) = self.taken.withLock({ $0 }) { pending.restore(accesses, counters) }
        }
    }

    /// Inside a write transaction: writes what is pending, then runs `body`.
    private static func writePending<T>(
        _ pending: PendingWrites,
        _ taken: TakenWrites,
        day: String,
        _ db: Database,
        then body: (Database) throws -> T
    ) throws -> T {
        let (accesses, counters) = taken.take(from: pending)
        let noteAccess = try db.cachedStatement(sql: "UPDATE cache_entry SET last_access = MAX(last_access, ?) WHERE key = ?")
        for (key, date) in accesses {
            try noteAccess.execute(arguments: [date.timeIntervalSince1970, key])
        }
        try Self.add(counters, db, day: day)
        return try body(db)
    }

    /// Adds `counters` to the totals and, for the events the history keeps, to `day`'s counts.
    static func add(_ counters: [CacheEvent: Int], _ db: Database, day: String? = nil) throws {
        let increment = try db.cachedStatement(
            sql: "INSERT INTO cache_counter (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value"
        )
        let incrementDay = try db.cachedStatement(
            sql: """
                INSERT INTO cache_daily_counter (day, name, value) VALUES (?, ?, ?)
                ON CONFLICT(day, name) DO UPDATE SET value = value + excluded.value
                """
        )
        for (event, amount) in counters where amount != 0 {
            try increment.execute(arguments: [event.rawValue, amount])
            if let day, CacheHistory.dailyEvents.contains(event) { try incrementDay.execute(arguments: [day, event.rawValue, amount]) }
        }
    }
}
