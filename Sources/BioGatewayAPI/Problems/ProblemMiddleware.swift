import HTTPTypes
import Hummingbird
import Logging

/// The one place errors become answers: every error that escapes a route is rendered as
/// `application/problem+json` — a ``ProblemDetails`` as it is, Hummingbird's own errors (unknown paths,
/// wrong methods, oversized bodies) in words, and anything unexpected as a logged 500 — so the server
/// answers every request and never drops one on the floor.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return ProblemDetails(error, request: request, logger: context.logger).response()
        }
    }
}

extension ProblemDetails {
    /// The problem for an error thrown while answering `request`.
    init(_ error: any Error, request: Request, logger: Logger) {
        switch error {
        case let problem as ProblemDetails:
            self = problem
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
            self.init(slug: "http-\(status)", title: error.status.reasonPhrase, status: status, detail: detail)
        default:
            logger.error("unhandled error", metadata: ["error": "\(error)"])
            self.init(
                slug: "internal-error",
                title: "Internal Server Error",
                status: 500,
                detail: "The gateway failed while answering this request; the error has been logged."
            )
        }
    }
}
