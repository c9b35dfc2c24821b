import BioGatewayQuery

/// Why an upstream gave no usable answer.
///
/// A struct with a private code, as AsyncHTTPClient does it, so new kinds can be added later.
public struct UpstreamError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case unreachable
        case timeout
        case rateLimited
        case badStatus
        case invalidBody
        case overloaded
        case circuitOpen
    }

    private let code: Code
    /// The upstream that failed.
    public let source: UpstreamSource
    /// The upstream's HTTP status, when it answered at all.
    public let upstreamStatus: Int?
    /// The upstream's `Retry-After`, when it sent one.
    public let retryAfter: String?
    /// What happened, for logs and for the client.
    public let message: String

    private init(_ code: Code, source: UpstreamSource, status: Int? = nil, retryAfter: String? = nil, message: String) {
        self.code = code
        self.source = source
        self.upstreamStatus = status
        self.retryAfter = retryAfter
        self.message = message
    }

    /// The connection failed, was reset, or closed before the whole answer arrived.
    public static func unreachable(_ source: UpstreamSource, _ message: String) -> UpstreamError {
        UpstreamError(.unreachable, source: source, message: message)
    }

    /// No complete answer within the deadline.
    public static func timeout(_ source: UpstreamSource, _ message: String) -> UpstreamError {
        UpstreamError(.timeout, source: source, message: message)
    }

    /// The upstream answered 429.
    public static func rateLimited(_ source: UpstreamSource, retryAfter: String?) -> UpstreamError {
        UpstreamError(
            .rateLimited,
            source: source,
            status: 429,
            retryAfter: retryAfter,
            message: "\(source.displayName) is rate limiting the gateway (HTTP 429)"
                + (retryAfter.map { "; it asks to wait \($0) s" } ?? "")
        )
    }

    /// The upstream answered with an error status (5xx, or a 4xx without its JSON envelope).
    public static func badStatus(_ source: UpstreamSource, status: Int, _ message: String) -> UpstreamError {
        UpstreamError(.badStatus, source: source, status: status, message: message)
    }

    /// The upstream's body is not its JSON envelope (garbage, HTML, cut short).
    public static func invalidBody(_ source: UpstreamSource, status: Int, _ message: String) -> UpstreamError {
        UpstreamError(.invalidBody, source: source, status: status, message: message)
    }

    /// The gateway did not send the request: the upstream's queue is full, the wait in it ran out, or the
    /// upstream is paused (it asked the gateway to wait); `retryAfter` says when to try again.
    public static func overloaded(_ source: UpstreamSource, retryAfter: Int, _ message: String) -> UpstreamError {
        UpstreamError(.overloaded, source: source, retryAfter: String(retryAfter), message: message)
    }

    /// The gateway did not send the request: the upstream's circuit breaker is open after repeated failures.
    public static func circuitOpen(_ source: UpstreamSource, retryAfter: Int) -> UpstreamError {
        UpstreamError(
            .circuitOpen,
            source: source,
            retryAfter: String(retryAfter),
            message: "\(source.displayName) failed repeatedly; the gateway stopped sending requests to it for a while"
        )
    }

    /// Whether another attempt may succeed: connection failures, timeouts and 502/503/504.
    public var isRetryable: Bool {
        switch self.code {
        case .unreachable, .timeout: true
        case .badStatus: [502, 503, 504].contains(self.upstreamStatus ?? 0)
        default: false
        }
    }

    /// Whether the failure counts against the upstream's health (circuit breaker): it failed to answer,
    /// not the gateway refusing to ask, and not the upstream asking to slow down.
    public var countsAsUpstreamFailure: Bool {
        switch self.code {
        case .unreachable, .timeout, .badStatus, .invalidBody: true
        case .rateLimited, .overloaded, .circuitOpen: false
        }
    }

    /// The gateway held the request back (queue, pause or open breaker); nothing reached the upstream.
    public var isHeldBack: Bool { self.code == .overloaded || self.code == .circuitOpen }

    public var isTimeout: Bool { self.code == .timeout }
    public var isRateLimited: Bool { self.code == .rateLimited }

    /// The value for RFC 9211's `fwd-status` / a short machine-readable reason.
    public var reason: String {
        switch self.code {
        case .unreachable: "connection-failed"
        case .timeout: "timeout"
        case .rateLimited: "rate-limited"
        case .badStatus: "upstream-status-\(self.upstreamStatus ?? 0)"
        case .invalidBody: "invalid-body"
        case .overloaded: "upstream-queue"
        case .circuitOpen: "circuit-open"
        }
    }

    public var description: String { self.message }
}
