import BioGatewayCache
import BioGatewayCore
import BioGatewayUpstream
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    /// RFC 9211.
    static let cacheStatus = HTTPField.Name("Cache-Status")!
    /// The cache key of the answer, for operators (purge, inspection).
    static let cacheKey = HTTPField.Name("BioGateway-Cache-Key")!
    /// What the gateway changed in the request before forwarding it (capped limits).
    static let notice = HTTPField.Name("BioGateway-Notice")!
}

extension GatewayAnswer {
    /// The HTTP response: the exact upstream/cached bytes, or a problem document for an upstream failure.
    /// Every answer varies by `Accept-Encoding` (gzip clients get the stored compressed bytes). A stored
    /// answer carries `ETag` and `Last-Modified`; given the request headers of a GET (`conditions`), one the
    /// client already has is answered 304 with no body.
    func response(cacheKey: String, notices: [String], conditions: HTTPFields? = nil) -> Response {
        let (status, body): (CacheStatus, ProblemDetails)
        switch self {
        case .body(let answer):
            let (code, headers) = answer.head(cacheKey: cacheKey, notices: notices, conditions: conditions)
            if code == .notModified { return Response(status: code, headers: headers) }
            return Response(status: code, headers: headers, body: ResponseBody(byteBuffer: answer.body))
        case .failure(let error, let cacheStatus):
            (status, body) = (cacheStatus, error.problem)
        case .refused(let refusal):
            (status, body) = (.refused(.rateLimited), ProblemDetails(refusal))
        case .notCached:
            (status, body) = (.notCached, .notCached)
        }
        var headers = answerHeaders(cacheKey: cacheKey, notices: notices)
        headers.append(HTTPField(name: .cacheStatus, value: status.description))
        return body.response(headers: headers)
    }
}

extension AnswerBody {
    /// The status and headers of this answer to the question under `cacheKey`, with `notices`: `304 Not
    /// Modified` (send no body) when the request headers of a GET (`conditions`) show that the client holds it.
    func head(cacheKey: String, notices: [String], conditions: HTTPFields?) -> (status: HTTPResponse.Status, headers: HTTPFields) {
        var headers = answerHeaders(cacheKey: cacheKey, notices: notices)
        // the type the gateway validated (a JSON envelope), not whatever the upstream declared
        headers.append(HTTPField(name: .contentType, value: "application/json; charset=utf-8"))
        headers.append(HTTPField(name: .cacheStatus, value: self.cacheStatus.description))
        if self.coding == .gzip { headers.append(HTTPField(name: .contentEncoding, value: "gzip")) }
        if let age = self.age { headers.append(HTTPField(name: .age, value: String(age))) }
        if let notice = self.notice { headers.append(HTTPField(name: .notice, value: notice)) }
        if self.status == 200, let validator = self.validator,
            validator.addValidators(toNotModified: &headers, coding: self.coding, conditions: conditions)
        {
            return (.notModified, headers)
        }
        return (HTTPResponse.Status(code: self.status), headers)
    }
}

/// The headers every answer of a drop-in question starts with.
private func answerHeaders(cacheKey: String, notices: [String]) -> HTTPFields {
    // appended, not set: each name is new here (a setter would search the fields first)
    var headers = HTTPFields()
    headers.reserveCapacity(12)
    headers.append(HTTPField(name: .cacheKey, value: cacheKey))
    headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
    for notice in notices { headers.append(HTTPField(name: .notice, value: notice)) }
    return headers
}

extension ProblemDetails {
    /// 504: `Cache-Control: only-if-cached` and nothing usable stored.
    static let notCached = ProblemDetails(
        slug: "not-cached",
        title: "Not in the cache",
        status: 504,
        detail: "The request said Cache-Control: only-if-cached and the cache holds no usable answer to it; "
            + "nothing was sent upstream. Ask again without only-if-cached to fetch it."
    )
}

extension UpstreamError {
    /// How an upstream failure is told to the client: 504 for a timeout, 503 (with `Retry-After`) when
    /// the upstream is rate limiting the gateway, 502 for everything else.
    var problem: ProblemDetails {
        if self.isHeldBack {
            return ProblemDetails(
                slug: self.reason == "circuit-open" ? "upstream-circuit-open" : "upstream-busy",
                title: self.reason == "circuit-open" ? "Upstream unavailable" : "Upstream busy",
                status: 503,
                detail: "\(self.message). Nothing was sent upstream; retry after the delay given in Retry-After.",
                retryAfter: self.retryAfter.flatMap { Int($0) } ?? 30,
                upstream: self.source.rawValue
            )
        }
        if self.isTimeout {
            return ProblemDetails(
                slug: "upstream-timeout",
                title: "Upstream timed out",
                status: 504,
                detail: "\(self.message). Nothing was cached; try again later.",
                upstream: self.source.rawValue
            )
        }
        if self.isRateLimited {
            return ProblemDetails(
                slug: "upstream-rate-limited",
                title: "Upstream is rate limiting",
                status: 503,
                detail: "\(self.message). Nothing was cached; retry after the delay given in Retry-After.",
                retryAfter: self.retryAfter.flatMap { Int($0) } ?? 60,
                upstream: self.source.rawValue
            )
        }
        return ProblemDetails(
            slug: "upstream-failure",
            title: "Upstream failure",
            status: 502,
            detail: "\(self.message). Nothing was cached; the next identical request will try the upstream again.",
            upstream: self.source.rawValue
        )
    }
}
