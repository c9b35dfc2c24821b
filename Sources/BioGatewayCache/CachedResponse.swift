import BioGatewayQuery
import Foundation

/// An upstream answer as the cache keeps it: the exact bytes, never re-encoded.
public struct CachedResponse: Sendable, Hashable {
    /// SHA-256 of the canonical query (``CanonicalRequest/key``).
    public var key: String
    /// The upstream that answered.
    public var source: UpstreamSource
    /// The canonical query JSON, kept so an operator can read what an entry answers.
    public var canonicalQuery: String
    /// The upstream's HTTP status.
    public var status: Int
    /// The upstream's `Content-Type`.
    public var contentType: String
    /// The body, byte for byte as the upstream sent it.
    public var body: Data
    /// When the answer arrived.
    public var storedAt: Date

    public init(
        key: String,
        source: UpstreamSource,
        canonicalQuery: String,
        status: Int,
        contentType: String,
        body: Data,
        storedAt: Date
    ) {
        self.key = key
        self.source = source
        self.canonicalQuery = canonicalQuery
        self.status = status
        self.contentType = contentType
        self.body = body
        self.storedAt = storedAt
    }

    /// Seconds since the answer arrived.
    public func age(at now: Date) -> TimeInterval {
        max(0, now.timeIntervalSince(self.storedAt))
    }

    /// Whether the entry is younger than `ttl` seconds.
    public func isFresh(at now: Date, ttl: TimeInterval) -> Bool {
        self.age(at: now) < ttl
    }
}

/// Where the gateway keeps upstream answers.
public protocol ResponseCache: Sendable {
    /// The entry stored under a key, if any (whatever its age).
    func entry(forKey key: String) async throws -> CachedResponse?
    /// Stores (or replaces) an entry.
    func store(_ entry: CachedResponse) async throws
    /// The number of entries.
    func count() async throws -> Int
}
