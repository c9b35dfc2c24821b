import BioGatewayJSON
import BioGatewayQuery
import BioGatewaySettings
import BioGatewayUpstream
import Foundation
import Hummingbird

/// `GET /v1/sources`: each upstream with its base URL, breaker state, pause, queue, in-flight count,
/// recent error rate and latency, and the pacing it is held to.
struct SourcesController: Sendable {
    let upstream: ResilientUpstream

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("/v1/sources") { _, _ in
            Response.uncachedJSON(["sources": .object(await Self.sources(of: self.upstream))])
        }
    }

    /// Each upstream's state, as `/v1/sources` and `/v1/status` show it (nothing secret: the base URL is
    /// shown without credentials).
    static func sources(of upstream: ResilientUpstream) async -> JSONObject {
        var sources = JSONObject()
        for source in UpstreamSource.allCases {
            let gate = upstream.gates[source]!
            let snapshot = await gate.snapshot
            let limits = gate.limits
            var object = JSONObject()
            object["name"] = .string(source.displayName)
            object["baseUrl"] = .string(Redaction.url(upstream.client.configuration.baseURL(for: source)))
            object["state"] = .string(snapshot.breaker.rawValue)
            object["pausedUntil"] = snapshot.pausedUntil.map { .string($0.formatted(.iso8601)) } ?? .null
            object["queueDepth"] = .integer(Int64(snapshot.queueDepth))
            object["inFlight"] = .integer(Int64(snapshot.inFlight))
            object["consecutiveFailures"] = .integer(Int64(snapshot.consecutiveFailures))
            object["recentErrorRate"] = snapshot.recentErrorRate.map { .double(Self.rounded($0)) } ?? .null
            object["recentLatencySeconds"] =
                snapshot.recentLatency.map { ["median": .double(Self.rounded($0.median)), "p95": .double(Self.rounded($0.p95))] } ?? .null
            object["lastError"] =
                snapshot.lastError.map { ["reason": .string($0.reason), "at": .string($0.at.formatted(.iso8601))] } ?? .null
            object["limits"] = [
                "maxRequestsPerSecond": .double(limits.maximumRate),
                "burst": .integer(Int64(limits.burst)),
                "maxConcurrent": .integer(Int64(limits.maximumConcurrent)),
                "queueLimit": .integer(Int64(limits.queueLimit)),
                "queueTimeoutSeconds": .double(limits.queueTimeout),
                "breakerThreshold": .integer(Int64(limits.breakerThreshold)),
                "breakerCooldownSeconds": .double(limits.breakerCooldown),
            ]
            sources[source.rawValue] = .object(object)
        }
        return sources
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
