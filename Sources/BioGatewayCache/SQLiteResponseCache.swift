import BioGatewayQuery
import Foundation
import GRDB
import Synchronization

/// The persistent cache: one SQLite database in WAL mode (`synchronous=NORMAL`), written through GRDB.
///
/// - Bodies are stored gzip-compressed with their length and SHA-256; an entry whose body does not match
///   them (a torn write, a damaged file) is dropped on read and reported as a miss, never served.
/// - The cache keeps under ``maximumBytes``: each store evicts the least recently used entries past it.
///   Reads do not write: access times and counters are gathered in memory and written in batches
///   (``flush()``, and with every store).
/// - Several processes may open the same file (the gateway, and `biogateway cache …` beside it).
public final class SQLiteResponseCache: Sendable {
    let database: DatabasePool
    /// The bound on ``CacheStatistics/bytes``.
    public let maximumBytes: Int
    /// The database file.
    let path: String
    let pending = PendingWrites()

    /// Opens (creating if needed) the cache database at `path` and brings its schema up to date.
    public init(path: String, maximumBytes: Int = 1 << 30) throws {
        let url = URL(fileURLWithPath: path)
        // the file can hold the cursor-signing key: only the gateway's user may read it (SQLite gives the
        // -wal and -shm files the database file's mode), and a folder created for it is the user's alone
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.label = "biogateway.cache"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        self.database = try DatabasePool(path: path, configuration: configuration)
        self.maximumBytes = maximumBytes
        self.path = path
        try CacheSchema.migrator.migrate(self.database)
    }

    /// The entry stored under a key, whatever its age, or nil. A damaged entry is deleted and reported as nil.
    public func entry(forKey key: String) async throws -> CachedResponse? {
        switch try await self.lookup(key) {
        case .absent:
            return nil
        case .damaged:
            try await self.remove(key: key)
            return nil
        case .intact(let entry):
            return entry
        }
    }

