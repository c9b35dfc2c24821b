import BioGatewayCore
import BioGatewayJSON
import BioGatewayQuery
import Logging

/// Decides whether an NHM question pinned to a data version (`version`, ms since the epoch) has an answer that
/// can never change, so that it is stored without expiry.
///
/// A question with `version` at or below the latest version of every resource it reads always has the same
/// answer: later ingests are stamped later. The latest version of a resource is the Data Portal's
/// `vds_version_round` without a version, itself answered through the cache (its usual TTL): a latest version
/// the cache holds may be older than the portal's, which only makes the gateway more careful. A version later
/// than the latest, or a question over every resource (no `resource_id`/`resource_ids`), may still change.
public struct DataVersionPins: Sendable {
    public let gateway: SearchGateway

    public init(gateway: SearchGateway) { self.gateway = gateway }

    /// What a question's `version` makes of its answer.
    public enum Verdict: Sendable, Equatable {
        /// No `version`: the answer follows the data (the usual TTL).
        case unpinned
        /// Pinned at or below the data's latest version: the answer never changes.
        case immutable
        /// Pinned, but not known to be at or below the latest version: the answer may still change.
        case mayChange(version: Int64)
    }

    /// The verdict on `request`; asks for the latest versions it needs through the cache.
    public func verdict(
        on request: CanonicalRequest,
        admitUpstream: @escaping @Sendable () -> UpstreamRefusal?,
        logger: Logger
    ) async -> Verdict {
        guard let version = Self.pinnedVersion(of: request) else { return .unpinned }
        guard let resources = Self.resources(of: request) else { return .mayChange(version: version) }
        // found immutable when it was stored: nothing to check again
        if await self.gateway.holdsImmutableAnswer(request.key, logger: logger) { return .immutable }
        for resource in resources {
            guard let latest = await self.latestVersion(of: resource, admitUpstream: admitUpstream, logger: logger),
                version <= latest
            else { return .mayChange(version: version) }
        }
        return .immutable
    }

    /// The data version an NHM question is pinned to (its `version`), or nil.
    public static func pinnedVersion(of request: CanonicalRequest) -> Int64? {
        request.source == .nhm ? request.parameters["version"]?.integerValue : nil
    }

    /// The resources a question reads, when it names them (nil for none, or "every resource").
    static func resources(of request: CanonicalRequest) -> [String]? {
        if let id = request.parameters["resource_id"]?.stringValue { return [id] }
        if case .array(let ids)? = request.parameters["resource_ids"], !ids.isEmpty {
            let names = ids.compactMap(\.stringValue)
            return names.count == ids.count ? names : nil
        }
        return nil
    }

    /// The latest data version of `resource` (`vds_version_round` without a version), through the cache.
    func latestVersion(
        of resource: String,
        admitUpstream: @escaping @Sendable () -> UpstreamRefusal?,
        logger: Logger
    ) async -> Int64? {
        guard let action = NHMAction.readOnly["vds_version_round"],
            let query = try? NHMActionQuery.parse(action, ["resource_id": .string(resource)])
        else { return nil }
        let answer = await self.gateway.answer(
            query.canonicalRequest,
            preferences: ClientPreferences(),
            admitUpstream: admitUpstream,
            logger: logger
        )
        guard case .body(let body) = answer, body.status == 200, body.coding == .identity,
            let document = try? JSONParser.parse(body.body.readableBytesView)
        else { return nil }
        return document["result"]?.integerValue
    }
}
