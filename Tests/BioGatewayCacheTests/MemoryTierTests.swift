import BioGatewayCache
import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import GRDB
import NIOCore
import Testing

/// The memory tier in front of the SQLite file: filled on store and on first read, and coherent with
/// replacements, evictions and purges (this process's at once, another process's on the next check).
@Suite("Memory tier")
final class MemoryTierTests {
    let path = temporaryPath()

    deinit { try? FileManager.default.removeItem(atPath: (self.path as NSString).deletingLastPathComponent) }

    func cache(memory: Int = 1 << 20, maximumBytes: Int = 1 << 30) async throws -> ResponseCache {
        try await ResponseCache(path: self.path, maximumBytes: maximumBytes, memoryMaximumBytes: memory)
    }

    /// A cache with a memory tier in `place`.
    static func open(_ place: TestStoreLocation, memory: Int = 1 << 20, maximumBytes: Int = 1 << 30) async throws -> ResponseCache {
        try await place.open(maximumBytes: maximumBytes, memoryMaximumBytes: memory)
    }

    static let body = #"{"recs":[{"genus":"Bufo"}],"matching records":1}"# + String(repeating: " ", count: 400)

    @Test(arguments: TestStore.available) func aStoredAnswerIsReadyInMemoryWithBothCodings(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await Self.open(place)
            try await cache.store(makeEntry(body: Self.body))
            #expect(cache.memory.counters.entries == 1)
            let ready = try #require(try await cache.answer(forKey: "k1"))
            #expect(ready.coding == .gzip)
            #expect(ready.identity == ByteBuffer(string: Self.body))
            #expect(try GzipCodec.decompress(Data(buffer: ready.stored), expectedLength: Self.body.utf8.count) == Data(Self.body.utf8))
            #expect(cache.memory.counters.hits == 1)
        }
    }
    @Test func theFirstReadFromTheFileFillsTheMemoryAndLaterReadsDoNotTouchTheFile() async throws {
        try await self.cache(memory: 0).store(makeEntry(body: Self.body))
        let cache = try await self.cache()
        #expect(cache.memory.counters.entries == 0)
        #expect(try await cache.answer(forKey: "k1")?.identity == ByteBuffer(string: Self.body))
        #expect(cache.memory.counters.entries == 1)
        // the body is damaged in the file: the memory tier's copy (checked when it was read) is what is sent
        let other = try DatabaseQueue(path: self.path)
        try await other.write { db in try db.execute(sql: "UPDATE cache_body SET body = x'00'") }
        #expect(try await cache.answer(forKey: "k1")?.identity == ByteBuffer(string: Self.body))
        #expect(cache.memory.counters.hits == 1)
    }

    @Test func aDamagedEntryIsNeverTakenIntoMemory() async throws {
        try await self.cache(memory: 0).store(makeEntry(body: Self.body))
        let other = try DatabaseQueue(path: self.path)
        try await other.write { db in try db.execute(sql: "UPDATE cache_body SET body = x'00'") }
        let cache = try await self.cache()
        #expect(try await cache.answer(forKey: "k1") == nil)
        #expect(cache.memory.counters.entries == 0)
        #expect(try await cache.count() == 0)
    }

    @Test(arguments: TestStore.available) func aReplacementIsServedAtOnce(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await Self.open(place)
            try await cache.store(makeEntry(body: Self.body))
            _ = try await cache.answer(forKey: "k1")
            let newer = makeEntry(body: #"{"recs":[],"v":2}"#, storedAt: Date(timeIntervalSince1970: 1_800_000_000))
            try await cache.store(newer)
            let ready = try #require(try await cache.answer(forKey: "k1"))
            #expect(ready.storedAt == newer.storedAt)
            #expect(ready.identity == ByteBuffer(string: #"{"recs":[],"v":2}"#))
        }
    }
    @Test(arguments: TestStore.available) func purgesInThisProcessTakeEffectAtOnce(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await Self.open(place)
            try await cache.store(makeEntry("n1", source: .nhm, body: Self.body))
            try await cache.store(makeEntry("n2", source: .nhm, body: Self.body))
            try await cache.store(makeEntry("v1", source: .vertnet, body: Self.body))
            #expect(try await cache.purge(.key("n1")) == 1)
            #expect(try await cache.answer(forKey: "n1") == nil)
            #expect(try await cache.purge(.source(.nhm)) == 1)
            #expect(try await cache.answer(forKey: "n2") == nil)
            #expect(try await cache.answer(forKey: "v1") != nil)
            #expect(try await cache.purge(.everything) == 1)
            #expect(try await cache.answer(forKey: "v1") == nil)
            #expect(cache.memory.counters.entries == 0)
            // this process's own purges are not taken for another's
            #expect(try await cache.followPurgesByOtherProcesses() == false)
        }
    }
    @Test(arguments: TestStore.available) func entriesEvictedFromTheFileLeaveTheMemoryToo(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let first = makeEntry("a", body: Self.body)
            let cache = try await Self.open(place, maximumBytes: first.entryBytes * 2)
            try await cache.store(first)
            try await cache.store(makeEntry("b", body: Self.body, storedAt: first.storedAt.addingTimeInterval(1)))
            try await cache.store(makeEntry("c", body: Self.body, storedAt: first.storedAt.addingTimeInterval(2)))
            #expect(try await cache.count() == 2)
            #expect(cache.memory.counters.entries == 2)
            #expect(try await cache.answer(forKey: "a") == nil)
        }
    }
    @Test(arguments: TestStore.available) func aPurgeByAnotherProcessEmptiesTheMemoryOnTheNextCheck(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await Self.open(place)
            try await cache.store(makeEntry("n1", source: .nhm, body: Self.body))
            try await cache.store(makeEntry("v1", source: .vertnet, body: Self.body))
            #expect(try await cache.followPurgesByOtherProcesses() == false)
            // `biogateway cache purge --source nhm`, as another process: its own connection, no memory tier
            let command = try await place.open()
            #expect(try await command.purge(.source(.nhm)) == 1)
            #expect(try await cache.answer(forKey: "n1") != nil)  // until the check
            #expect(try await cache.followPurgesByOtherProcesses() == true)
            #expect(cache.memory.counters.entries == 0)
            #expect(try await cache.answer(forKey: "n1") == nil)
            #expect(try await cache.answer(forKey: "v1") != nil)  // read again from the file
            // a purge here after another process's unseen one empties the memory whatever its scope
            _ = try await command.purge(.key("nothing"))
            #expect(try await cache.purge(.key("also-nothing")) == 0)
            #expect(cache.memory.counters.entries == 0)
            #expect(try await cache.followPurgesByOtherProcesses() == false)
        }
    }
    @Test(arguments: TestStore.available) func largeGzipAnswersKeepOnlyTheirGzipBytes(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await Self.open(place, memory: 4 << 20)
            let large = "[" + String(repeating: #"{"genus":"Bufo"},"#, count: 20_000) + "{}]"
            try await cache.store(makeEntry(body: large))
            let ready = try #require(try await cache.answer(forKey: "k1"))
            #expect(ready.identity == nil)
            #expect(try ready.identityBody() == ByteBuffer(string: large))
            #expect(ready.memoryBytes < large.utf8.count / 10)
        }
    }
}