    /// Reads and checks the entry under `key` (with `decompressing`, also that its body decompresses).
    ///
    /// The row becomes a Sendable value inside the closure so that GRDB's async `read` is used: the lookup
    /// waits on GRDB's reader queue, not on a blocked cooperative thread.
    func lookup(_ key: String, decompressing: Bool = false) async throws -> StoredLookup {
        try await self.database.read { db -> StoredLookup in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT e.*, b.body FROM cache_entry e LEFT JOIN cache_body b ON b.key = e.key WHERE e.key = ?",
                    arguments: [key]
                )
            else { return .absent }
            guard let entry = Self.verifiedEntry(row), !decompressing || (try? entry.identityBody()) != nil else { return .damaged }
            return .intact(entry)
        }
    }

    /// What a lookup found in the file.
    enum StoredLookup: Sendable {
        case absent
        case damaged
        case intact(CachedResponse)
    }

    /// The entry a row describes, if its body matches its recorded length and digest.
    static func verifiedEntry(_ row: Row) -> CachedResponse? {
        guard let body = row["body"] as Data? else { return nil }
        let expectedLength: Int = row["body_length"]
        let expectedDigest: String = row["body_sha256"]
        guard body.count == expectedLength, SHA256Hex.digest(body) == expectedDigest,
            let source = UpstreamSource(rawValue: row["source"]),
            let coding = ContentCoding(rawValue: row["coding"])
        else { return nil }
        return CachedResponse(
            key: row["key"],
            source: source,
            canonicalQuery: row["canonical_query"],
            status: row["status"],
            contentType: row["content_type"],
            recordCount: row["record_count"],
            storedBody: body,
            coding: coding,
            identityLength: row["identity_length"],
            storedAt: Date(timeIntervalSince1970: row["stored_at"]),
            bodyDigest: expectedDigest
        )
    }

    /// Notes that an entry was used (for LRU); written with the next batch.
    public func noteAccess(_ key: String, at date: Date) {
        self.pending.noteAccess(key, at: date)
    }

    /// Counts an event in the statistics; written with the next batch.
    public func count(_ event: CacheEvent) {
        self.pending.count(event)
    }

    /// What ``store(_:)`` did.
    public struct StoreOutcome: Sendable, Hashable {
        /// Whether the entry was stored (false when it alone is larger than the bound).
        public var stored: Bool
        /// How many least recently used entries were evicted to make room.
        public var evicted: Int

        public init(stored: Bool, evicted: Int) {
            self.stored = stored
            self.evicted = evicted
        }
    }

    /// Stores (or replaces) an entry, writing pending access times and counters in the same transaction,
    /// then evicts least recently used entries until the cache is within ``maximumBytes``.
    @discardableResult
    public func store(_ entry: CachedResponse) async throws -> StoreOutcome {
        guard entry.entryBytes <= self.maximumBytes else { return StoreOutcome(stored: false, evicted: 0) }
        let digest = entry.bodyDigest
        let maximumBytes = self.maximumBytes
        return try await self.withPendingWrites { db in
            try db.execute(sql: "DELETE FROM cache_entry WHERE key = ?", arguments: [entry.key])
            try db.execute(
                sql: """
                    INSERT INTO cache_entry (key, source, canonical_query, status, content_type, record_count, coding,
                        body_length, body_sha256, identity_length, entry_bytes, stored_at, last_access)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.key, entry.source.rawValue, entry.canonicalQuery, entry.status, entry.contentType,
                    entry.recordCount, entry.coding.rawValue, entry.storedBody.count, digest, entry.identityLength,
                    entry.entryBytes, entry.storedAt.timeIntervalSince1970, entry.storedAt.timeIntervalSince1970,
                ]
            )
            try db.execute(sql: "INSERT INTO cache_body (key, body) VALUES (?, ?)", arguments: [entry.key, entry.storedBody])
            let evicted = try Self.evict(db, toFit: maximumBytes)
            return StoreOutcome(stored: true, evicted: evicted)
        }
    }

    /// Deletes least recently used entries until the total is within `maximumBytes`; returns how many.
    static func evict(_ db: Database, toFit maximumBytes: Int) throws -> Int {
        var total = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(entry_bytes), 0) FROM cache_entry") ?? 0
        guard total > maximumBytes else { return 0 }
        var victims: [String] = []
        let cursor = try Row.fetchCursor(db, sql: "SELECT key, entry_bytes FROM cache_entry ORDER BY last_access, stored_at")
        while total > maximumBytes, let row = try cursor.next() {
            victims.append(row["key"])
            total -= row["entry_bytes"] as Int
        }
        for key in victims {
            try db.execute(sql: "DELETE FROM cache_entry WHERE key = ?", arguments: [key])
        }
        try Self.add([.eviction: victims.count], db)
        return victims.count
    }

    /// Writes pending access times and counters now.
    public func flush() async throws {
        try await self.withPendingWrites { _ in }
    }

    /// Runs `body` in a write transaction that first writes everything pending; on failure the pending
    /// writes are kept for the next attempt.
    ///
    /// The pending writes are taken inside the transaction: writes are serialised, so when this returns every
    /// increment taken by an earlier call is committed, and `body` sees each counter exactly once (never both
    /// in memory and in the file, never in neither).
    func withPendingWrites<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let taken = Mutex<(accesses: [String: Date], counters: [CacheEvent: Int])?>(nil)
        do {
            return try await self.database.write { db in
                let (accesses, counters) = self.pending.take()
                taken.withLock { $0 = (accesses, counters) }
                for (key, date) in accesses {
                    try db.execute(
                        sql: "UPDATE cache_entry SET last_access = MAX(last_access, ?) WHERE key = ?",
                        arguments: [date.timeIntervalSince1970, key]
                    )
                }
                try Self.add(counters, db)
                return try body(db)
            }
        } catch {
            if let (accesses, counters) = taken.withLock({ $0 }) { self.pending.restore(accesses, counters) }
            throw error
        }
    }

    static func add(_ counters: [CacheEvent: Int], _ db: Database) throws {
        for (event, amount) in counters where amount != 0 {
            try db.execute(
                sql: """
                    INSERT INTO cache_counter (name, value) VALUES (?, ?)
                    ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
                    """,
                arguments: [event.rawValue, amount]
            )
        }
    }

    /// Deletes one entry.
    public func remove(key: String) async throws {
        _ = try await self.database.write { db in
            try db.execute(sql: "DELETE FROM cache_entry WHERE key = ?", arguments: [key])
        }
    }

    /// The number of entries.
    public func count() async throws -> Int {
        try await self.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cache_entry") ?? 0
        }
    }

    /// Runs `PRAGMA integrity_check` and returns its verdict (`"ok"` when the file is sound).
    public func integrityCheck() async throws -> String {
        try await self.database.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
        }
    }

    /// Checkpoints the WAL into the database file (truncating it) and closes the database, which removes the
    /// `-wal` and `-shm` files. Later calls fail. Call ``flush()`` first.
    public func close() throws {
        _ = try self.database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try self.database.close()
        // GRDB closes the pool's writer before its read-only readers, and SQLite lets only a connection that
        // can write remove the WAL as the last one closes: one last read-write connection, alone, does that
        let last = try DatabaseQueue(path: self.path)
        _ = try last.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        try last.close()
    }
}
