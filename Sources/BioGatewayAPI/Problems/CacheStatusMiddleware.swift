import BioGatewayCore
import HTTPTypes
import Hummingbird

/// Makes sure every answer of the drop-in endpoints carries `Cache-Status`, errors included: a request
/// that failed before reaching the cache (an oversized body, say) is marked as refused. Errors are passed
/// on, with the header, to ``ProblemMiddleware``, which renders them.
struct CacheStatusMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let refused: HTTPFields = [.cacheStatus: CacheStatus.refused(.invalidRequest).description]
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let problem = ProblemDetails(error, request: request, logger: context.logger)
            throw problem.headers[.cacheStatus] == nil ? problem.adding(refused) : problem
        }
        if response.headers[.cacheStatus] == nil {
            response.headers.append(contentsOf: refused)
        }
        return response
    }
}
