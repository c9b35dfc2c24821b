import BioGatewayCache
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Cache history: upstream calls saved, per day")
struct CacheHistoryTests {
    /// 2027-01-15 23:00 UTC: an hour before midnight.
    static let lateEvening: Double = 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 86_400) + 23 * 3_600

    @Test func countsAreDatedByTheDayTheyHappenedAndKeptAcrossReopening() async throws {
        try await withTemporaryCachePath { path in try await self.countAcrossMidnight(path: path) }
    }

    func countAcrossMidnight(path: String) async throws {
        let clock = ManualClock(start: Self.lateEvening)
        do {
            let cache = try await ResponseCache(path: path, now: clock.now)
            // day 1: two hits, a stale answer, a miss that went upstream and one that joined it
            for event in [CacheEvent.hit, .hit, .staleServed, .miss, .miss, .coalesced] { cache.count(event) }
            try await cache.flush()
            clock.advance(by: 2 * 3_600)  // past midnight: day 2
            for event in [CacheEvent.hit, .miss] { cache.count(event) }
            try await cache.flush()
        }
        let cache = try await ResponseCache(path: path, now: clock.now)
        let history = try await cache.history(days: 3)
        #expect(history.days.map(\.saved) == [0, 4, 1])
        #expect(history.days.map(\.forwarded) == [0, 1, 1])
        #expect(history.days.last?.day == "2027-01-16")
        #expect(history.savedSinceCreated == 5)
        #expect(history.forwardedSinceCreated == 2)
        #expect(history.createdAt != nil)
    }

    @Test func daysAreNamedAsTheGregorianCalendarNamesThemInUTC() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // every 27 hours 46 minutes 40 seconds from 1901 to 2199: leap years, centuries, every hour of the day
        var differing: [Double] = []
        for seconds in stride(from: -2_177_452_800.0, to: 7_258_118_400, by: 100_000) {
            let date = Date(timeIntervalSince1970: seconds)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let expected = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            if CacheHistory.day(of: date) != expected { differing.append(seconds) }
        }
        #expect(differing.isEmpty)
        #expect(CacheHistory.day(of: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29")
        #expect(CacheHistory.day(of: Date(timeIntervalSince1970: -1)) == "1969-12-31")
    }

    @Test func pendingCountsAreIncludedWithoutAFlush() async throws {
        try await withTemporaryCachePath { path in
            let cache = try await ResponseCache(path: path)
            cache.count(.hit)
            let history = try await cache.history(days: 14)
            #expect(history.days.count == 14)
            #expect(history.days.last?.saved == 1)
        }
    }
}
