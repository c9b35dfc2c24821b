import BioGatewayCache
import BioGatewayPostgres
import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("PostgreSQL store location")
struct PostgresLocationTests {
    @Test func readsTheURLAndKeepsThePasswordApart() throws {
        let location = try PostgresLocation(url: "postgres://gateway:s%40cret@db.internal:6543/cache?sslmode=require")
        #expect(location.host == "db.internal")
        #expect(location.port == 6543)
        #expect(location.username == "gateway")
        #expect(location.password == "s@cret")
        #expect(location.database == "cache")
        #expect(location.sslMode == "require")
        #expect(location.maximumConnections == 16)
        #expect(try PostgresLocation(url: "postgres://db/cache?max_connections=4").maximumConnections == 4)
        #expect(try PostgresLocation(url: "postgres://gateway:inurl@db/cache", password: "fromfile").password == "fromfile")
        let socket = try PostgresLocation(url: "postgresql:///cache?host=/var/run/postgresql")
        #expect(socket.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(socket.username == "postgres" && socket.database == "cache")
    }

    @Test(arguments: ["http://db/cache", "postgres://db/cache?sslmode=verify-full", "postgres:///cache", "postgres://db/cache?max_connections=0"])
    func refusesWhatItCannotUse(url: String) {
        #expect(throws: (any Error).self) { try PostgresLocation(url: url) }
    }
}

@Suite("PostgreSQL store: replicas")
struct PostgresReplicaTests {
    static let postgres = TestStore.available.filter { $0 == .postgres }

    /// Replicas starting together migrate once: the others wait for the advisory lock and find it done.
    @Test(arguments: Self.postgres) func concurrentStartsMigrateOnce(store: TestStore) async throws {
        try await withTestStore(store) { place in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<5 { group.addTask { _ = try await place.open() } }
                try await group.waitForAll()
            }
            let cache = try await place.open()
            try await cache.store(makeEntry())
            #expect(try await cache.integrityCheck() == "ok")
            #expect(try await place.migrations() == PostgresCacheStore.schemaVersions)
            #expect(PostgresCacheStore.schemaVersions.count >= 3)
        }
    }

    /// One replica holds a question's fetch; another is refused it until the first releases it.
    @Test(arguments: Self.postgres) func aFetchIsClaimedByOneReplicaAtATime(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let first = try await place.open()
            let second = try await place.open()
            #expect(try await first.claimFetch(of: "q", for: 60))
            #expect(try await first.claimFetch(of: "q", for: 60))  // its own claim, renewed
            #expect(try await second.claimFetch(of: "q", for: 60) == false)
            #expect(try await second.claimFetch(of: "other", for: 60))
            try await first.releaseFetch(of: "q")
            #expect(try await second.claimFetch(of: "q", for: 60))
            // a claim whose holder died expires: one of no duration is free at once
            #expect(try await first.claimFetch(of: "brief", for: 0))
            #expect(try await second.claimFetch(of: "brief", for: 60))
        }
    }

    /// The cursor key (and any secret) is the same for every replica.
    @Test(arguments: Self.postgres) func secretsAreSharedByEveryReplica(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let first = try await place.open().secret(named: "cursor") { Data("first".utf8) }
            let second = try await place.open().secret(named: "cursor") { Data("second".utf8) }
            #expect(first == Data("first".utf8))
            #expect(second == first)
        }
    }
}

/// An entry with a small body.
func makeEntry(_ key: String = "k1") -> CachedResponse {
    CachedResponse.compressing(
        key: key,
        source: .vertnet,
        canonicalQuery: #"{"q":"x"}"#,
        status: 200,
        contentType: "application/json",
        recordCount: 1,
        body: Data(#"{"recs":[]}"#.utf8),
        storedAt: Date(timeIntervalSince1970: 1_700_000_000)
    )
}
