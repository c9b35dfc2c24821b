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
/// - A memory tier (``memory``) keeps ready-to-send answers in front of the file: see ``answer(forKey:)``.
public final class SQLiteResponseCache: Sendable {
    let database: DatabasePool
    /// The bound on ``CacheStatistics/bytes``.
    public let maximumBytes: Int
    /// The database file.
    let path: String
    let pending = PendingWrites()
    /// Answers ready to send, in front of the file; bounded by its own byte bound (0: off).
    public let memory: MemoryCache<ReadyAnswer>
    let coherence = MemoryCoherence()
    /// The clock counters are dated by (``history(days:)``).
    let now: @Sendable () -> Date

    /// Opens (creating if needed) the cache database at `path` and brings its schema up to date.
    /// - Parameters:
    ///   - memoryMaximumBytes: the bound of the memory tier (0, the default, turns it off: the
    ///     `biogateway cache` commands need none).
    ///   - now: the clock that dates the daily counters (tests inject one).
    public init(
        path: String,
        maximumBytes: Int = 1 << 30,
        memoryMaximumBytes: Int = 0,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
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
        self.maximumBytes = maximumBytes
        self.path = path
        self.now = now
        self.memory = MemoryCache(maximumBytes: memoryMaximumBytes)
        try CacheSchema.migrator.migrate(self.database)
        self.coherence.start(generation: try self.database.read(CacheGenerationRecord.current))
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
            // the hit path: one statement, prepared once per connection
            let statement = try db.cachedStatement(
                sql: "SELECT e.*, b.body FROM cache_entry e LEFT JOIN cache_body b ON b.key = e.key WHERE e.key = ?"
            )
            guard let stored = try StoredEntryRow.fetchOne(statement, arguments: [key]) else { return .absent }
            guard let body = stored.body, let entry = stored.entry.verified(body: body),
                !decompressing || (try? entry.identityBody()) != nil
            else { return .damaged }
            return .intact(entry)
        }
    }

    /// What a lookup found in the file.
    enum StoredLookup: Sendable {
        case absent
        case damaged
        case intact(CachedResponse)
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
        let maximumBytes = self.maximumBytes
        let ready = self.memory.isEnabled ? ReadyAnswer(entry) : nil
        let evicted = try await self.withPendingWrites { db in
            // replacing an entry replaces its body too (the body row is deleted with the entry)
            try CacheEntryRecord.deleteOne(db, key: entry.key)
            try CacheEntryRecord(entry).insert(db)
            try CacheBodyRecord(key: entry.key, body: entry.storedBody).insert(db)
            return try Self.evict(db, toFit: maximumBytes)
        }
        self.coherence.change { _ in
            self.memory.remove(evicted)
            if let ready { self.memory.store(ready, size: ready.memoryBytes, forKey: ready.key) } else { self.memory.remove(entry.key) }
        }
        return StoreOutcome(stored: true, evicted: evicted.count)
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
                let noteAccess = try db.cachedStatement(sql: "UPDATE cache_entry SET last_access = MAX(last_access, ?) WHERE key = ?")
                for (key, date) in accesses {
                    try noteAccess.execute(arguments: [date.timeIntervalSince1970, key])
                }
                try Self.add(counters, db, day: CacheHistory.day(of: self.now()))
                return try body(db)
            }
        } catch {
            if let (accesses, counters) = taken.withLock({ $0 }) { self.pending.restore(accesses, counters) }
            throw error
        }
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

    /// Deletes one entry.
    public func remove(key: String) async throws {
        _ = try await self.purge(.key(key))
    }

    /// The number of entries.
    public func count() async throws -> Int {
        try await self.database.read { db in
            try CacheEntryRecord.fetchCount(db)
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
