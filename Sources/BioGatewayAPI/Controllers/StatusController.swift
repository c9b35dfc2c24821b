import BioGatewayCache
import BioGatewayJSON
import BioGatewayUpstream
import Foundation
import Hummingbird

/// `GET /v1/status`: what the web page shows, in one public document — each upstream's state (as
/// `/v1/sources`), the cache's size and hit ratio, and the upstream calls the cache saved (today, the last 7
/// days, since the cache was created, and per day for the last 14). Nothing secret: no keys, no client names,
/// no credentials.
struct StatusController: Sendable {
    let upstream: ResilientUpstream
    let cache: ResponseCache
    let now: @Sendable () -> Date

    /// Days the daily series covers.
    static let seriesDays = 14

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("/v1/status") { _, context in
            var document = JSONObject()
            document["generatedAt"] = .string(self.now().formatted(.iso8601))
            document["sources"] = .object(await SourcesController.sources(of: self.upstream))
            do {
                let statistics = try await self.cache.statistics()
                let history = try await self.cache.history(days: Self.seriesDays)
                document["cache"] = Self.cache(statistics)
                document["saved"] = Self.saved(history)
            } catch {
                context.logger.warning("could not read the cache's statistics", metadata: ["error": "\(error)"])
                throw ProblemDetails(
                    slug: "cache-unavailable",
                    title: "Service Unavailable",
                    status: 503,
                    detail: "The cache's statistics could not be read; the gateway's log says why."
                )
            }
            return Response.uncachedJSON(.object(document))
        }
    }

    /// The public part of the statistics the admin API shows, as it shows them.
    static func cache(_ statistics: CacheStatistics) -> JSONValue {
        let all = statistics.json.objectValue ?? JSONObject()
        var shown = JSONObject()
        for key in ["entries", "bytes", "maximumBytes", "hits", "misses", "staleServed", "hitRatio"] { shown[key] = all[key] }
        return .object(shown)
    }

    static func saved(_ history: CacheHistory) -> JSONValue {
        let week = history.days.suffix(7)
        return [
            "today": .integer(Int64(history.days.last?.saved ?? 0)),
            "lastSevenDays": .integer(Int64(week.reduce(0) { $0 + $1.saved })),
            "sinceCreated": .integer(Int64(history.savedSinceCreated)),
            "forwardedSinceCreated": .integer(Int64(history.forwardedSinceCreated)),
            "cacheCreatedAt": history.createdAt.map { .string($0.formatted(.iso8601)) } ?? .null,
            "daily": .array(
                history.days.map { day in
                    ["day": .string(day.day), "saved": .integer(Int64(day.saved)), "forwarded": .integer(Int64(day.forwarded))]
                }
            ),
        ]
    }
}
