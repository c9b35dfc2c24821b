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
        }
    }

    public var description: String { self.message }
}
