/// The RFC 9211 `Cache-Status` value the gateway sends, e.g. `BioGateway; hit; ttl=86100` or
/// `BioGateway; fwd=miss; stored`.
public struct CacheStatus: Sendable, Hashable, CustomStringConvertible {
    /// The cache's name in the header.
    public static let cacheName = "BioGateway"

    private var parameters: [String]

    private init(_ parameters: [String]) { self.parameters = parameters }

    /// Served from the cache; `ttl` is the remaining freshness in seconds.
    public static func hit(ttl: Int) -> CacheStatus { CacheStatus(["hit", "ttl=\(ttl)"]) }

    /// Fetched from upstream and stored.
    public static func stored(collapsed: Bool) -> CacheStatus {
        CacheStatus(["fwd=miss"] + (collapsed ? ["collapsed"] : []) + ["stored"])
    }

    /// Fetched from upstream, not stored: the upstream's own error envelope (its status given), or a
    /// result the cache could not write.
    public static func notStored(upstreamStatus: Int?, collapsed: Bool) -> CacheStatus {
        CacheStatus(["fwd=miss"] + (upstreamStatus.map { ["fwd-status=\($0)"] } ?? []) + (collapsed ? ["collapsed"] : []))
    }

    /// The upstream failed; nothing was stored.
    public static func upstreamFailed(status: Int?, reason: String, collapsed: Bool) -> CacheStatus {
        CacheStatus(
            ["fwd=miss"] + (status.map { ["fwd-status=\($0)"] } ?? []) + (collapsed ? ["collapsed"] : [])
                + ["detail=\(reason)"]
        )
    }

    /// Rejected by the gateway; nothing was looked up or forwarded.
    public static let rejected = CacheStatus(["detail=invalid-request"])

    public var description: String { ([Self.cacheName] + self.parameters).joined(separator: "; ") }
}
