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
        // appended, not set: each name is new here (a setter would search the fields first)
        var headers = HTTPFields()
        headers.reserveCapacity(12)
        headers.append(HTTPField(name: .cacheKey, value: cacheKey))
        headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
        for notice in notices { headers.append(HTTPField(name: .notice, value: notice)) }
        switch self {
        case .body(let answer):
            // the type the gateway validated (a JSON envelope), not whatever the upstream declared
            headers.append(HTTPField(name: .contentType, value: "application/json; charset=utf-8"))
            headers.append(HTTPField(name: .cacheStatus, value: answer.cacheStatus.description))
            if answer.coding == .gzip { headers.append(HTTPField(name: .contentEncoding, value: "gzip")) }
            if let age = answer.age { headers.append(HTTPField(name: .age, value: String(age))) }
            if let notice = answer.notice { headers.append(HTTPField(name: .notice, value: notice)) }
            if answer.status == 200, let notModified = answer.validator?.addValidators(to: &headers, coding: answer.coding, conditions: conditions) {
                return notModified
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: headers,
                body: ResponseBody(byteBuffer: answer.body)
            )
        case .failure(let error, let cacheStatus):
            headers[.cacheStatus] = cacheStatus.description
            return error.problem.response(headers: headers)
        case .refused(let refusal):
            headers[.cacheStatus] = CacheStatus.refused(.rateLimited).description
            return ProblemDetails(refusal).response(headers: headers)
        case .notCached:
            headers[.cacheStatus] = CacheStatus.notCached.description
            return ProblemDetails.notCached.response(headers: headers)
        }
    }
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
