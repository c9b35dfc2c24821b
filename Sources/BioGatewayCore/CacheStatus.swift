/// What the cache did with a request, rendered once as the RFC 9211 `Cache-Status` value
/// (`BioGateway; hit; ttl=86100`, `BioGateway; fwd=miss; stored`, `BioGateway-Pages; hit; ttl=60`).
public enum CacheStatus: Sendable, Hashable, CustomStringConvertible {
    /// Served from the cache; `ttl` is the remaining freshness in seconds.
    case hit(ttl: Int)
    /// A hit on an immutable entry (pinned to a past data version): fresh without expiry.
    case immutableHit
    /// Served from the cache past its freshness, while one background fetch refreshes it.
    case staleWhileRevalidating(ttl: Int)
    /// The upstream failed (`failure` is the ``UpstreamError``'s reason); a stale entry was served in its
    /// place (stale-if-error).
    case staleOnError(ttl: Int, status: Int, failure: String, collapsed: Bool)
    /// Fetched from upstream and stored.
    case stored(ForwardReason, collapsed: Bool)
    /// Stored without expiry: the answer can never change.
    case storedImmutable(ForwardReason, collapsed: Bool)
    /// Fetched from upstream, not stored: the upstream's own error envelope (its status given), or a result
    /// the cache could not write.
    case notStored(ForwardReason, upstreamStatus: Int?, collapsed: Bool)
    /// The upstream failed (`failure` is the ``UpstreamError``'s reason); nothing was stored.
    case upstreamFailed(ForwardReason, status: Int?, failure: String, collapsed: Bool)
    /// `only-if-cached` and nothing usable stored: not forwarded.
    case notCached
    /// Refused by the gateway before the cache was looked at.
    case refused(Refusal)
    /// A `/v1/records` page sent again as it was kept, `ttl` seconds before it expires.
    case pageHit(ttl: Int)
    /// A `/v1/records` page made for this request (`bypassed`: the client's `Cache-Control` asked for a
    /// fresh one), and kept when `stored`.
    case pageMade(bypassed: Bool, stored: Bool)

    /// The cache's name in the header; `/v1/records` pages are kept by a cache of their own.
    public static let cacheName = "BioGateway"
    /// The name of the cache of `/v1/records` pages.
    public static let pageCacheName = "BioGateway-Pages"

    /// Why a request went upstream (RFC 9211 `fwd`).
    public enum ForwardReason: String, Sendable {
        /// Nothing stored.
        case miss
        /// The stored answer was too stale to use.
        case stale
        /// A usable answer was stored, but the client's `Cache-Control` did not accept it.
        case request
    }

    /// Why the gateway refused a request.
    public enum Refusal: String, Sendable {
        case invalidRequest = "invalid-request"
        case rateLimited = "rate-limited"
        case unauthorized
    }

    /// In one word, as `/v1/records` reports each source.
    public enum Outcome: String, Sendable {
        /// A stored answer, fresh.
        case hit
        /// A stored answer served past its freshness.
        case stale
        /// Not served from the cache.
        case miss
    }

    public var outcome: Outcome {
        switch self {
        case .hit, .immutableHit, .pageHit: .hit
        case .staleWhileRevalidating, .staleOnError: .stale
        default: .miss
        }
    }

    public var description: String {
        let collapsed = ["collapsed"]
        let parameters: [String] =
            switch self {
            case .hit(let ttl): ["hit", "ttl=\(ttl)"]
            case .immutableHit: ["hit", "detail=immutable"]
            case .staleWhileRevalidating(let ttl): ["hit", "stale", "ttl=\(ttl)", "detail=revalidating"]
            case .staleOnError(let ttl, let status, let failure, let joined):
                ["fwd=stale", "fwd-status=\(status)"] + (joined ? collapsed : []) + ["stale", "ttl=\(ttl)", "detail=\(failure)"]
            case .stored(let reason, let joined): ["fwd=\(reason.rawValue)"] + (joined ? collapsed : []) + ["stored"]
            case .storedImmutable(let reason, let joined):
                ["fwd=\(reason.rawValue)"] + (joined ? collapsed : []) + ["stored", "detail=immutable"]
            case .notStored(let reason, let status, let joined):
                ["fwd=\(reason.rawValue)"] + (status.map { ["fwd-status=\($0)"] } ?? []) + (joined ? collapsed : [])
            case .upstreamFailed(let reason, let status, let failure, let joined):
                ["fwd=\(reason.rawValue)"] + (status.map { ["fwd-status=\($0)"] } ?? []) + (joined ? collapsed : []) + ["detail=\(failure)"]
            case .notCached: ["detail=not-cached"]
            case .refused(let refusal): ["detail=\(refusal.rawValue)"]
            case .pageHit(let ttl): ["hit", "ttl=\(ttl)"]
            case .pageMade(let bypassed, let stored): ["fwd=\(bypassed ? "request" : "uri-miss")"] + (stored ? ["stored"] : [])
            }
        let name: String =
            switch self {
            case .pageHit, .pageMade: Self.pageCacheName
            default: Self.cacheName
            }
        return ([name] + parameters).joined(separator: "; ")
    }
}
