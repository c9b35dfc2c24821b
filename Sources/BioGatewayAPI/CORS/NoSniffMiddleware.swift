import HTTPTypes
import Hummingbird

/// Sends `X-Content-Type-Options: nosniff` with every answer, so that a browser never reads an answer as
/// anything but the type the gateway declares (an upstream's text could otherwise run as a page on the
/// gateway's origin).
struct NoSniffMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // appended: nothing else writes it (a setter would search every field first)
        response.headers.append(HTTPField(name: .xContentTypeOptions, value: "nosniff"))
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
