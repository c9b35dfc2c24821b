import BioGatewayQuery
import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem document (`application/problem+json`), the gateway's shape for every error it
/// produces itself.
public struct ProblemDetails: Error, Sendable, Encodable {
    /// One rejected parameter.
    public struct InvalidParameter: Sendable, Encodable, Hashable {
        public var name: String
        public var reason: String
    }

    /// A URI naming the kind of problem (`urn:biogateway:problem:<slug>`).
    public var type: String
    /// A short summary of the kind of problem.
    public var title: String
    /// The HTTP status.
    public var status: Int
    /// What went wrong with this request, in words a user can act on.
    public var detail: String
    /// The rejected parameters, when the problem is the request's.
    public var invalidParameters: [InvalidParameter]?
    /// Seconds to wait before retrying (also sent as `Retry-After`).
    public var retryAfter: Int?
    /// The upstream concerned, for upstream failures.
    public var upstream: String?

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, upstream
        case invalidParameters = "invalid-params"
        case retryAfter = "retry-after"
    }

    public init(
        slug: String,
        title: String,
        status: Int,
        detail: String,
        invalidParameters: [InvalidParameter]? = nil,
        retryAfter: Int? = nil,
        upstream: String? = nil
    ) {
        self.type = "urn:biogateway:problem:\(slug)"
        self.title = title
        self.status = status
        self.detail = detail
        self.invalidParameters = invalidParameters
        self.retryAfter = retryAfter
        self.upstream = upstream
    }

    /// The most parameter problems one answer names: a hostile request with thousands of bad parameters
    /// gets a short answer, not one that repeats each of them (a 565 KB form body once drew 34 MB).
    static let mostProblemsNamed = 20

    /// A request rejected for its parameters (400), naming each bad parameter (the first
    /// ``mostProblemsNamed``, and how many more there were).
    public static func invalidRequest(_ problems: [QueryProblem], status: Int = 400) -> ProblemDetails {
        let named = problems.prefix(Self.mostProblemsNamed)
        var detail = named.map { "\($0.parameter): \($0.detail)" + ($0.detail.hasSuffix(".") ? "" : ".") }.joined(separator: " ")
        if problems.count > named.count {
            detail += " And \(problems.count - named.count) more parameters like these."
        }
        return ProblemDetails(
            slug: "invalid-parameter",
            title: "Invalid request parameter",
            status: status,
            detail: detail,
            invalidParameters: named.map { InvalidParameter(name: $0.parameter, reason: $0.detail) }
        )
    }

    /// The response carrying this problem.
    public func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{\"status\":\(self.status)}".utf8)
        var headers = extra
        headers[.contentType] = "application/problem+json"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: self.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
