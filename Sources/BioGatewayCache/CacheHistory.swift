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

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The UTC day of `date`, as the history names it.
    package static func day(of date: Date) -> String {
        let parts = Self.calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
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
