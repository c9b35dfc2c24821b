import BioGatewayQuery
import Foundation

/// Where the cache keeps its entries, bodies, counters and secrets: one SQLite file (``SQLiteCacheStore``:
/// one machine, no server) or a PostgreSQL database that several gateways share (`PostgresCacheStore` in
/// `BioGatewayPostgres`).
///
/// A store only reads and writes rows. ``ResponseCache`` does the rest, the same whichever store is below
/// it: the memory tier, batching access times and counters (``PendingWrites``), checking each body against
/// its digest, and keeping the memory coherent with purges.
///
/// Writes that take the pending writes take them inside their transaction, after every earlier write has
/// committed, and put them back when the transaction fails: so a statistics read sees each counted event
/// exactly once.
package protocol CacheStore: Sendable {
    /// The entry stored under `key` and its body (nil when the body row is missing), unchecked.
    func row(forKey key: String) async throws -> (entry: CacheEntryRecord, body: Data?)?

    /// Writes `pending`, replaces the entry under `entry.key` (its body too), then deletes least recently used
    /// entries until the total is within `maximumBytes`. Returns the keys deleted to make room.
    func replace(_ entry: CachedResponse, toFit maximumBytes: Int, pending: PendingWrites, day: String) async throws -> [String]

    /// Writes `pending`, deletes the entries in `scope` and moves the purge generation on.
    func delete(_ scope: PurgeScope, pending: PendingWrites, day: String) async throws -> PurgeOutcome

    /// Writes `pending`.
    func flush(_ pending: PendingWrites, day: String) async throws

    /// Writes `pending`, then reads the totals the statistics are made of.
    func totals(pending: PendingWrites, day: String) async throws -> StoredTotals

    /// Writes `pending`, then reads the daily counts from `firstDay` on, the counters and the creation date.
    func history(from firstDay: String, pending: PendingWrites, day: String) async throws -> StoredHistory

    /// The purge generation (see ``MemoryCoherence``).
    func generation() async throws -> Int

    /// Every stored key.
    func keys() async throws -> [String]

    /// The number of entries.
    func count() async throws -> Int

    /// The database's own check of itself: `"ok"` when sound.
    func integrityCheck() async throws -> String

    /// The secret stored under `name`, created with `generate` the first time anyone asks for it.
    func secret(named name: String, generate: @Sendable () -> Data) async throws -> Data

    /// Proves the store takes writes now (a row written in a write transaction).
    func checkWritable() async throws

    /// Returns the space freed by deletions to the file system.
    func compact() async throws

    /// Closes the store; later calls fail.
    func close() async throws

    /// Claims the upstream fetch of `key` for `seconds` on behalf of this process: true when no other process
    /// holds an unexpired claim on it (the claim is then this process's until ``unclaim(_:)`` or expiry).
    func claim(_ key: String, for seconds: Double) async throws -> Bool

    /// Gives up this process's claim on `key` and announces it, so that processes waiting for the key look
    /// again (at the answer now stored, or to claim the fetch themselves).
    func unclaim(_ key: String) async throws

    /// Calls `onChange` with each change other processes announce, until cancelled; throws when the
    /// announcements stop (changes may then have been missed). A store that announces nothing waits until
    /// cancelled: other processes' purges then reach the memory tier through the purge generation alone.
    /// `onListening` is called once the announcements are being received.
    func followChanges(onListening: @escaping @Sendable () -> Void, onChange: @escaping @Sendable (StoreChange) -> Void) async throws

    /// Whether other gateways store answers in it too (replicas sharing PostgreSQL): then an answer can
    /// appear in it that this process did not store.
    var isShared: Bool { get }
}

extension CacheStore {
    package var isShared: Bool { false }

    /// One process alone: its own coalescing is enough, every claim is granted.
    package func claim(_ key: String, for seconds: Double) async throws -> Bool { true }

    package func unclaim(_ key: String) async throws {}

    package func followChanges(onListening: @escaping @Sendable () -> Void, onChange: @escaping @Sendable (StoreChange) -> Void) async throws {
        while true { try await Task.sleep(for: .seconds(3_600)) }
    }
}

/// A store whose writes run one at a time, in the order they are asked for (SQLite's one writer), and that can
/// queue a write without waiting for it: what lets an answer be sent before its write has committed.
package protocol QueuedCacheWrites: CacheStore {
    /// Queues ``CacheStore/replace(_:toFit:pending:day:)`` and returns at once; `completion` gets the keys
    /// it evicted, or its error. Every write asked for after this returns runs after it.
    func queueReplace(
        _ entry: CachedResponse,
        toFit maximumBytes: Int,
        pending: PendingWrites,
        day: String,
        completion: @escaping @Sendable (Result<[String], any Error>) -> Void
    )
}

/// Which entries a purge removes.
public enum PurgeScope: Sendable, Hashable {
    case everything
    case source(UpstreamSource)
    case key(String)
}

/// A change another process made to the entries, as a store announces it.
public enum StoreChange: Sendable, Hashable {
    /// The entry under the key was stored, replaced or evicted.
    case replaced(String)
    /// Entries were purged.
    case purged(PurgeScope)
    /// The process that claimed the upstream fetch of the key gave it up (stored or not).
    case unclaimed(String)
}

/// What a deletion did: how many entries went, and the purge generation before and after.
package struct PurgeOutcome: Sendable {
    package var deleted: Int
    package var generationBefore: Int
    package var generationAfter: Int

    package init(deleted: Int, generationBefore: Int, generationAfter: Int) {
        self.deleted = deleted
        self.generationBefore = generationBefore
        self.generationAfter = generationAfter
    }
}

/// The sums ``CacheStatistics`` is made of, as a store reads them.
package struct StoredTotals: Sendable {
    package var counters: [String: Int]
    package var entries: Int
    package var bytes: Int
    package var bodyBytes: Int
    package var identityBytes: Int
    /// The oldest entry's `stored_at` (seconds since 1970).
    package var oldest: Double?
    package var sources: [String: CacheStatistics.SourceShare]

    package init(
        counters: [String: Int],
        entries: Int,
        bytes: Int,
        bodyBytes: Int,
        identityBytes: Int,
        oldest: Double?,
        sources: [String: CacheStatistics.SourceShare]
    ) {
        self.counters = counters
        self.entries = entries
        self.bytes = bytes
        self.bodyBytes = bodyBytes
        self.identityBytes = identityBytes
        self.oldest = oldest
        self.sources = sources
    }
}

/// The counts ``CacheHistory`` is made of, as a store reads them.
package struct StoredHistory: Sendable {
    /// Per day (`yyyy-MM-dd`), per event name.
    package var days: [String: [String: Int]]
    /// Per event name, since the cache was created.
    package var totals: [String: Int]
    /// When the cache started counting (seconds since 1970).
    package var createdAt: Double?

    package init(days: [String: [String: Int]], totals: [String: Int], createdAt: Double?) {
        self.days = days
        self.totals = totals
        self.createdAt = createdAt
    }
}
