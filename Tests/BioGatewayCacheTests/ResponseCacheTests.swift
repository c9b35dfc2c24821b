import BioGatewayCache
import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import GRDB
import Testing

/// A fresh temporary cache file.
func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)/cache.sqlite").path
}

/// An entry with a body of the given text (compressed as the gateway stores it).
func makeEntry(
    _ key: String = "k1",
    source: UpstreamSource = .vertnet,
    body: String = #"{"recs":[]}"#,
    recordCount: Int? = 1,
    storedAt: Date = Date(timeIntervalSince1970: 1_700_000_000)
) -> CachedResponse {
    CachedResponse.compressing(
        key: key,
        source: source,
        canonicalQuery: #"{"q":"x"}"#,
        status: 200,
        contentType: "application/json",
        recordCount: recordCount,
        body: Data(body.utf8),
        storedAt: storedAt
    )
}

@Suite("SQLite response cache")
final class ResponseCacheTests {
    let path = temporaryPath()

    // each test gets its own instance: its cache folder goes when the test ends
    deinit { try? FileManager.default.removeItem(atPath: (self.path as NSString).deletingLastPathComponent) }

    @Test func closingCheckpointsTheWALAndLeavesOnlyTheDatabaseFile() async throws {
        let cache = try await ResponseCache(path: self.path)
        for number in 0..<20 { try await cache.store(makeEntry("k\(number)", body: String(repeating: "x", count: 10_000))) }
        _ = try await cache.entry(forKey: "k3")  // a pool reader has been used too
        let folder = URL(fileURLWithPath: self.path).deletingLastPathComponent()
        #expect(FileManager.default.fileExists(atPath: self.path + "-wal"))
        try await cache.flush()
        try await cache.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["cache.sqlite"])
        let reopened = try await ResponseCache(path: self.path)
        #expect(try await reopened.entry(forKey: "k19") != nil)
    }

    @Test func theFilesAndTheirFolderAreTheGatewaysAlone() async throws {
        let cache = try await ResponseCache(path: self.path)
        try await cache.store(makeEntry())
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(self.path) == 0o600)
        #expect(try mode(self.path + "-wal") == 0o600)
        #expect(try mode(self.path + "-shm") == 0o600)
        #expect(try mode(URL(fileURLWithPath: self.path).deletingLastPathComponent().path) == 0o700)
        try await cache.close()
    }

    @Test func aDamagedBodyIsDroppedNotServed() async throws {
        let cache = try await ResponseCache(path: self.path)
        try await cache.store(makeEntry())
        try await cache.store(makeEntry("k2"))
        try await cache.close()
        let queue = try DatabaseQueue(path: self.path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE cache_body SET body = ? WHERE key = 'k1'", arguments: [Data("{\"recs\":[1]}".utf8)])
            try db.execute(sql: "UPDATE cache_body SET body = substr(body, 1, 5) WHERE key = 'k2'")
        }
        try queue.close()
        let reopened = try await ResponseCache(path: self.path)
        #expect(try await reopened.entry(forKey: "k1") == nil)
        #expect(try await reopened.verify() == .init(integrity: "ok", intact: 0, dropped: 1))
        #expect(try await reopened.count() == 0)
    }

    @Test func readsDoNotWriteUntilTheBatchIsFlushed() async throws {
        let cache = try await ResponseCache(path: self.path)
        try await cache.store(makeEntry())
        let before = try Self.lastAccess(self.path, "k1")
        for second in 1...100 {
            _ = try await cache.entry(forKey: "k1")
            cache.noteAccess("k1", at: Date(timeIntervalSince1970: 1_700_000_000 + Double(second)))
            cache.count(.hit)
        }
        #expect(try Self.lastAccess(self.path, "k1") == before)
        #expect(try await cache.statistics().hits == 100)  // pending counters are written and reported
        try await cache.flush()
        #expect(try Self.lastAccess(self.path, "k1") == 1_700_000_100)
        #expect(try await cache.statistics().hits == 100)
    }

    static func lastAccess(_ path: String, _ key: String) throws -> Double? {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try Double.fetchOne(db, sql: "SELECT last_access FROM cache_entry WHERE key = ?", arguments: [key]) }
    }

    @Test func aVersionOneDatabaseIsMigratedWithItsEntries() async throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: self.path).deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        let queue = try DatabaseQueue(path: self.path)
        let body = Data(#"{"recs":[]}"#.utf8)
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1: cache entries');
                    CREATE TABLE cache_entry (key TEXT NOT NULL PRIMARY KEY, source TEXT NOT NULL, canonical_query TEXT NOT NULL,
                        status INTEGER NOT NULL, content_type TEXT NOT NULL, body BLOB NOT NULL, body_length INTEGER NOT NULL,
                        body_sha256 TEXT NOT NULL, stored_at DOUBLE NOT NULL);
                    CREATE INDEX cache_entry_on_source ON cache_entry(source);
                    """
            )
            try db.execute(
                sql: "INSERT INTO cache_entry VALUES ('old', 'vertnet', '{}', 200, 'application/json', ?, ?, ?, 1700000000)",
                arguments: [body, body.count, SHA256Hex.digest(body)]
            )
        }
        try queue.close()
        let cache = try await ResponseCache(path: self.path)
        let entry = try #require(try await cache.entry(forKey: "old"))
        #expect(entry.coding == .identity)
        #expect(try entry.identityBody() == body)
        #expect(try await cache.integrityCheck() == "ok")
    }
}

/// The cache's behaviour through its public API, the same against every store: SQLite, and PostgreSQL when
/// the tests have a server (``TestStore/available``).
@Suite("Response cache, every store")
struct ResponseCacheStoreTests {
    @Test(arguments: TestStore.available) func storesAndReturnsExactBytes(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await place.open()
            let body = "{\"recs\": [\"\\u00e9\"],  \"x\":1}" + String(repeating: " ", count: 500)
            let stored = makeEntry(body: body)
            try await cache.store(stored)
            let read = try #require(try await cache.entry(forKey: "k1"))
            #expect(read == stored)
            #expect(read.coding == .gzip)
            #expect(try read.identityBody() == Data(body.utf8))
            #expect(try await cache.entry(forKey: "other") == nil)
            #expect(try await cache.count() == 1)
        }
    }

    @Test(arguments: TestStore.available) func incompressibleBodiesAreStoredAsTheyCame(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await place.open()
            let stored = makeEntry(body: "{}")
            #expect(stored.coding == .identity)
            try await cache.store(stored)
            #expect(try await cache.entry(forKey: "k1")?.storedBody == Data("{}".utf8))
        }
    }

    @Test(arguments: TestStore.available) func survivesReopening(store: TestStore) async throws {
        try await withTestStore(store) { place in
            do {
                let cache = try await place.open()
                try await cache.store(makeEntry())
                cache.count(.hit)
                try await cache.flush()
                try await cache.close()
            }
            let reopened = try await place.open()
            #expect(try await reopened.entry(forKey: "k1") == makeEntry())
            #expect(try await reopened.integrityCheck() == "ok")
            #expect(try await reopened.statistics().hits == 1)
        }
    }

    @Test(arguments: TestStore.available) func statisticsDuringFlushesCountEachEventOnce(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await place.open()
            try await cache.store(makeEntry())
            for round in 1...200 {
                cache.count(.hit)
                cache.count(.hit)
                async let flushed: Void = cache.flush()
                async let statistics = cache.statistics()
                let (_, hits) = try await (flushed, statistics.hits)
                #expect(hits == 2 * round, "round \(round)")
            }
        }
    }

    @Test(arguments: TestStore.available) func fillingPastTheBoundEvictsTheLeastRecentlyUsed(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let size = makeEntry("k00").entryBytes
            let cache = try await place.open(maximumBytes: size * 10)
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            for index in 0..<10 {
                try await cache.store(makeEntry(String(format: "k%02d", index), storedAt: start.addingTimeInterval(Double(index))))
            }
            // k00 and k01 are read (batched, not yet written): they become the most recently used
            cache.noteAccess("k00", at: start.addingTimeInterval(100))
            cache.noteAccess("k01", at: start.addingTimeInterval(101))
            let outcome = try await cache.store(makeEntry("k10", storedAt: start.addingTimeInterval(102)))
            #expect(outcome == .init(stored: true, evicted: 1))
            #expect(try await cache.entry(forKey: "k02") == nil)
            #expect(try await cache.entry(forKey: "k00") != nil)
            #expect(try await cache.entry(forKey: "k01") != nil)
            for index in 11..<30 {
                try await cache.store(makeEntry("k\(index)", storedAt: start.addingTimeInterval(Double(100 + index))))
            }
            let statistics = try await cache.statistics()
            #expect(statistics.bytes <= size * 10)
            #expect(statistics.entries == 10)
            #expect(statistics.evictions == 20)
        }
    }

    @Test(arguments: TestStore.available) func anEntryLargerThanTheWholeCacheIsNotStored(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await place.open(maximumBytes: 64)
            let incompressible = (0..<20).map { _ in UUID().uuidString }.joined()
            let outcome = try await cache.store(makeEntry(body: incompressible))
            #expect(outcome == .init(stored: false, evicted: 0))
            #expect(try await cache.count() == 0)
        }
    }

    @Test(arguments: TestStore.available) func purgeRemovesExactlyTheScope(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await place.open()
            for (key, source) in [("a", UpstreamSource.nhm), ("b", .nhm), ("c", .vertnet), ("d", .vertnet)] {
                try await cache.store(makeEntry(key, source: source))
            }
            #expect(try await cache.purge(.key("c")) == 1)
            #expect(try await cache.purge(.key("c")) == 0)
            #expect(try await cache.entry(forKey: "d") != nil)
            #expect(try await cache.purge(.source(.nhm)) == 2)
            #expect(try await cache.statistics().sources.keys.sorted() == ["vertnet"])
            #expect(try await cache.purge(.everything) == 1)
            try await cache.vacuum()
            #expect(try await cache.count() == 0)
            #expect(try await cache.integrityCheck() == "ok")
        }
    }

    @Test(arguments: TestStore.available) func statisticsReportSizeCompressionAndCounters(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await place.open(maximumBytes: 1 << 20)
            let body = #"{"recs":["# + String(repeating: #"{"genus":"Bufo","country":"Mexico"},"#, count: 200) + "{}]}"
            try await cache.store(makeEntry(body: body, storedAt: Date(timeIntervalSince1970: 1_600_000_000)))
            try await cache.store(makeEntry("k2", source: .nhm, body: body))
            for event in [CacheEvent.hit, .hit, .hit, .staleServed, .miss, .miss, .coalesced] { cache.count(event) }
            let statistics = try await cache.statistics()
            #expect(statistics.entries == 2)
            #expect(statistics.identityBytes == 2 * body.utf8.count)
            #expect(statistics.bodyBytes < statistics.identityBytes / 10)
            #expect(statistics.hitRatio == 4.0 / 6.0)
            #expect(statistics.coalesced == 1)
            #expect(statistics.oldestEntry == Date(timeIntervalSince1970: 1_600_000_000))
            #expect(statistics.sources["nhm"]?.entries == 1)
        }
    }
}

@Suite("Cache policy")
struct CachePolicyTests {
    let policy = CachePolicy(nhmTTL: 100, vertnetTTL: 50, emptyTTL: 10, staleWhileRevalidate: 20, staleIfError: 1000)

    @Test func freshnessFollowsEachSourcesTTL() {
        let nhm = makeEntry(source: .nhm)
        let vertnet = makeEntry(source: .vertnet)
        let at = { (seconds: Double) in nhm.storedAt.addingTimeInterval(seconds) }
        #expect(self.policy.freshness(of: nhm, at: at(99)) == .fresh(remaining: 1))
        #expect(self.policy.freshness(of: vertnet, at: at(49)) == .fresh(remaining: 1))
        #expect(self.policy.freshness(of: vertnet, at: at(50)) == .revalidatable(staleFor: 0))
        #expect(self.policy.freshness(of: vertnet, at: at(69)) == .revalidatable(staleFor: 19))
        #expect(self.policy.freshness(of: vertnet, at: at(70)) == .stale(staleFor: 20))
        #expect(self.policy.isUsableOnError(vertnet, at: at(1049)))
        #expect(!self.policy.isUsableOnError(vertnet, at: at(1050)))
    }

    @Test func emptyAnswersHaveTheShortLifetime() {
        let empty = makeEntry(recordCount: 0)
        #expect(self.policy.lifetime(of: empty) == 10)
        #expect(self.policy.lifetime(of: makeEntry(recordCount: nil)) == 50)
        let shortTTL = CachePolicy(nhmTTL: 5, vertnetTTL: 5, emptyTTL: 300)
        #expect(shortTTL.lifetime(of: empty) == 5)
    }
}
