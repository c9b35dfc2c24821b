import HTTPTypes
import Hummingbird

/// Makes sure every answer of the drop-in endpoints carries `Cache-Status`, errors included: a request
/// that failed before reaching the cache (an oversized body, say) is marked as refused.
struct CacheStatusMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ProblemMiddleware.response(for: error, request: request, context: context)
        }
        if response.headers[.cacheStatus] == nil {
            response.headers[.cacheStatus] = CacheStatus.rejected.description
        }
        return response
    }
}
