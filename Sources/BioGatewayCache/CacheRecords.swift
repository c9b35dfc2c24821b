import BioGatewayQuery
import Foundation
import GRDB

/// A row of `cache_entry`: what is known of a stored answer, without its body (sizing, eviction and
/// statistics read only this table).
package struct CacheEntryRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "cache_entry"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var key: String
    package var source: String
    package var canonicalQuery: String
    package var status: Int
    package var contentType: String
    package var recordCount: Int?
    package var coding: String
    package var bodyLength: Int
    package var bodySha256: String
    package var identityLength: Int
    package var entryBytes: Int
    package var storedAt: Double
    package var lastAccess: Double
    package var immutable: Bool

    /// Columns the queries name.
    package enum Columns {
        package static let key = Column(CodingKeys.key)
        package static let source = Column(CodingKeys.source)
        package static let entryBytes = Column("entry_bytes")
        package static let storedAt = Column("stored_at")
        package static let lastAccess = Column("last_access")
    }

    /// A row as a store read it.
    package init(
        key: String,
        source: String,
        canonicalQuery: String,
        status: Int,
        contentType: String,
        recordCount: Int?,
        coding: String,
        bodyLength: Int,
        bodySha256: String,
        identityLength: Int,
        entryBytes: Int,
        storedAt: Double,
        lastAccess: Double,
        immutable: Bool
    ) {
        self.key = key
        self.source = source
        self.canonicalQuery = canonicalQuery
        self.status = status
        self.contentType = contentType
        self.recordCount = recordCount
        self.coding = coding
        self.bodyLength = bodyLength
        self.bodySha256 = bodySha256
        self.identityLength = identityLength
        self.entryBytes = entryBytes
        self.storedAt = storedAt
        self.lastAccess = lastAccess
        self.immutable = immutable
    }

    /// The row for `entry`, first used when it is stored.
    package init(_ entry: CachedResponse) {
        self.key = entry.key
        self.source = entry.source.rawValue
        self.canonicalQuery = entry.canonicalQuery
        self.status = entry.status
        self.contentType = entry.contentType
        self.recordCount = entry.recordCount
        self.coding = entry.coding.rawValue
        self.bodyLength = entry.storedBody.count
        self.bodySha256 = entry.bodyDigest
        self.identityLength = entry.identityLength
        self.entryBytes = entry.entryBytes
        self.storedAt = entry.storedAt.timeIntervalSince1970
        self.lastAccess = entry.storedAt.timeIntervalSince1970
        self.immutable = entry.isImmutable
    }

    /// The entry this row and `body` describe, if the body matches the recorded length and digest.
    package func verified(body: Data) -> CachedResponse? {
        guard body.count == self.bodyLength, SHA256Hex.digest(body) == self.bodySha256,
            let source = UpstreamSource(rawValue: self.source),
            let coding = ContentCoding(rawValue: self.coding)
        else { return nil }
        return CachedResponse(
            key: self.key,
            source: source,
            canonicalQuery: self.canonicalQuery,
            status: self.status,
            contentType: self.contentType,
            recordCount: self.recordCount,
            storedBody: body,
            coding: coding,
            identityLength: self.identityLength,
            storedAt: Date(timeIntervalSince1970: self.storedAt),
            bodyDigest: self.bodySha256,
            isImmutable: self.immutable
        )
    }
}

/// A row of `cache_body`: the stored bytes of one entry (deleted with it).
struct CacheBodyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "cache_body"

    var key: String
    var body: Data
}

/// An entry and its body, read together on the hit path.
struct StoredEntryRow: FetchableRecord {
    var entry: CacheEntryRecord
    var body: Data?

    init(row: Row) throws {
        self.entry = try CacheEntryRecord(row: row)
        self.body = row["body"]
    }
}

/// A row of `cache_counter`: one statistic, kept across restarts.
struct CacheCounterRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "cache_counter"

    var name: String
    var value: Int
}

/// A row of `gateway_secret`.
struct GatewaySecretRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "gateway_secret"

    var name: String
    var value: Data
}

/// A row of `readiness_probe`: `/readyz` writes one to prove the file takes writes.
struct ReadinessProbeRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "readiness_probe"
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var checkedAt: Double
}

/// The row of `cache_generation`: how many purges the file has seen (see ``MemoryCoherence``).
enum CacheGenerationRecord {
    /// The current generation.
    static func current(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT value FROM cache_generation WHERE id = 1")) ?? 0
    }

    /// Moves the generation on by one; returns it before and after.
    static func advance(_ db: Database) throws -> (before: Int, after: Int) {
        let before = try self.current(db)
        try db.execute(sql: "UPDATE cache_generation SET value = value + 1 WHERE id = 1")
        return (before, before + 1)
    }
}
