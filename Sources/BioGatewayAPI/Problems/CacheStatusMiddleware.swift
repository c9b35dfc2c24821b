import BioGatewayCore
import HTTPTypes
import Hummingbird

/// Makes sure every answer of the drop-in endpoints carries `Cache-Status`, errors included: a request
/// that failed before reaching the cache (an oversized body, say) is marked as refused. Errors are passed
/// on, with the header, to ``ProblemMiddleware``, which renders them.
struct CacheStatusMiddleware<Context: RequestContext>: RouterMiddleware {
    // this middleware runs on every drop-in request, hits included: the header is only made when needed
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let problem = ProblemDetails(error, request: request, logger: context.logger)
            throw problem.headers[.cacheStatus] == nil ? problem.adding([.cacheStatus: refusedStatus]) : problem
        }
        if !response.headers.contains(.cacheStatus) {
            response.headers[.cacheStatus] = refusedStatus
        }
        return response
    }
}

/// The `Cache-Status` of a drop-in request refused before it reached the cache, rendered once.
private let refusedStatus = CacheStatus.refused(.invalidRequest).description
