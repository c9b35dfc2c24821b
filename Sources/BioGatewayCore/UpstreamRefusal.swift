import BioGatewayUpstream

/// Why the gateway would not go upstream for a client: its budget of upstream requests (cache misses) is
/// spent. Answers already in the cache are still given.
public struct UpstreamRefusal: Error, Sendable, Hashable {
    /// Upstream requests the client may make per ``window``.
    public var limit: Int
    /// The budget's window, in seconds.
    public var window: Double
    /// Seconds until the client may go upstream again.
    public var retryAfter: Double

    public init(limit: Int, window: Double, retryAfter: Double) {
        self.limit = limit
        self.window = window
        self.retryAfter = retryAfter
    }
}

extension UpstreamError {
    /// The status the gateway answers an upstream failure with: 503 while it holds requests back (a full
    /// queue, an open breaker) or the upstream rate-limits it, 504 for a timeout, 502 for anything else.
    public var answerStatus: Int {
        if self.isHeldBack || self.isRateLimited { return 503 }
        return self.isTimeout ? 504 : 502
    }
}
