import Foundation
import GRDB

extension SQLiteResponseCache {
    /// The secret stored under `name`, created with `generate` the first time it is asked for. Every
    /// process that opens the same cache file gets the same secret, so a gateway restarted on its cache
    /// keeps honouring what it signed before.
    public func secret(named name: String, generate: @Sendable () -> Data) throws -> Data {
        try self.database.write { db in
            if let stored = try GatewaySecretRecord.fetchOne(db, key: name) { return stored.value }
            let created = GatewaySecretRecord(name: name, value: generate())
            try created.insert(db)
            return created.value
        }
    }
}
