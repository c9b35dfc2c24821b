/// The generic cell rate algorithm (GCRA): a token bucket kept as one number per client, the
/// "theoretical arrival time" (TAT) of the next request.
///
/// `limit` requests per `window` seconds, of which up to `burst` may come at once. A client with no
/// state is exactly a client with a full bucket, so forgetting an idle client's state never gives it
/// more than a full bucket.
public struct GCRA: Sendable, Hashable {
    /// Requests allowed per window.
    public let limit: Int
    /// The window in seconds.
    public let window: Double
    /// Requests that may come at once.
    public let burst: Int

    public init(limit: Int, window: Double, burst: Int? = nil) {
        precondition(limit > 0 && window > 0)
        self.limit = limit
        self.window = window
        self.burst = max(1, burst ?? limit)
    }

    /// Seconds of rounding error forgiven when comparing instants.
    static let roundingSlack = 1e-9

    /// Seconds between requests at the sustained rate.
    public var emissionInterval: Double { self.window / Double(self.limit) }

    /// The answer to one request.
    public struct Decision: Sendable, Hashable {
        /// Whether the request may proceed.
        public var allowed: Bool
        /// Requests left right now.
        public var remaining: Int
        /// Seconds until the next request would be allowed (0 when allowed).
        public var retryAfter: Double
        /// Seconds until the bucket is full again.
        public var resetAfter: Double
        /// The state to keep (unchanged when refused).
        public var state: Double?
    }

    /// Tries to spend one request at `now` (seconds on a monotonic clock) from `state` (the TAT, nil for a
    /// full bucket).
    public func attempt(at now: Double, state: Double?) -> Decision {
        let interval = self.emissionInterval
        let capacity = interval * Double(self.burst)
        let tat = max(state ?? now, now)
        let newTAT = tat + interval
        let allowedAt = newTAT - capacity
        // a nanosecond of slack: the sums above round, and a full burst at one instant must not lose its last
        // request to a rounding error (1000 + 0.2 + 0.2 - 0.4 is not 1000 in binary floating point)
        if now < allowedAt - Self.roundingSlack {
            return Decision(
                allowed: false,
                remaining: 0,
                retryAfter: allowedAt - now,
                resetAfter: tat - now,
                state: state
            )
        }
        let remaining = Int(((now + capacity - newTAT) / interval).rounded(.down))
        return Decision(allowed: true, remaining: max(0, remaining), retryAfter: 0, resetAfter: newTAT - now, state: newTAT)
    }

    /// Whether a stored state is the same as a full bucket at `now` (and can be forgotten).
    public func isFull(_ state: Double, at now: Double) -> Bool { state <= now }
}
