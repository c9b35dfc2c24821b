import Logging
import PostgresNIO

/// The shared cache's schema, as numbered migrations. Each replica runs the ones not yet applied when it
/// starts, under a transaction-scoped advisory lock: replicas starting together wait for each other, and
/// each migration runs exactly once.
enum PostgresSchema {
    /// The migrations, in order; a migration is a list of statements run in one transaction.
    static let migrations: [(name: String, statements: [String])] = [
        (
            "v1: entries, bodies, counters, secrets, purge generation, size kept by a trigger",
            [
                """
                CREATE TABLE cache_entry (
                    key text PRIMARY KEY, source text NOT NULL, canonical_query text NOT NULL, status integer NOT NULL,
                    content_type text NOT NULL, record_count bigint, coding text NOT NULL, body_length bigint NOT NULL,
                    body_sha256 text NOT NULL, identity_length bigint NOT NULL, entry_bytes bigint NOT NULL,
                    stored_at double precision NOT NULL, last_access double precision NOT NULL,
                    immutable boolean NOT NULL DEFAULT false
                )
                """,
                "CREATE INDEX cache_entry_on_source ON cache_entry (source)",
                "CREATE INDEX cache_entry_lru ON cache_entry (last_access, stored_at)",
                "CREATE INDEX cache_entry_on_stored_at ON cache_entry (stored_at)",
                "CREATE TABLE cache_body (key text PRIMARY KEY REFERENCES cache_entry (key) ON DELETE CASCADE, body bytea NOT NULL)",
                "CREATE TABLE cache_counter (name text PRIMARY KEY, value bigint NOT NULL)",
                "CREATE TABLE cache_daily_counter (day text NOT NULL, name text NOT NULL, value bigint NOT NULL, PRIMARY KEY (day, name))",
                "CREATE TABLE cache_info (name text PRIMARY KEY, value text NOT NULL)",
                "INSERT INTO cache_info (name, value) VALUES ('created_at', extract(epoch FROM now())::text)",
                "CREATE TABLE gateway_secret (name text PRIMARY KEY, value bytea NOT NULL)",
                "CREATE TABLE cache_generation (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)",
                "INSERT INTO cache_generation (id, value) VALUES (1, 0)",
                "CREATE TABLE cache_size (id integer PRIMARY KEY CHECK (id = 1), bytes bigint NOT NULL)",
                "INSERT INTO cache_size (id, bytes) VALUES (1, 0)",
                """
                CREATE FUNCTION cache_size_follow() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        UPDATE cache_size SET bytes = bytes + NEW.entry_bytes WHERE id = 1;
                        RETURN NEW;
                    END IF;
                    UPDATE cache_size SET bytes = bytes - OLD.entry_bytes WHERE id = 1;
                    RETURN OLD;
                END
                $$
                """,
                "CREATE TRIGGER cache_size_on_change AFTER INSERT OR DELETE ON cache_entry FOR EACH ROW EXECUTE FUNCTION cache_size_follow()",
                "CREATE TABLE readiness_probe (checked_at double precision NOT NULL)",
            ]
        ),
        (
            "v2: fetch claims, upstream pace and slots",
            [
                // one row per question being fetched upstream by some replica, until it is stored or expires
                "CREATE TABLE cache_claim (key text PRIMARY KEY, holder text NOT NULL, expires_at double precision NOT NULL)",
                // the earliest moment the next request to an upstream may start, across the cluster
                "CREATE TABLE upstream_pace (source text PRIMARY KEY, next_at double precision NOT NULL)",
                // an upstream's concurrency: one row per slot, held by a replica while its request is in flight
                """
                CREATE TABLE upstream_slot (
                    source text NOT NULL, slot integer NOT NULL, holder text, expires_at double precision NOT NULL DEFAULT 0,
                    PRIMARY KEY (source, slot)
                )
                """,
                // the gateways alive (each notes itself every 5 s): when the store cannot be reached, each paces
                // alone at the cluster's rate divided by their number
                "CREATE TABLE gateway_replica (id text PRIMARY KEY, seen_at double precision NOT NULL)",
            ]
        ),
        (
            "v3: client budgets shared",
            [
                // what each gateway allowed each client, read by the others every second
                """
                CREATE TABLE client_usage (
                    id bigserial PRIMARY KEY, replica text NOT NULL, client text NOT NULL, budget text NOT NULL,
                    count bigint NOT NULL, interval double precision NOT NULL, at double precision NOT NULL
                )
                """,
                "CREATE INDEX client_usage_on_at ON client_usage (at)",
            ]
        ),
    ]

    /// Applies the migrations not yet applied.
    static func migrate(_ client: PostgresClient, lock: Int64, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS biogateway_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger
            )
            var applied = 0
            for try await version in try await connection.query("SELECT COALESCE(max(version), 0) FROM biogateway_migration", logger: logger)
                .decode(Int.self)
            {
                applied = version
            }
            for (index, migration) in self.migrations.enumerated() where index + 1 > applied {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO biogateway_migration (version, name) VALUES (\(index + 1), \(migration.name))",
                    logger: logger
                )
                logger.info("cache store migrated", metadata: ["migration": "\(migration.name)"])
            }
        }
    }
}
