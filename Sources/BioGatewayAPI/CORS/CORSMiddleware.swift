import HTTPTypes
import Hummingbird

/// Cross-origin access for notebooks and pages in browsers (`BIOGATEWAY_CORS_ORIGINS`): requests from an
/// allowed origin get `Access-Control-Allow-Origin` and the headers scripts need exposed (`Cache-Status`,
/// `RateLimit*`, `Retry-After`, `X-Request-Id`, `BioGateway-Notice`, validators and paging headers);
/// preflights from an allowed origin are answered here, 204. Other origins get no CORS headers, so browsers
/// keep their scripts out; nothing changes for clients that send no `Origin`.
struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The allowed origins (`https://host[:port]`), or every origin (`*`).
    let origins: CORSOrigins

    static var exposed: String {
        [
            "Cache-Status", "RateLimit", "RateLimit-Policy", "Retry-After", "X-Request-Id", "BioGateway-Notice", "ETag",
            "Last-Modified", "Age", "Link", "BioGateway-Next-Cursor", "BioGateway-Total", "BioGateway-Source-Status",
            "BioGateway-Cache-Key", "BioGateway-Data-Version",
        ].joined(separator: ", ")
    }
    static var allowedMethods: String { "GET, HEAD, POST, DELETE" }
    static var allowedHeaders: String { "Authorization, X-API-Key, Content-Type, Cache-Control, If-None-Match, If-Modified-Since, X-Request-Id" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], let allowed = self.origins.allowOrigin(for: origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: allowed,
                    .accessControlAllowMethods: Self.allowedMethods,
                    .accessControlAllowHeaders: Self.allowedHeaders,
                    .accessControlMaxAge: "600",
                    .vary: "Origin",
                ]
            )
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowed
        response.headers[.accessControlExposeHeaders] = Self.exposed
        if allowed != "*" {
            response.headers[.vary] = response.headers[.vary].map { $0 + ", Origin" } ?? "Origin"
        }
        return response
    }
}

/// The origins allowed cross-origin access: a list, or every one.
public enum CORSOrigins: Sendable, Hashable {
    case none
    case all
    case list(Set<String>)

    /// Reads `BIOGATEWAY_CORS_ORIGINS`: empty for none, `*` for all, else comma-separated `http(s)://host[:port]`.
    public init?(parsing text: String) {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if items.isEmpty {
            self = .none
        } else if items == ["*"] {
            self = .all
        } else {
            for item in items {
                guard item.hasPrefix("https://") || item.hasPrefix("http://"), !item.dropFirst(8).contains("/"), !item.contains(" ")
                else { return nil }
            }
            self = .list(Set(items.map { $0.lowercased() }))
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, or nil when it is not allowed.
    func allowOrigin(for origin: String) -> String? {
        switch self {
        case .none: nil
        case .all: "*"
        case .list(let origins): origins.contains(origin.lowercased()) ? origin : nil
        }
    }
}
