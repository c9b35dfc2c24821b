import Foundation
import GRDB

extension SQLiteResponseCache {
    /// The secret stored under `name`, created with `generate` the first time it is asked for. Every
    /// process that opens the same cache file gets the same secret, so a gateway restarted on its cache
    /// keeps honouring what it signed before.
    public func secret(named name: String, generate: @Sendable () -> Data) throws -> Data {
        try self.database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO gateway_secret (name, value) VALUES (?, ?)",
                arguments: [name, generate()]
            )
            guard let value = try Data.fetchOne(db, sql: "SELECT value FROM gateway_secret WHERE name = ?", arguments: [name]) else {
                throw DatabaseError(message: "secret \(name) vanished after it was written")
            }
            return value
        }
    }
}
