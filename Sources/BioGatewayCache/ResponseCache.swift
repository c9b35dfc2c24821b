import BioGatewayQuery
import Foundation
import NIOCore
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
    /// Writes queued and not yet committed (``storeBeforeWritten(_:identity:written:)``).
    let writesBehind = WritesBehind()
    /// The keys the store holds, so that a miss need not read it (a gateway's cache, on a store of its own).
    let storedKeys: StoredKeys

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
        self.storedKeys = StoredKeys(isEnabled: !store.isShared && memoryMaximumBytes > 0)
        self.coherence.start(generation: try await store.generation())
        try? await self.storedKeys.fill(reading: store.keys)
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
        await self.writesBehind.written(key)
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
        return try await self.store(entry, ready: self.memory.isEnabled ? ReadyAnswer(entry) : nil)
    }

    /// Writes an entry that fits, then puts its ready form (if any) in the memory tier.
    private func store(_ entry: CachedResponse, ready: ReadyAnswer?) async throws -> StoreOutcome {
        self.storedKeys.add(entry.key)
        let evicted = try await self.store.replace(entry, toFit: self.maximumBytes, pending: self.pending, day: self.today)
        self.storedKeys.remove(evicted)
        self.coherence.change { _ in
            self.memory.remove(evicted)
            if let ready { self.memory.store(ready, size: ready.memoryBytes, forKey: ready.key) } else { self.memory.remove(entry.key) }
        }
        return StoreOutcome(stored: true, evicted: evicted.count)
    }

    /// Stores an entry as ``store(_:)`` does, for an answer about to be sent, without waiting for
    /// the disk when it need not: returns once the memory tier holds the ready answer and its write is
    /// queued behind the store's earlier writes. What comes after sees it at once (the memory tier answers;
    /// a direct read of the store waits for the write; a purge or a replacement asked for later is queued
    /// after it). A gateway stopped in between loses the answer, not the file's integrity: the next request
    /// for it goes upstream again. If the write fails, the memory tier forgets the answer too.
    ///
    /// Waits for the write, as ``store(_:)``, with a store other processes share (they must find
    /// the answer once this process announces it) or when the memory tier does not keep the answer.
    /// - Parameter identity: the body as the upstream sent it, if at hand (see ``ReadyAnswer/init(_:identity:)``).
    /// - Parameter written: called once with the write's outcome (committed, with the entries it evicted;
    ///   or failed), also when it was waited for.
    /// - Returns: whether the entry is stored (false: larger than the whole cache).
    public func storeBeforeWritten(
        _ entry: CachedResponse,
        identity: ByteBuffer? = nil,
        written: @escaping @Sendable (Result<StoreOutcome, any Error>) -> Void
    ) async throws -> Bool {
        guard entry.entryBytes <= self.maximumBytes else {
            written(.success(StoreOutcome(stored: false, evicted: 0)))
            return false
        }
        let ready = self.memory.isEnabled ? ReadyAnswer(entry, identity: identity) : nil
        guard !self.store.isShared, let queued = self.store as? any QueuedCacheWrites, let ready,
            ready.memoryBytes <= self.memory.maximumBytes
        else {
            do {
                let outcome = try await self.store(entry, ready: ready)
                written(.success(outcome))
                return outcome.stored
            } catch {
                written(.failure(error))
                throw error
            }
        }
        self.writesBehind.begin(entry.key)
        self.storedKeys.add(entry.key)
        self.coherence.change { _ in self.memory.store(ready, size: ready.memoryBytes, forKey: ready.key) }
        queued.queueReplace(entry, toFit: self.maximumBytes, pending: self.pending, day: self.today) { result in
            switch result {
            case .success(let evicted):
                self.storedKeys.remove(evicted)
                self.coherence.change { _ in self.memory.remove(evicted) }
                written(.success(StoreOutcome(stored: true, evicted: evicted.count)))
            case .failure(let error):
                self.coherence.change { _ in self.memory.remove(entry.key) }
                written(.failure(error))
            }
            self.writesBehind.end(entry.key)
        }
        return true
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
        await self.writesBehind.written()
        return try await self.store.count()
    }

    /// The store's own check of itself (`"ok"` when sound).
    public func integrityCheck() async throws -> String {
        await self.writesBehind.written()
        return try await self.store.integrityCheck()
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
        await self.writesBehind.written()
        try await self.store.close()
    }
}
