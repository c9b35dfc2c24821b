import BioGatewayQuery
import Foundation
import Synchronization

/// The persistent cache, over a ``CacheStore`` (one SQLite file, or PostgreSQL shared by replicas).
///
/// - Bodies are stored gzip-compressed with their length and SHA-256; an entry whose body does not match
///   them (a torn write, a damaged file) is dropped on read and reported as a miss, never served.
/// - The cache keeps under ``maximumBytes``: each store evicts the least recently used entries past it.
///   Reads do not write: access times and counters are gathered in memory and written in batches
///   (``flush()``, and with every store).
/// - A memory tier (``memory``) keeps ready-to-send answers in front of the store: see ``answer(forKey:)``.
public final class ResponseCache: Sendable {
    /// Where the entries are kept.
    package let store: any CacheStore
    /// The bound on ``CacheStatistics/bytes``.
    public let maximumBytes: Int
    let pending = PendingWrites()
    /// Answers ready to send, in front of the store; bounded by its own byte bound (0: off).
    public let memory: MemoryCache<ReadyAnswer>
    let coherence = MemoryCoherence()
    /// Requests waiting for another process's fetch (see ``waitForChange(of:upTo:)``).
    let waiters = ChangeWaiters()
    /// The store's change announcements were lost: the memory tier is emptied when they resume.
    let announcementsMissed = Atomic<Bool>(false)
    /// The clock counters are dated by (``history(days:)``).
    let now: @Sendable () -> Date

    /// A cache over `store`.
    /// - Parameters:
    ///   - memoryMaximumBytes: the bound of the memory tier (0, the default, turns it off: the
    ///     `biogateway cache` commands need none).
    ///   - now: the clock that dates the daily counters (tests inject one).
    package init(
        store: any CacheStore,
        maximumBytes: Int = 1 << 30,
        memoryMaximumBytes: Int = 0,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        self.store = store
        self.maximumBytes = maximumBytes
        self.now = now
        self.memory = MemoryCache(maximumBytes: memoryMaximumBytes)
        self.coherence.start(generation: try await store.generation())
    }

    /// Opens (creating if needed) the SQLite cache database at `path` and brings its schema up to date.
    public convenience init(
        path: String,
        maximumBytes: Int = 1 << 30,
        memoryMaximumBytes: Int = 0,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        try await self.init(
            store: try SQLiteCacheStore(path: path),
            maximumBytes: maximumBytes,
            memoryMaximumBytes: memoryMaximumBytes,
            now: now
        )
    }

    /// Today, as the daily counters name it.
    var today: String { CacheHistory.day(of: self.now()) }

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
    func lookup(_ key: String, decompressing: Bool = false) async throws -> StoredLookup {
        guard let (row, body) = try await self.store.row(forKey: key) else { return .absent }
        guard let body, let entry = row.verified(body: body), !decompressing || (try? entry.identityBody()) != nil else {
            return .damaged
        }
        return .intact(entry)
    }

    /// What a lookup found in the store.
    enum StoredLookup: Sendable {
        case absent
        case damaged
        case intact(CachedResponse)
    }

    /// Notes that an entry was used (for LRU); written with the next batch.
    public func noteAccess(_ key: String, at date: Date) {
        self.pending.noteAccess(key, at: date)
    }

    /// Notes a hit: the entry's access (as ``noteAccess(_:at:)``) and the hit counter (as ``count(_:)``).
    public func noteHit(_ key: String, at date: Date) {
        self.pending.noteHit(key, at: date)
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
        let ready = self.memory.isEnabled ? ReadyAnswer(entry) : nil
        let evicted = try await self.store.replace(entry, toFit: self.maximumBytes, pending: self.pending, day: self.today)
        self.coherence.change { _ in
            self.memory.remove(evicted)
            if let ready { self.memory.store(ready, size: ready.memoryBytes, forKey: ready.key) } else { self.memory.remove(entry.key) }
        }
        return StoreOutcome(stored: true, evicted: evicted.count)
    }

    /// Writes pending access times and counters now.
    public func flush() async throws {
        try await self.store.flush(self.pending, day: self.today)
    }

    /// Deletes one entry.
    public func remove(key: String) async throws {
        _ = try await self.purge(.key(key))
    }

    /// The number of entries.
    public func count() async throws -> Int {
        try await self.store.count()
    }

    /// The store's own check of itself (`"ok"` when sound).
    public func integrityCheck() async throws -> String {
        try await self.store.integrityCheck()
    }

    /// The secret stored under `name`, created with `generate` the first time it is asked for. Every
    /// process that opens the same store gets the same secret, so a gateway restarted on its cache (or a
    /// replica beside it) honours what it signed before.
    public func secret(named name: String, generate: @Sendable () -> Data) async throws -> Data {
        try await self.store.secret(named: name, generate: generate)
    }

    /// Closes the store (SQLite: checkpoints the WAL into the file and removes the `-wal` and `-shm` files).
    /// Later calls fail. Call ``flush()`` first.
    public func close() async throws {
        try await self.store.close()
    }
}
