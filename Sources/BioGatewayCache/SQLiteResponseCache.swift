import BioGatewayQuery
import Foundation
import GRDB

/// The persistent cache: one SQLite database in WAL mode, written through GRDB.
///
/// Each body is stored with its length and SHA-256; an entry whose body does not match them (a torn
/// write, a damaged file) is dropped on read and reported as a miss, so a bad body is never served.
public final class SQLiteResponseCache: ResponseCache {
    private let database: DatabasePool

    /// Opens (creating if needed) the cache database at `path` and brings its schema up to date.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        var configuration = Configuration()
        configuration.label = "biogateway.cache"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        self.database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(self.database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: cache entries") { db in
            try db.create(table: "cache_entry") { table in
                table.primaryKey("key", .text)
                table.column("source", .text).notNull().indexed()
                table.column("canonical_query", .text).notNull()
                table.column("status", .integer).notNull()
                table.column("content_type", .text).notNull()
                table.column("body", .blob).notNull()
                table.column("body_length", .integer).notNull()
                table.column("body_sha256", .text).notNull()
                table.column("stored_at", .double).notNull()
            }
        }
        return migrator
    }

    public func entry(forKey key: String) async throws -> CachedResponse? {
        let row = try await self.database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM cache_entry WHERE key = ?", arguments: [key])
        }
        guard let row else { return nil }
        let body: Data = row["body"]
        let expectedLength: Int = row["body_length"]
        let expectedDigest: String = row["body_sha256"]
        guard body.count == expectedLength, Self.digest(body) == expectedDigest,
            let source = UpstreamSource(rawValue: row["source"])
        else {
            try await self.database.write { db in
                try db.execute(sql: "DELETE FROM cache_entry WHERE key = ?", arguments: [key])
            }
            return nil
        }
        return CachedResponse(
            key: row["key"],
            source: source,
            canonicalQuery: row["canonical_query"],
            status: row["status"],
            contentType: row["content_type"],
            body: body,
            storedAt: Date(timeIntervalSince1970: row["stored_at"])
        )
    }

    public func store(_ entry: CachedResponse) async throws {
        let digest = Self.digest(entry.body)
        try await self.database.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO cache_entry
                        (key, source, canonical_query, status, content_type, body, body_length, body_sha256, stored_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.key, entry.source.rawValue, entry.canonicalQuery, entry.status, entry.contentType,
                    entry.body, entry.body.count, digest, entry.storedAt.timeIntervalSince1970,
                ]
            )
        }
    }

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

    /// Closes the database (checkpointing the WAL). Later calls fail.
    public func close() throws {
        try self.database.close()
    }

    static func digest(_ body: Data) -> String {
        SHA256Hex.digest(body)
    }
}
