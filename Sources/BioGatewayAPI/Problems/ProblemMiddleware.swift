import HTTPTypes
import Hummingbird
import Logging

/// Turns every error that escapes a route into `application/problem+json`: unknown paths (404),
/// wrong methods (405), oversized bodies (413) and, for anything unexpected, a logged 500, so the
/// server answers every request and never drops one on the floor.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, request: request, context: context)
        }
    }

    /// The problem document for an error thrown while answering `request`.
    static func response(for error: any Error, request: Request, context: Context) -> Response {
        switch error {
        case let problem as ProblemDetails:
            return problem.response()
        case let error as any HTTPResponseError:
            let status = Int(error.status.code)
            let detail: String =
                switch status {
                case 404:
                    "Nothing is served at \(request.method.rawValue) \(request.uri.path). See /openapi.yaml for the routes and methods this gateway serves."
                case 405: "\(request.method.rawValue) is not allowed on \(request.uri.path)."
                case 413: "The request body is too large."
                default: (error as? HTTPError)?.body ?? error.status.reasonPhrase
                }
            return ProblemDetails(slug: "http-\(status)", title: error.status.reasonPhrase, status: status, detail: detail).response()
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            return ProblemDetails(
                slug: "internal-error",
                title: "Internal Server Error",
                status: 500,
                detail: "The gateway failed while answering this request; the error has been logged."
            ).response()
        }
    }
}
