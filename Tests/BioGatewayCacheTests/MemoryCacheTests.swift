import BioGatewayCache
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Memory cache of made pages")
struct MemoryCacheTests {
    @Test func returnsWhatWasStoredUntilItExpires() {
        let clock = ManualClock()
        let inAMinute = clock.now().addingTimeInterval(60)
        let cache = MemoryCache<String>(maximumBytes: 1_000, now: clock.now)
        #expect(cache.value(forKey: "a") == nil)
        cache.store("page a", size: 10, forKey: "a", expiresAt: inAMinute)
        #expect(cache.value(forKey: "a") == "page a")
        clock.advance(by: 59.9)
        #expect(cache.value(forKey: "a") == "page a")
        clock.advance(by: 0.1)
        #expect(cache.value(forKey: "a") == nil)
        let counters = cache.counters
        #expect(counters.hits == 2)
        #expect(counters.misses == 2)
        #expect(counters.entries == 0)
        #expect(counters.bytes == 0)
    }

    @Test func storingPastTheBoundEvictsTheLeastRecentlyUsed() {
        let clock = ManualClock()
        let inAMinute = clock.now().addingTimeInterval(60)
        let cache = MemoryCache<Int>(maximumBytes: 100, now: clock.now)
        for index in 0..<4 { cache.store(index, size: 25, forKey: "\(index)", expiresAt: inAMinute) }
        #expect(cache.value(forKey: "0") == 0)  // 0 is now more recently used than 1
        cache.store(4, size: 25, forKey: "4", expiresAt: inAMinute)
        #expect(cache.value(forKey: "1") == nil)
        for index in [0, 2, 3, 4] { #expect(cache.value(forKey: String(index)) == index) }
        #expect(cache.counters.evictions == 1)
        #expect(cache.counters.bytes == 100)

        // replacing a value frees the old one's size first
        cache.store(40, size: 25, forKey: "4", expiresAt: inAMinute)
        #expect(cache.counters.entries == 4)
        #expect(cache.value(forKey: "4") == 40)
    }

    @Test func keepsNothingTooLargeExpiredOrWithAZeroBound() {
        let clock = ManualClock()
        let inAMinute = clock.now().addingTimeInterval(60)
        let cache = MemoryCache<Int>(maximumBytes: 100, now: clock.now)
        cache.store(1, size: 10, forKey: "k", expiresAt: inAMinute)
        cache.store(2, size: 101, forKey: "k", expiresAt: inAMinute)
        #expect(cache.value(forKey: "k") == nil)  // the old value is not left in place of the new one
        cache.store(3, size: 10, forKey: "k", expiresAt: clock.now())
        #expect(cache.value(forKey: "k") == nil)

        let off = MemoryCache<Int>(maximumBytes: 0, now: clock.now)
        #expect(!off.isEnabled)
        off.store(1, size: 0, forKey: "k", expiresAt: inAMinute)
        #expect(off.counters.entries == 0)
        #expect(off.value(forKey: "k") == nil)
    }

    @Test func removeAllForgetsEverything() {
        let clock = ManualClock()
        let inAMinute = clock.now().addingTimeInterval(60)
        let cache = MemoryCache<Int>(maximumBytes: 100, now: clock.now)
        for index in 0..<3 { cache.store(index, size: 10, forKey: "\(index)", expiresAt: inAMinute) }
        cache.removeAll()
        #expect(cache.counters.entries == 0)
        #expect(cache.counters.bytes == 0)
        #expect(cache.value(forKey: "1") == nil)
    }
}
