import BioGatewayQuery
import Foundation
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
        guard let presented = Self.bearerToken(request.headers[.authorization]),
            Self.constantTimeEquals(Array(SHA256Hex.digest(Array(presented.utf8)).utf8), self.tokenDigest)
        else {
            return ProblemDetails(
                slug: "unauthorized",
                title: "Unauthorized",
                status: 401,
                detail: "The admin API needs the header 'Authorization: Bearer <token>' with the token set in BIOGATEWAY_ADMIN_TOKEN."
            ).response(headers: [.wwwAuthenticate: #"Bearer realm="biogateway-admin""#])
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header (scheme case-insensitive).
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    /// Equality that always looks at every byte.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
