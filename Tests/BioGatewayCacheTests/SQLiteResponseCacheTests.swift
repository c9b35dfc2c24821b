import BioGatewayCache
import BioGatewayQuery
import Foundation
import GRDB
import Testing

@Suite("SQLite response cache")
struct SQLiteResponseCacheTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)/cache.sqlite").path

    func entry(_ key: String = "k1", body: String = #"{"recs":[]}"#) -> CachedResponse {
        CachedResponse(
            key: key,
            source: .vertnet,
            canonicalQuery: #"{"q":"x"}"#,
            status: 200,
            contentType: "application/json",
            body: Data(body.utf8),
            storedAt: Date(timeIntervalSince1970: 1_700_000_000)
        )
    }

    @Test func storesAndReturnsExactBytes() async throws {
        let cache = try SQLiteResponseCache(path: self.path)
        let stored = self.entry(body: "{\"recs\": [\"\\u00e9\"],  \"x\":1}")
        try await cache.store(stored)
        let read = try #require(try await cache.entry(forKey: "k1"))
        #expect(read == stored)
        #expect(try await cache.entry(forKey: "other") == nil)
        #expect(try await cache.count() == 1)
    }

    @Test func survivesReopening() async throws {
        do {
            let cache = try SQLiteResponseCache(path: self.path)
            try await cache.store(self.entry())
            try cache.close()
        }
        let reopened = try SQLiteResponseCache(path: self.path)
        #expect(try await reopened.entry(forKey: "k1") == self.entry())
        #expect(try await reopened.integrityCheck() == "ok")
    }

    @Test func aDamagedBodyIsDroppedNotServed() async throws {
        let cache = try SQLiteResponseCache(path: self.path)
        try await cache.store(self.entry())
        try cache.close()
        let queue = try DatabaseQueue(path: self.path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE cache_entry SET body = ? WHERE key = 'k1'", arguments: [Data("{\"recs\":[1]}".utf8)])
        }
        try queue.close()
        let reopened = try SQLiteResponseCache(path: self.path)
        #expect(try await reopened.entry(forKey: "k1") == nil)
        #expect(try await reopened.count() == 0)
    }

    @Test func freshnessFollowsTheTTL() {
        let entry = self.entry()
        #expect(entry.isFresh(at: entry.storedAt.addingTimeInterval(59), ttl: 60))
        #expect(!entry.isFresh(at: entry.storedAt.addingTimeInterval(60), ttl: 60))
    }
}

@Suite("Request coalescing")
struct RequestCoalescerTests {
    actor Counter {
        var value = 0
        func increment() -> Int {
            self.value += 1
            return self.value
        }
    }

    @Test func concurrentCallersShareOneComputation() async throws {
        let coalescer = RequestCoalescer<Int>()
        let counter = Counter()
        let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await coalescer.value(forKey: "k") {
                        try await Task.sleep(for: .milliseconds(200))
                        return await counter.increment()
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(await counter.value == 1)
        #expect(results.allSatisfy { $0.0 == 1 })
        #expect(results.filter { !$0.1 }.count == 1)
        #expect(await coalescer.inFlightCount == 0)
    }

    @Test func laterCallersComputeAgain() async throws {
        let coalescer = RequestCoalescer<Int>()
        let counter = Counter()
        _ = try await coalescer.value(forKey: "k") { await counter.increment() }
        _ = try await coalescer.value(forKey: "k") { await counter.increment() }
        #expect(await counter.value == 2)
    }
}
