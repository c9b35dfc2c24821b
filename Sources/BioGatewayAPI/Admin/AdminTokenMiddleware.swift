import BioGatewayQuery
import BioGatewayRateLimit
import HTTPTypes
import Hummingbird

/// Lets a request through only with `Authorization: Bearer <admin token>`; otherwise 401 problem+json.
///
/// The comparison is of SHA-256 digests in constant time, so neither the token's length nor how much of
/// it a guess got right shows in the response time.
struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let tokenDigest: [UInt8]

    init(token: String) {
        self.tokenDigest = Array(SHA256Hex.digest(Array(token.utf8)).utf8)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let presented = Credentials.bearerToken(request.headers[.authorization]),
            Credentials.constantTimeEquals(Array(SHA256Hex.digest(Array(presented.utf8)).utf8), self.tokenDigest)
        else {
            throw ProblemDetails(
                slug: "unauthorized",
                title: "Unauthorized",
                status: 401,
                detail: "The admin API needs the header 'Authorization: Bearer <token>' with the token set in BIOGATEWAY_ADMIN_TOKEN."
            ).adding([.wwwAuthenticate: #"Bearer realm="biogateway-admin""#])
        }
        return try await next(request, context)
    }
}
