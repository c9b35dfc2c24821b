import BioGatewayCache
import BioGatewayQuery
import Hummingbird

/// `/admin/cache`: statistics and purges, behind the admin token.
///
/// - `GET /admin/cache`: entries, bytes, hits, misses, hit ratio, coalesced requests, stale answers
///   served, evictions, oldest entry.
/// - `DELETE /admin/cache`: every entry; `?source=nhm|vertnet`: one source's; `?key=<hex>`: one entry.
///   Every purge also forgets the `/v1/records` pages kept in memory (they may be made of purged entries).
struct AdminCacheController: Sendable {
    let cache: ResponseCache
    let pages: MemoryCache<StoredRecordPage>
    let token: String

    func register(on router: Router<GatewayRequestContext>) {
        let group = router.group("admin").add(middleware: AdminTokenMiddleware(token: self.token))
        group.get("cache", use: self.statistics)
        group.delete("cache", use: self.purge)
    }

    /// Answers `/admin/cache` when no admin token is configured: a 404 problem that says the admin API is off
    /// and which setting turns it on (rather than a bare 404 that looks like a wrong path).
    static func registerDisabled(on router: Router<GatewayRequestContext>) {
        let off: @Sendable (Request, GatewayRequestContext) async throws -> Response = { _, _ in
            throw ProblemDetails(
                slug: "admin-disabled",
                title: "Admin API Off",
                status: 404,
                detail: "The admin API is off on this gateway. Set BIOGATEWAY_ADMIN_TOKEN (at least 16 characters) and restart it, "
                    + "then send Authorization: Bearer <token> to /admin/cache."
            )
        }
        router.get("/admin/cache", use: off)
        router.delete("/admin/cache", use: off)
    }

    @Sendable func statistics(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try Self.rejectParameters(of: request, allowed: [])
        return .uncachedJSON(try await self.cache.statistics().json)
    }

    @Sendable func purge(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let scope = try Self.purgeScope(of: request)
        let purged = try await self.cache.purge(scope)
        self.pages.removeAll()
        context.logger.notice("cache purged", metadata: ["scope": "\(scope)", "entries": "\(purged)"])
        return .uncachedJSON(["purged": .integer(Int64(purged))])
    }

    /// Reads `source` or `key` (at most one); anything else is a 400 naming the parameter.
    static func purgeScope(of request: Request) throws -> ResponseCache.PurgeScope {
        try self.rejectParameters(of: request, allowed: ["source", "key"])
        let parameters = FormParameters(encoded: request.uri.query ?? "")
        switch (parameters["source"], parameters["key"]) {
        case (nil, nil):
            return .everything
        case (let source?, nil):
            guard let upstream = UpstreamSource(rawValue: source) else {
                throw ProblemDetails.invalidRequest([QueryProblem(parameter: "source", detail: "must be nhm or vertnet, not '\(source)'")])
            }
            return .source(upstream)
        case (nil, let key?):
            guard key.count == 64, key.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw ProblemDetails.invalidRequest([
                    QueryProblem(parameter: "key", detail: "must be a cache key: 64 lowercase hex digits (see the BioGateway-Cache-Key header)")
                ])
            }
            return .key(key)
        case (.some, .some):
            throw ProblemDetails.invalidRequest([QueryProblem(parameter: "key", detail: "give either source or key, not both")])
        }
    }

    static func rejectParameters(of request: Request, allowed: Set<String>) throws {
        let unknown = FormParameters(encoded: request.uri.query ?? "").keys.filter { !allowed.contains($0) }
        guard unknown.isEmpty else {
            throw ProblemDetails.invalidRequest(
                unknown.map {
                    QueryProblem(
                        parameter: $0,
                        detail: "unknown parameter" + (allowed.isEmpty ? "" : "; use \(allowed.sorted().joined(separator: " or "))")
                    )
                }
            )
        }
    }
}
