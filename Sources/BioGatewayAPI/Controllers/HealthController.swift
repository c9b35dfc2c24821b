import BioGatewayCache
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayUpstream
import Hummingbird

/// `GET /healthz` (the process answers) and `GET /readyz` (the cache database takes writes; each
/// upstream's breaker state is reported, and an open breaker does not make the gateway unready, since
/// the cache can still answer).
struct HealthController: Sendable {
    let cache: ResponseCache
    let upstream: ResilientUpstream

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/healthz") { _, _ in
            Response.uncachedJSON(["status": "ok"], status: .ok)
        }
        router.get("/readyz") { _, context in
            var upstreams = JSONObject()
            for source in UpstreamSource.allCases {
                upstreams[source.rawValue] = .string(await self.upstream.gates[source]!.snapshot.breaker.rawValue)
            }
            do {
                try await self.cache.checkWritable()
                return Response.uncachedJSON(["status": "ready", "cache": "writable", "upstreams": .object(upstreams)], status: .ok)
            } catch {
                context.logger.error("not ready: the cache database does not take writes", metadata: ["error": "\(error)"])
                return Response.uncachedJSON(
                    ["status": "not-ready", "cache": .string("not writable: \(error)"), "upstreams": .object(upstreams)],
                    status: .serviceUnavailable
                )
            }
        }
    }

}
