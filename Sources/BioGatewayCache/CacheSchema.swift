import GRDB

/// The cache database's schema, as GRDB migrations.
///
/// v2 keeps entry metadata and bodies in separate tables, so that sizing, eviction and statistics read a
/// small table and never touch the bodies.
enum CacheSchema {
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
        migrator.registerMigration("v2: bodies apart, LRU, compression, counters") { db in
            try db.rename(table: "cache_entry", to: "cache_entry_v1")
            try db.execute(sql: "DROP INDEX IF EXISTS cache_entry_on_source")
            try db.create(table: "cache_entry") { table in
                table.primaryKey("key", .text)
                table.column("source", .text).notNull().indexed()
                table.column("canonical_query", .text).notNull()
                table.column("status", .integer).notNull()
                table.column("content_type", .text).notNull()
                table.column("record_count", .integer)
                table.column("coding", .text).notNull()
                table.column("body_length", .integer).notNull()
                table.column("body_sha256", .text).notNull()
                table.column("identity_length", .integer).notNull()
                table.column("entry_bytes", .integer).notNull()
                table.column("stored_at", .double).notNull().indexed()
                table.column("last_access", .double).notNull()
            }
            try db.create(index: "cache_entry_lru", on: "cache_entry", columns: ["last_access", "entry_bytes"])
            try db.create(table: "cache_body") { table in
                table.primaryKey("key", .text).references("cache_entry", onDelete: .cascade)
                table.column("body", .blob).notNull()
            }
            try db.execute(
                sql: """
                    INSERT INTO cache_entry
                    SELECT key, source, canonical_query, status, content_type, NULL, 'identity', body_length, body_sha256,
                           body_length, body_length + length(CAST(canonical_query AS BLOB)), stored_at, stored_at
                    FROM cache_entry_v1;
                    INSERT INTO cache_body SELECT key, body FROM cache_entry_v1;
                    DROP TABLE cache_entry_v1;
                    """
            )
            try db.create(table: "cache_counter") { table in
                table.primaryKey("name", .text)
                table.column("value", .integer).notNull()
            }
        }
        migrator.registerMigration("v3: gateway secrets") { db in
            try db.create(table: "gateway_secret") { table in
                table.primaryKey("name", .text)
                table.column("value", .blob).notNull()
            }
        }
        migrator.registerMigration("v4: readiness probe") { db in
            // created by /readyz itself before v4: kept if it is there
            try db.create(table: "readiness_probe", options: .ifNotExists) { table in
                table.column("checked_at", .double).notNull()
            }
        }
        migrator.registerMigration("v5: purge generation") { db in
            // one row, incremented by every purge and deletion: a gateway's memory tier compares it with the
            // value it last saw, so purges made by another process (`biogateway cache purge`) reach it
            try db.create(table: "cache_generation") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("value", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO cache_generation (id, value) VALUES (1, 0)")
        }
        migrator.registerMigration("v6: total size kept by triggers") { db in
            // each store checks the bound: summing every entry's size then made a store linear in the number
            // of entries (a 100,000-entry cache took 7 ms of CPU per miss). The total is kept in one row by
            // triggers, so it stays right whichever process inserts or deletes.
            try db.create(table: "cache_size") { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("bytes", .integer).notNull()
            }
            try db.execute(
                sql: """
                    INSERT INTO cache_size (id, bytes) SELECT 1, COALESCE(SUM(entry_bytes), 0) FROM cache_entry;
                    CREATE TRIGGER cache_size_on_insert AFTER INSERT ON cache_entry BEGIN
                        UPDATE cache_size SET bytes = bytes + NEW.entry_bytes WHERE id = 1;
                    END;
                    CREATE TRIGGER cache_size_on_delete AFTER DELETE ON cache_entry BEGIN
                        UPDATE cache_size SET bytes = bytes - OLD.entry_bytes WHERE id = 1;
                    END;
                    """
            )
        }
        migrator.registerMigration("v7: immutable entries") { db in
            // answers pinned to a data version at or below the upstream's latest never change: stored without
            // expiry, only the size bound evicts them
            try db.alter(table: "cache_entry") { table in
                table.add(column: "immutable", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v8: daily counters") { db in
            // what the cache saved the upstreams, day by day (UTC), and since when it has counted: a cache
            // older than this migration dates from its oldest entry
            try db.execute(
                sql: """
                    CREATE TABLE cache_daily_counter (
                        day TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (day, name)
                    ) WITHOUT ROWID;
                    CREATE TABLE cache_info (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    INSERT INTO cache_info (name, value)
                        SELECT 'created_at', COALESCE(MIN(stored_at), CAST(strftime('%s', 'now') AS REAL)) FROM cache_entry;
                    """
            )
        }
        return migrator
    }
}
