import BioGatewayQuery
import Foundation
import GRDB

extension SQLiteResponseCache {
    /// Which entries a purge removes.
    public enum PurgeScope: Sendable, Hashable {
        case everything
        case source(UpstreamSource)
        case key(String)
    }

    /// Deletes the entries in `scope`; returns how many were deleted. The memory tier forgets them at once,
    /// and the purge generation in the file moves on, so other processes' memory tiers forget them too.
    public func purge(_ scope: PurgeScope) async throws -> Int {
        let (deleted, generations) = try await self.withPendingWrites { db in
            let deleted =
                switch scope {
                case .everything: try CacheEntryRecord.deleteAll(db)
                case .source(let source): try CacheEntryRecord.filter(CacheEntryRecord.Columns.source == source.rawValue).deleteAll(db)
                case .key(let key): try CacheEntryRecord.deleteOne(db, key: key) ? 1 : 0
                }
            return (deleted, try CacheGenerationRecord.advance(db))
        }
        self.coherence.change { seen in
            if seen != generations.before {
                // another process purged since this one last looked: what it purged is unknown
                self.memory.removeAll()
            } else {
                switch scope {
                case .everything: self.memory.removeAll()
                case .source(let source): self.memory.removeAll { $0.source == source }
                case .key(let key): self.memory.remove(key)
                }
            }
            seen = generations.after
        }
        return deleted
    }

    /// Rebuilds the database file to return the space freed by purges and evictions to the file system.
    public func vacuum() async throws {
        try await self.flush()
        try await self.database.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Size, counters and the oldest entry. Pending counters are written first, in the same transaction, so a
    /// concurrent flush can neither hide an increment nor have it counted twice.
    public func statistics() async throws -> CacheStatistics {
        let maximumBytes = self.maximumBytes
        return try await self.withPendingWrites { db in
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
            let oldest: Double? = totals["oldest"]
            return CacheStatistics(
                entries: totals["entries"],
                bytes: totals["bytes"],
                identityBytes: totals["identity"],
                maximumBytes: maximumBytes,
                sources: sources,
                hits: counters[CacheEvent.hit.rawValue] ?? 0,
                misses: counters[CacheEvent.miss.rawValue] ?? 0,
                coalesced: counters[CacheEvent.coalesced.rawValue] ?? 0,
                staleServed: counters[CacheEvent.staleServed.rawValue] ?? 0,
                backgroundRefreshes: counters[CacheEvent.backgroundRefresh.rawValue] ?? 0,
                evictions: counters[CacheEvent.eviction.rawValue] ?? 0,
                bodyBytes: totals["body"],
                oldestEntry: oldest.map { Date(timeIntervalSince1970: $0) }
            )
        }
    }

    /// What ``verify()`` found.
    public struct VerificationReport: Sendable, Hashable {
        /// `PRAGMA integrity_check`'s verdict (`"ok"` when the file is sound).
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
        let keys = try await self.database.read { db in
            try CacheEntryRecord.select(CacheEntryRecord.Columns.key, as: String.self).fetchAll(db)
        }
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

extension SQLiteResponseCache {
    /// Takes the database's write lock and writes a row, proving the file (and its disk) take writes.
    public func checkWritable() async throws {
        try await self.database.write { db in
            try ReadinessProbeRecord.deleteAll(db)
            try ReadinessProbeRecord(checkedAt: Date().timeIntervalSince1970).insert(db)
        }
    }
}
