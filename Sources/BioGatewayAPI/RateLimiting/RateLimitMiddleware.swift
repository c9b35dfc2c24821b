import BioGatewayCore
import BioGatewayPacing
import BioGatewayRateLimit
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPField.Name {
    /// draft-ietf-httpapi-ratelimit-headers: the quota policy.
    static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    /// draft-ietf-httpapi-ratelimit-headers: what is left of it.
    static let rateLimit = HTTPField.Name("RateLimit")!
}

/// Identifies the client of each request and spends one request of its budget; over budget, the answer is
/// 429 `application/problem+json` with `Retry-After`. Every answer carries `RateLimit-Policy` and
/// `RateLimit` for the client's budget nearest exhaustion (all requests, or upstream requests).
struct RateLimitMiddleware: RouterMiddleware {
    let limits: ClientRateLimits

    func handle(
        _ request: Request,
        context: GatewayRequestContext,
        next: (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        let client: RateLimitedClient
        do {
            client = try self.limits.identify(request.headers, peer: peer)
        } catch {
            let detail =
                switch error {
                case .missingKey: "This gateway needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
                case .unknownKey: "The API key sent is not one of this gateway's keys."
                }
            throw ProblemDetails(slug: "unauthorized", title: "Unauthorized", status: 401, detail: detail).adding([
                .wwwAuthenticate: #"Bearer realm="biogateway""#, .cacheStatus: CacheStatus.refused(.unauthorized).description,
            ])
        }
        context.facts.client = client.name
        let admission = self.limits.spendRequest(of: client)
        let decision = admission.decision
        guard decision.allowed else {
            context.logger.info("client over its request budget", metadata: ["client": "\(client.name)"])
            self.limits.metrics.recordRateLimited(budget: "requests")
            var headers: HTTPFields = [.cacheStatus: CacheStatus.refused(.rateLimited).description]
            RequestAdmission.addHeaders(to: &headers, requests: (client.requests, decision), upstream: nil)
            throw ProblemDetails.rateLimited(budget: "requests", client: client.requests, retryAfter: decision.retryAfter).adding(headers)
        }
        var context = context
        context.client = client
        var response = try await next(request, context)
        admission.addHeaders(to: &response.headers)
        return response
    }
}

extension ProblemDetails {
    /// 429: a client over one of its budgets.
    /// 429: a client whose upstream budget is spent.
    init(_ refusal: UpstreamRefusal) {
        self = .rateLimited(budget: "upstream", client: GCRA(limit: refusal.limit, window: refusal.window), retryAfter: refusal.retryAfter)
    }

    static func rateLimited(budget: String, client: GCRA, retryAfter: Double) -> ProblemDetails {
        let what = budget == "upstream" ? "requests that go to the upstream (cache misses)" : "requests"
        return ProblemDetails(
            slug: "rate-limited",
            title: "Too many requests",
            status: 429,
            detail: "This client may send \(client.limit) \(what) per \(Int(client.window)) s and has used them; "
                + "retry after the delay in Retry-After. Answers already in the cache cost only the general budget.",
            retryAfter: max(1, Int(retryAfter.rounded(.up)))
        )
    }
}
