import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// What happened to a request at the cache, counted for statistics.
public enum CacheEvent: String, Sendable, CaseIterable {
    /// Answered with a fresh entry.
    case hit
    /// Answered with a stale entry (while revalidating, or because the upstream failed).
    case staleServed = "stale_served"
    /// Went upstream (or waited for another request's upstream fetch).
    case miss
    /// A miss that waited for another request's upstream fetch instead of making its own.
    case coalesced
    /// A background refresh of a stale entry.
    case backgroundRefresh = "background_refresh"
    /// An entry removed to keep the cache under its byte bound.
    case eviction
}

/// The cache's size and counters (counters persist across restarts).
public struct CacheStatistics: Sendable, Hashable {
    /// Size of one source's share of the cache.
    public struct SourceShare: Sendable, Hashable {
        public var entries: Int
        public var bytes: Int

        public init(entries: Int, bytes: Int) {
            self.entries = entries
            self.bytes = bytes
        }
    }

    /// Number of entries.
    public var entries: Int
    /// Bytes counted against the bound (stored bodies, compressed, plus query text).
    public var bytes: Int
    /// The bodies' size as the upstreams sent them.
    public var identityBytes: Int
    /// The configured bound.
    public var maximumBytes: Int
    /// Per source.
    public var sources: [String: SourceShare]
    public var hits: Int
    public var misses: Int
    public var coalesced: Int
    public var staleServed: Int
    public var backgroundRefreshes: Int
    public var evictions: Int
    /// Share of lookups answered from the cache (fresh or stale); `nil` before the first lookup.
    public var hitRatio: Double? {
        let answered = self.hits + self.staleServed
        let lookups = answered + self.misses
        return lookups == 0 ? nil : Double(answered) / Double(lookups)
    }
    /// Fraction of body bytes saved by compression.
    public var compressionSaving: Double? {
        self.identityBytes == 0 ? nil : 1 - Double(self.bodyBytes) / Double(self.identityBytes)
    }
    /// Stored body bytes only.
    public var bodyBytes: Int
    /// When the oldest entry was stored.
    public var oldestEntry: Date?

    /// The statistics as the admin API and `biogateway cache stats --json` print them.
    public var json: JSONValue {
        var object = JSONObject()
        object["entries"] = .integer(Int64(self.entries))
        object["bytes"] = .integer(Int64(self.bytes))
        object["maximumBytes"] = .integer(Int64(self.maximumBytes))
        object["bodyBytes"] = .integer(Int64(self.bodyBytes))
        object["identityBytes"] = .integer(Int64(self.identityBytes))
        object["compressionSaving"] = self.compressionSaving.map { .double(($0 * 1000).rounded() / 1000) } ?? .null
        object["hits"] = .integer(Int64(self.hits))
        object["misses"] = .integer(Int64(self.misses))
        object["hitRatio"] = self.hitRatio.map { .double(($0 * 1000).rounded() / 1000) } ?? .null
        object["coalesced"] = .integer(Int64(self.coalesced))
        object["staleServed"] = .integer(Int64(self.staleServed))
        object["backgroundRefreshes"] = .integer(Int64(self.backgroundRefreshes))
        object["evictions"] = .integer(Int64(self.evictions))
        object["oldestEntry"] = self.oldestEntry.map { .string($0.formatted(.iso8601)) } ?? .null
        var sources = JSONObject()
        for (name, share) in self.sources.sorted(by: { $0.key < $1.key }) {
            sources[name] = ["entries": .integer(Int64(share.entries)), "bytes": .integer(Int64(share.bytes))]
        }
        object["sources"] = .object(sources)
        return .object(object)
    }
}
