import BioGatewayCore
import BioGatewayJSON
import BioGatewayQuery
import HTTPTypes
import Hummingbird

/// Answers NHM questions, storing those pinned to a past data version without expiry.
///
/// A question with `version` at or below the latest version of every resource it reads always has the same
/// answer (later ingests are stamped later): it is stored as immutable, never refreshed, and its
/// `Cache-Status` says `detail=immutable`. The latest version of a resource is the Data Portal's
/// `vds_version_round` without a version, itself answered through the cache (its usual TTL): a latest version
/// the cache holds may be older than the portal's, which only makes the gateway more careful. A version later
/// than the latest, or a question over every resource (no `resource_id`/`resource_ids`), is cached with the
/// usual TTL.
///
/// What a citation needs is on every NHM answer: `BioGateway-Data-Version` — the pinned version, or for an
/// unpinned question the moment its answer was fetched, in the portal's own unit (ms since the epoch: the
/// portal stamps every change with its time, so asking with `version=` that value gives the same data) — and
/// the question's stable hash, `BioGateway-Cache-Key` (SHA-256 of the canonical question).
struct VersionPins: Sendable {
    let gateway: SearchGateway

    static let dataVersionHeader = HTTPField.Name("BioGateway-Data-Version")!

    /// Answers `question`, immutable when it is pinned at or below the data's latest version.
    func respond(_ question: DropInQuestion, request: Request, context: GatewayRequestContext) async -> Response {
        var notices = question.notices
        var immutable = false
        let version = question.request.parameters["version"]?.integerValue
        if let version, let resources = Self.resources(of: question.request) {
            if await self.gateway.holdsImmutableAnswer(question.request.key, logger: context.logger) {
                immutable = true  // found immutable when it was stored: nothing to check again
            } else {
                immutable = await self.isAtOrBelowLatest(version, of: resources, context: context)
                if !immutable {
                    notices.append(
                        "version \(version) is not known to be at or below the data's latest version: the answer may still change, and is cached for the usual time"
                    )
                }
            }
        }
        let answer = await self.gateway.answer(
            question.request,
            preferences: ClientPreferences(headers: request.headers),
            admitUpstream: context.upstreamAdmission,
            immutable: immutable,
            logger: context.logger
        )
        var response = answer.response(
            cacheKey: question.request.key,
            notices: notices,
            conditions: request.method == .get ? request.headers : nil
        )
        Self.addDataVersion(of: answer, pinned: version, to: &response)
        return response
    }

    /// Adds `BioGateway-Data-Version` to the response made of `answer`, when it is the upstream's data.
    static func addDataVersion(of answer: GatewayAnswer, pinned: Int64?, to response: inout Response) {
        if let dataVersion = Self.dataVersion(of: answer, pinned: pinned) { response.headers[Self.dataVersionHeader] = dataVersion }
    }

    /// The data version an answer reflects: the pinned one, or when the answer was fetched (nil for an
    /// answer that is not the upstream's data: an error, a refusal).
    static func dataVersion(of answer: GatewayAnswer, pinned: Int64?) -> String? {
        guard case .body(let body) = answer, body.status == 200 else { return nil }
        if let pinned { return String(pinned) }
        guard let fetched = body.validator?.storedAt else { return nil }
        return String(Int64((fetched.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Whether `version` is at or below the latest version of every one of `resources`.
    func isAtOrBelowLatest(_ version: Int64, of resources: [String], context: GatewayRequestContext) async -> Bool {
        for resource in resources {
            guard let latest = await self.latestVersion(of: resource, context: context), version <= latest else { return false }
        }
        return true
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
    func latestVersion(of resource: String, context: GatewayRequestContext) async -> Int64? {
        guard let action = NHMAction.readOnly["vds_version_round"],
            let query = try? NHMActionQuery.parse(action, ["resource_id": .string(resource)])
        else { return nil }
        let answer = await self.gateway.answer(
            query.canonicalRequest,
            preferences: ClientPreferences(),
            admitUpstream: context.upstreamAdmission,
            logger: context.logger
        )
        guard case .body(let body) = answer, body.status == 200, body.coding == .identity,
            let document = try? JSONParser.parse(body.body.readableBytesView)
        else { return nil }
        return document["result"]?.integerValue
    }
}