@Suite("Cache size total")
final class CacheSizeTotalTests {
    let path = temporaryPath()

    deinit { try? FileManager.default.removeItem(atPath: (self.path as NSString).deletingLastPathComponent) }

    /// The total the bound is checked against (kept by triggers) and the sum of the entries' sizes.
    func totals() throws -> (kept: Int, summed: Int) {
        let queue = try DatabaseQueue(path: self.path)
        return try queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT bytes FROM cache_size")!,
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(entry_bytes), 0) FROM cache_entry")!
            )
        }
    }

    @Test func theKeptTotalFollowsStoresReplacementsEvictionsAndPurgesFromAnyProcess() async throws {
        let entry = makeEntry("a", body: String(repeating: "x", count: 100))
        let cache = try await ResponseCache(path: self.path, maximumBytes: entry.entryBytes * 3)
        for (index, key) in ["a", "b", "c", "d", "e"].enumerated() {
            try await cache.store(makeEntry(key, body: String(repeating: "x", count: 100 + index)))
        }
        try await cache.store(makeEntry("e", body: "{}"))  // a replacement
        var totals = try self.totals()
        #expect(totals.kept == totals.summed)
        #expect(totals.kept <= cache.maximumBytes)
        #expect(try await cache.count() == 3)
        let other = try await ResponseCache(path: self.path)
        _ = try await other.purge(.key("e"))
        totals = try self.totals()
        #expect(totals.kept == totals.summed)
        _ = try await cache.purge(.everything)
        #expect(try self.totals() == (0, 0))
    }
}

/// With PostgreSQL, replicas announce what they change: another replica's memory forgets it at once, without
/// waiting for the purge generation's check.
@Suite("Memory tier, changes announced by other replicas")
struct AnnouncedChangesTests {
    @Test(arguments: TestStore.available.filter { $0 == .postgres })
    func anotherReplicasReplacementsAndPurgesReachTheMemoryAsAnnounced(store: TestStore) async throws {
        try await withTestStore(store) { place in
            let cache = try await place.open(memoryMaximumBytes: 1 << 20)
            let other = try await place.open()
            try await cache.store(makeEntry("n1", source: .nhm, body: MemoryTierTests.body))
            try await cache.store(makeEntry("v1", source: .vertnet, body: MemoryTierTests.body))
            try await cache.store(makeEntry("v2", source: .vertnet, body: MemoryTierTests.body))
            #expect(cache.memory.counters.entries == 3)
            let (listening, listeningNow) = AsyncStream<Void>.makeStream()
            let (changes, changed) = AsyncStream<StoreChange>.makeStream()
            let following = Task {
                try await cache.followChangesByOtherProcesses(onListening: { listeningNow.yield() }, onChange: { changed.yield($0) })
            }
            defer { following.cancel() }
            var listeningEvents = listening.makeAsyncIterator()
            _ = await listeningEvents.next()
            var seen = changes.makeAsyncIterator()

            let newer = makeEntry("v1", body: #"{"recs":[],"v":2}"#, storedAt: Date(timeIntervalSince1970: 1_800_000_000))
            try await other.store(newer)
            #expect(await seen.next() == .replaced("v1"))
            #expect(cache.memory.value(forKey: "v1") == nil)
            #expect(try await cache.answer(forKey: "v1")?.storedAt == newer.storedAt)

            #expect(try await other.purge(.source(.nhm)) == 1)
            #expect(await seen.next() == .purged(.source(.nhm)))
            #expect(cache.memory.value(forKey: "n1") == nil)
            #expect(cache.memory.value(forKey: "v2") != nil)

            // its own changes are not announced back to it
            try await cache.store(makeEntry("v3", body: MemoryTierTests.body))
            #expect(try await other.purge(.key("v2")) == 1)
            #expect(await seen.next() == .purged(.key("v2")))
            #expect(cache.memory.value(forKey: "v3") != nil)
        }
    }
}
