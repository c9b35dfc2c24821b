import BioGatewayQuery
import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem document (`application/problem+json`), the gateway's shape for every error it
/// produces itself. Thrown (it is an `HTTPResponseError`) or returned, it is rendered in one place:
/// ``response(headers:)``; ``ProblemMiddleware`` turns every other error into one.
public struct ProblemDetails: HTTPResponseError, Sendable, Encodable {
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
    public var statusCode: Int
    /// What went wrong with this request, in words a user can act on.
    public var detail: String
    /// The rejected parameters, when the problem is the request's.
    public var invalidParameters: [InvalidParameter]?
    /// Seconds to wait before retrying (also sent as `Retry-After`).
    public var retryAfter: Int?
    /// The upstream concerned, for upstream failures.
    public var upstream: String?
    /// Headers sent with the problem (`WWW-Authenticate`, `Cache-Status`, `Allow`, …); not in the body.
    public var headers: HTTPFields = [:]

    enum CodingKeys: String, CodingKey {
        case type, title, detail, upstream
        case statusCode = "status"
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
        self.statusCode = status
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

    /// The HTTP status, as `HTTPResponseError` has it.
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: self.statusCode) }

    /// This problem with `headers` added to those it is sent with.
    public func adding(_ headers: HTTPFields) -> ProblemDetails {
        var problem = self
        problem.headers.append(contentsOf: headers)
        return problem
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response()
    }

    /// The problem document's bytes (keys sorted, so equal problems are equal bytes).
    var document: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{\"status\":\(self.statusCode)}".utf8)
    }

    /// The response carrying this problem, with its headers and `extra` ones.
    public func response(headers extra: HTTPFields = [:]) -> Response {
        let data = self.document
        var headers = self.headers
        headers.append(contentsOf: extra)
        headers[.contentType] = "application/problem+json"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: self.status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
