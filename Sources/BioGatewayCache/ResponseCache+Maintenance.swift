import BioGatewayQuery
import Foundation

extension ResponseCache {
    /// Which entries a purge removes.
    public typealias PurgeScope = BioGatewayCache.PurgeScope

    /// Deletes the entries in `scope`; returns how many were deleted. The memory tier forgets them at once,
    /// and the purge generation in the file moves on, so other processes' memory tiers forget them too.
    public func purge(_ scope: PurgeScope) async throws -> Int {
        let outcome = try await self.store.delete(scope, pending: self.pending, day: self.today)
        let othersPurged = self.coherence.change { seen in
            let othersPurged = seen != outcome.generationBefore
            if othersPurged {
                // another process purged since this one last looked: what it purged is unknown
                self.memory.removeAll()
            } else {
                switch scope {
                case .everything: self.memory.removeAll()
                case .source(let source): self.memory.removeAll { $0.source == source }
                case .key(let key): self.memory.remove(key)
                }
            }
            seen = outcome.generationAfter
            return othersPurged
        }
        // which keys remain: known for one key's purge, read again otherwise
        if case .key(let key) = scope, !othersPurged {
            self.storedKeys.remove([key])
        } else {
            try await self.refillStoredKeys()
        }
        return outcome.deleted
    }

    /// Reads which keys the store holds again (``StoredKeys``), once the writes queued so far have committed.
    func refillStoredKeys() async throws {
        try await self.storedKeys.fill {
            await self.writesBehind.written()
            return try await self.store.keys()
        }
    }

    /// Returns the space freed by purges and evictions to the file system (SQLite: rebuilds the file;
    /// PostgreSQL: `VACUUM`).
    public func vacuum() async throws {
        try await self.flush()
        try await self.store.compact()
    }

    /// Size, counters and the oldest entry. Pending counters are written first, in the same transaction, so a
    /// concurrent flush can neither hide an increment nor have it counted twice.
    public func statistics() async throws -> CacheStatistics {
        let totals = try await self.store.totals(pending: self.pending, day: self.today)
        let counters = totals.counters
        return CacheStatistics(
            entries: totals.entries,
            bytes: totals.bytes,
            identityBytes: totals.identityBytes,
            maximumBytes: self.maximumBytes,
            sources: totals.sources,
            hits: counters[CacheEvent.hit.rawValue] ?? 0,
            misses: counters[CacheEvent.miss.rawValue] ?? 0,
            coalesced: counters[CacheEvent.coalesced.rawValue] ?? 0,
            staleServed: counters[CacheEvent.staleServed.rawValue] ?? 0,
            backgroundRefreshes: counters[CacheEvent.backgroundRefresh.rawValue] ?? 0,
            evictions: counters[CacheEvent.eviction.rawValue] ?? 0,
            bodyBytes: totals.bodyBytes,
            oldestEntry: totals.oldest.map { Date(timeIntervalSince1970: $0) }
        )
    }

    /// What ``verify()`` found.
    public struct VerificationReport: Sendable, Hashable {
        /// The store's own check (SQLite: `PRAGMA integrity_check`; `"ok"` when sound).
        public var integrity: String
        /// Entries whose body matched its length and digest.
        public var intact: Int
        /// Entries whose body did not, now deleted.
        public var dropped: Int

        public init(integrity: String, intact: Int, dropped: Int) {
            self.integrity = integrity
            self.intact = intact
            self.dropped = dropped
        }
    }

    /// Checks the file and every stored body; bodies that do not match their length and digest are deleted.
    public func verify() async throws -> VerificationReport {
        let integrity = try await self.integrityCheck()
        await self.writesBehind.written()
        let keys = try await self.store.keys()
        var intact = 0
        var dropped = 0
        for key in keys {
            let lookup = try await self.lookup(key, decompressing: true)
            switch lookup {
            case .absent:
                continue
            case .intact:
                intact += 1
            case .damaged:
                try await self.remove(key: key)
                dropped += 1
            }
        }
        return VerificationReport(integrity: integrity, intact: intact, dropped: dropped)
    }
}

extension ResponseCache {
    /// Writes a row in a write transaction, proving the store (and its disk) take writes.
    public func checkWritable() async throws {
        try await self.store.checkWritable()
    }
}
