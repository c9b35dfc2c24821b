import BioGatewayQuery
import Foundation

/// How long entries are served: freshness per source, a short lifetime for empty answers, and the two
/// RFC 5861 windows past freshness (stale-while-revalidate, stale-if-error).
public struct CachePolicy: Sendable, Hashable {
    /// Seconds an NHM answer is fresh.
    public var nhmTTL: TimeInterval
    /// Seconds a VertNet answer is fresh.
    public var vertnetTTL: TimeInterval
    /// Seconds an answer with zero records is fresh (never longer than its source's TTL).
    public var emptyTTL: TimeInterval
    /// Seconds past freshness during which an entry is served at once while one background fetch refreshes it.
    public var staleWhileRevalidate: TimeInterval
    /// Seconds past freshness during which an entry is served when the upstream fails.
    public var staleIfError: TimeInterval

    public init(
        nhmTTL: TimeInterval = 86_400,
        vertnetTTL: TimeInterval = 86_400,
        emptyTTL: TimeInterval = 300,
        staleWhileRevalidate: TimeInterval = 3_600,
        staleIfError: TimeInterval = 604_800
    ) {
        self.nhmTTL = nhmTTL
        self.vertnetTTL = vertnetTTL
        self.emptyTTL = emptyTTL
        self.staleWhileRevalidate = staleWhileRevalidate
        self.staleIfError = staleIfError
    }

    /// Where an entry stands at a moment.
    public enum Freshness: Sendable, Hashable {
        /// Within its lifetime; `remaining` seconds to go.
        case fresh(remaining: TimeInterval)
        /// Past its lifetime by `staleFor` seconds, inside the stale-while-revalidate window.
        case revalidatable(staleFor: TimeInterval)
        /// Past both the lifetime and the stale-while-revalidate window.
        case stale(staleFor: TimeInterval)
    }

    /// The lifetime of an immutable entry: a century (finite, so ages and `ttl` stay numbers).
    public static let immutableLifetime: TimeInterval = 100 * 365.25 * 86_400

    /// The freshness lifetime of an entry.
    public func lifetime(of entry: some FreshnessSubject) -> TimeInterval {
        if entry.isImmutable { return Self.immutableLifetime }
        let sourceTTL = self.ttl(for: entry.source)
        return entry.recordCount == 0 ? min(self.emptyTTL, sourceTTL) : sourceTTL
    }

    /// The configured TTL of a source.
    public func ttl(for source: UpstreamSource) -> TimeInterval {
        switch source {
        case .nhm: self.nhmTTL
        case .vertnet: self.vertnetTTL
        }
    }

    /// Where `entry` stands at `now`.
    public func freshness(of entry: some FreshnessSubject, at now: Date) -> Freshness {
        let staleFor = entry.age(at: now) - self.lifetime(of: entry)
        if staleFor < 0 { return .fresh(remaining: -staleFor) }
        return staleFor < self.staleWhileRevalidate ? .revalidatable(staleFor: staleFor) : .stale(staleFor: staleFor)
    }

    /// Whether `entry` may stand in for a failed upstream at `now`.
    public func isUsableOnError(_ entry: some FreshnessSubject, at now: Date) -> Bool {
        entry.age(at: now) - self.lifetime(of: entry) < self.staleIfError
    }
}
