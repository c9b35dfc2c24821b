import BioGatewayCore
import BioGatewayQuery
import HTTPTypes
import Hummingbird

/// A drop-in endpoint: an upstream's search API, served at the upstream's own paths under a prefix.
protocol DropInEndpoint: Sendable {
    /// The paths it answers on (GET and POST).
    static var paths: [String] { get }
    /// The cache-first search all answers go through.
    var gateway: SearchGateway { get }
    /// Answers one request.
    @Sendable func search(_ request: Request, context: GatewayRequestContext) async throws -> Response
}

extension DropInEndpoint {
    /// Registers GET and POST on every path, behind the client rate limits; every answer, errors included,
    /// carries `Cache-Status`.
    func register(on router: Router<GatewayRequestContext>, limits: ClientRateLimits) {
        let group = router.group().add(middleware: CacheStatusMiddleware()).add(middleware: RateLimitMiddleware(limits: limits))
        for path in Self.paths {
            group.get(RouterPath(path), use: self.search)
            group.post(RouterPath(path), use: self.search)
        }
    }

    /// Answers a validated question from the cache or the upstream, with its notices, honouring the
    /// client's `Cache-Control` and `Accept-Encoding` (`headers`).
    func forward(
        _ question: DropInQuestion,
        headers: HTTPFields,
        method: HTTPRequest.Method,
        context: GatewayRequestContext
    ) async -> Response {
        let answer = await self.gateway.answer(
            question.request,
            preferences: ClientPreferences(headers: headers),
            admitUpstream: context.upstreamAdmission,
            logger: context.logger
        )
        return answer.response(cacheKey: question.request.key, notices: question.notices, conditions: method == .get ? headers : nil)
    }
}
