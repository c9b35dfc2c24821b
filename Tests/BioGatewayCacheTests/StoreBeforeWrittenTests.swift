import BioGatewayCache
import BioGatewayTestSupport
import Foundation
import GRDB
import NIOCore
import Synchronization
import Testing

/// A fetched answer is sent once the memory tier holds it and its write is queued, not once the write has
/// committed; and a key the file does not hold is answered as absent without reading the file.
@Suite("Answers stored before their write, keys known in memory")
final class StoreBeforeWrittenTests {
    let path = temporaryPath()

    deinit { try? FileManager.default.removeItem(atPath: (self.path as NSString).deletingLastPathComponent) }

    func cache(memory: Int = 1 << 20, maximumBytes: Int = 1 << 30) async throws -> ResponseCache {
        try await ResponseCache(path: self.path, maximumBytes: maximumBytes, memoryMaximumBytes: memory)
    }

    /// Stores `entry` before its write and returns the write's outcome once it is reported.
    func storeBeforeWritten(_ entry: CachedResponse, in cache: ResponseCache) async throws -> (stored: Bool, written: ResponseCache.StoreOutcome) {
        let reported = AsyncStream<Result<ResponseCache.StoreOutcome, any Error>>.makeStream()
        let stored = try await cache.storeBeforeWritten(entry) { reported.continuation.yield($0) }
        for await outcome in reported.stream { return (stored, try outcome.get()) }
        throw CancellationError()
    }

    @Test func theAnswerIsReadyAtOnceAndItsWriteReachesTheFile() async throws {
        let cache = try await self.cache()
        let (stored, written) = try await self.storeBeforeWritten(makeEntry("k1", body: "one"), in: cache)
        #expect(stored)
        #expect(written == ResponseCache.StoreOutcome(stored: true, evicted: 0))
        #expect(try await cache.answer(forKey: "k1")?.identity == ByteBuffer(string: "one"))
        #expect(try await cache.count() == 1)
        // another process reading the file finds it
        try await cache.flush()
        let other = try DatabaseQueue(path: self.path)
        #expect(try await other.read { db in try String.fetchAll(db, sql: "SELECT key FROM cache_entry") } == ["k1"])
    }

    @Test func whatIsAskedAfterTheStoreReturnsSeesIt() async throws {
        let cache = try await self.cache()
        _ = try await cache.storeBeforeWritten(makeEntry("k1", body: "one")) { _ in }
        // read straight from the file: waits for the queued write
        #expect(try await cache.entry(forKey: "k1") != nil)
        _ = try await cache.storeBeforeWritten(makeEntry("k2", body: "two")) { _ in }
        // a purge asked for now runs after the queued write: nothing of k2 survives it
        #expect(try await cache.purge(.key("k2")) == 1)
        #expect(try await cache.answer(forKey: "k2") == nil)
        #expect(try await cache.count() == 1)
    }

    @Test func evictionsAreReportedWhenTheWriteCommits() async throws {
        let first = makeEntry("k1", body: String(repeating: "a", count: 100))
        let cache = try await self.cache(maximumBytes: first.entryBytes + 10)
        _ = try await self.storeBeforeWritten(first, in: cache)
        let (_, written) = try await self.storeBeforeWritten(makeEntry("k2", body: String(repeating: "b", count: 100)), in: cache)
        #expect(written.evicted == 1)
        #expect(try await cache.answer(forKey: "k1") == nil)
        #expect(try await cache.answer(forKey: "k2") != nil)
    }

    @Test func withoutAMemoryTierTheWriteIsWaitedFor() async throws {
        let cache = try await self.cache(memory: 0)
        let written = Mutex<ResponseCache.StoreOutcome?>(nil)
        let stored = try await cache.storeBeforeWritten(makeEntry("k1")) { outcome in written.withLock { $0 = try? outcome.get() } }
        #expect(stored)
        #expect(written.withLock { $0 } == ResponseCache.StoreOutcome(stored: true, evicted: 0))
        let other = try DatabaseQueue(path: self.path)
        #expect(try await other.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM cache_entry") } == 1)
    }

    @Test func anAnswerLargerThanTheCacheIsNotStored() async throws {
        let cache = try await self.cache(maximumBytes: 10)
        let (stored, written) = try await self.storeBeforeWritten(makeEntry("k1", body: String(repeating: "x", count: 100)), in: cache)
        #expect(!stored)
        #expect(!written.stored)
        #expect(try await cache.answer(forKey: "k1") == nil)
    }

    @Test func aKeyTheFileDoesNotHoldIsAbsentWithoutReadingTheFileUntilTheKeysAreReadAgain() async throws {
        try await self.cache(memory: 0).store(makeEntry("k1", body: "one"))
        let cache = try await self.cache()
        // read when opened: k1 is known, and is read from the file
        #expect(try await cache.answer(forKey: "k1") != nil)
        // a row another process adds is not known to be there: answered as absent (the gateway would fetch it)
        try await self.cache(memory: 0).store(makeEntry("k2", body: "two"))
        #expect(try await cache.answer(forKey: "k2") == nil)
        #expect(try await cache.entry(forKey: "k2") != nil)
        // a purge of many keys reads them again
        _ = try await cache.purge(.source(.nhm))
        #expect(try await cache.answer(forKey: "k2")?.identity == ByteBuffer(string: "two"))
    }

    @Test func keysAddedWhileTheyAreReadAreKept() async throws {
        let keys = StoredKeys(isEnabled: true)
        #expect(keys.mayHold("anything"))
        try await keys.fill {
            keys.add("added meanwhile")
            return ["in the file"]
        }
        #expect(keys.mayHold("in the file"))
        #expect(keys.mayHold("added meanwhile"))
        #expect(!keys.mayHold("elsewhere"))
        keys.remove(["in the file"])
        #expect(!keys.mayHold("in the file"))
        // a failed fill knows nothing until the next
        struct Unreadable: Error {}
        await #expect(throws: Unreadable.self) { try await keys.fill { throw Unreadable() } }
        #expect(keys.mayHold("elsewhere"))
        // not followed (a shared store): anything may be there
        #expect(StoredKeys(isEnabled: false).mayHold("x"))
    }

    @Test func anOlderFillFinishingLastDoesNotReplaceANewerOne() async throws {
        let keys = StoredKeys(isEnabled: true)
        let (started, startedNow) = AsyncStream<Void>.makeStream()
        let (release, releaseNow) = AsyncStream<Void>.makeStream()
        let older = Task {
            try await keys.fill {
                startedNow.yield()
                for await _ in release { break }
                return ["read by the older fill"]
            }
        }
        for await _ in started { break }
        try await keys.fill { ["read by the newer fill"] }
        releaseNow.yield()
        try await older.value
        #expect(keys.mayHold("read by the newer fill"))
        #expect(!keys.mayHold("read by the older fill"))
    }

    @Test func compressingManyBodiesAtOnceKeepsEachItsOwn() async throws {
        let bodies = (0..<16).map { index in String(repeating: "body \(index) ", count: 50 + index * 40) }
        let compressed = try await withThrowingTaskGroup(of: (Int, Data).self) { group in
            for (index, body) in bodies.enumerated() {
                group.addTask { (index, try GzipCodec.compress(Data(body.utf8))) }
            }
            return try await group.reduce(into: [Int: Data]()) { $0[$1.0] = $1.1 }
        }
        for (index, body) in bodies.enumerated() {
            let data = try #require(compressed[index])
            #expect(try GzipCodec.decompress(data, expectedLength: body.utf8.count) == Data(body.utf8))
        }
    }
}
