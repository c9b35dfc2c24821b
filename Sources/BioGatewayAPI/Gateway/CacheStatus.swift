/// The RFC 9211 `Cache-Status` value the gateway sends, e.g. `BioGateway; hit; ttl=86100` or
/// `BioGateway; fwd=miss; stored`.
public struct CacheStatus: Sendable, Hashable, CustomStringConvertible {
    /// The cache's name in the header.
    public static let cacheName = "BioGateway"

    /// Why a request went upstream (RFC 9211 `fwd`).
    public enum ForwardReason: String, Sendable {
        /// Nothing stored.
        case miss
        /// The stored answer was too stale to use.
        case stale
        /// A usable answer was stored, but the client's `Cache-Control` did not accept it.
        case request
    }

    private var parameters: [String]

    private init(_ parameters: [String]) { self.parameters = parameters }

    /// Served from the cache; `ttl` is the remaining freshness in seconds.
    public static func hit(ttl: Int) -> CacheStatus { CacheStatus(["hit", "ttl=\(ttl)"]) }

    /// Served from the cache past its freshness, while one background fetch refreshes it.
    public static func staleWhileRevalidating(ttl: Int) -> CacheStatus {
        CacheStatus(["hit", "stale", "ttl=\(ttl)", "detail=revalidating"])
    }

    /// The upstream failed; a stale entry was served in its place (stale-if-error).
    public static func staleOnError(ttl: Int, status: Int, reason: String, collapsed: Bool) -> CacheStatus {
        CacheStatus(
            ["fwd=stale", "fwd-status=\(status)"] + (collapsed ? ["collapsed"] : []) + ["stale", "ttl=\(ttl)", "detail=\(reason)"]
        )
    }

    /// Fetched from upstream and stored.
    public static func stored(_ reason: ForwardReason, collapsed: Bool) -> CacheStatus {
        CacheStatus(["fwd=\(reason.rawValue)"] + (collapsed ? ["collapsed"] : []) + ["stored"])
    }

    /// Fetched from upstream, not stored: the upstream's own error envelope (its status given), or a
    /// result the cache could not write.
    public static func notStored(_ reason: ForwardReason, upstreamStatus: Int?, collapsed: Bool) -> CacheStatus {
        CacheStatus(
            ["fwd=\(reason.rawValue)"] + (upstreamStatus.map { ["fwd-status=\($0)"] } ?? []) + (collapsed ? ["collapsed"] : [])
        )
    }

    /// The upstream failed; nothing was stored.
    public static func upstreamFailed(_ reason: ForwardReason, status: Int?, detail: String, collapsed: Bool) -> CacheStatus {
        CacheStatus(
            ["fwd=\(reason.rawValue)"] + (status.map { ["fwd-status=\($0)"] } ?? []) + (collapsed ? ["collapsed"] : [])
                + ["detail=\(detail)"]
        )
    }

    /// `only-if-cached` and nothing usable stored: not forwarded.
    public static let notCached = CacheStatus(["detail=not-cached"])

    /// Rejected by the gateway; nothing was looked up or forwarded.
    public static let rejected = CacheStatus(["detail=invalid-request"])

    public var description: String { ([Self.cacheName] + self.parameters).joined(separator: "; ") }

    /// In one word: `hit`, `stale` (a stored answer served past its freshness) or `miss`.
    public var summary: String {
        if self.parameters.contains("stale") { return "stale" }
        return self.parameters.contains("hit") ? "hit" : "miss"
    }
}
