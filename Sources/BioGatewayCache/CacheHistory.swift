import Foundation

/// What the cache saved the upstreams, day by day: the requests it answered without an upstream call of
/// their own (fresh hits, stale answers, and misses that joined another request's fetch) and those it
/// forwarded. Days are UTC calendar days; counts reach the file with the pending counters (every few seconds).
public struct CacheHistory: Sendable, Hashable {
    /// One day's counts.
    public struct Day: Sendable, Hashable {
        /// `yyyy-MM-dd`, UTC.
        public var day: String
        /// Requests answered without an upstream call of their own.
        public var saved: Int
        /// Requests that made an upstream call.
        public var forwarded: Int
    }

    /// When the cache started counting (its creation, or its oldest entry for a cache older than the count).
    public var createdAt: Date?
    /// Every day of the period asked for, oldest first, days without requests included.
    public var days: [Day]
    /// Since the cache was created.
    public var savedSinceCreated: Int
    public var forwardedSinceCreated: Int

    /// The events a day's counts are made of.
    package static let dailyEvents: Set<CacheEvent> = [.hit, .staleServed, .miss, .coalesced]

    static func saved(_ counts: [String: Int]) -> Int {
        (counts[CacheEvent.hit.rawValue] ?? 0) + (counts[CacheEvent.staleServed.rawValue] ?? 0)
            + (counts[CacheEvent.coalesced.rawValue] ?? 0)
    }

    static func forwarded(_ counts: [String: Int]) -> Int {
        max(0, (counts[CacheEvent.miss.rawValue] ?? 0) - (counts[CacheEvent.coalesced.rawValue] ?? 0))
    }

    /// The UTC day of `date`, as the history names it (`yyyy-MM-dd`). Computed from the days since 1970
    /// (the proleptic Gregorian calendar, as Howard Hinnant's `civil_from_days`): every store names its day,
    /// and a `Calendar` costs tens of microseconds each time.
    package static func day(of date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
    }

    private static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension ResponseCache {
    /// The last `days` days (today included) and the totals since the cache was created. Pending counters
    /// are written first.
    public func history(days: Int) async throws -> CacheHistory {
        let today = self.now()
        let names = (0..<max(1, days)).reversed().map { CacheHistory.day(of: today.addingTimeInterval(-Double($0) * 86_400)) }
        let stored = try await self.store.history(from: names[0], pending: self.pending, day: CacheHistory.day(of: today))
        return CacheHistory(
            createdAt: stored.createdAt.map { Date(timeIntervalSince1970: $0) },
            days: names.map { name in
                CacheHistory.Day(
                    day: name,
                    saved: CacheHistory.saved(stored.days[name] ?? [:]),
                    forwarded: CacheHistory.forwarded(stored.days[name] ?? [:])
                )
            },
            savedSinceCreated: CacheHistory.saved(stored.totals),
            forwardedSinceCreated: CacheHistory.forwarded(stored.totals)
        )
    }
}
