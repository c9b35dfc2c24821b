import BioGatewayCore
import BioGatewayFederation
import BioGatewayJSON
import BioGatewayQuery
import HTTPTypes
import Hummingbird

/// Answers NHM questions, storing those pinned to a past data version without expiry (``DataVersionPins``
/// decides which): never refreshed, and their `Cache-Status` says `detail=immutable`.
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
        let verdict = await DataVersionPins(gateway: self.gateway).verdict(
            on: question.request,
            admitUpstream: context.upstreamAdmission,
            logger: context.logger
        )
        if case .mayChange(let version) = verdict {
            notices.append(
                "version \(version) is not known to be at or below the data's latest version: the answer may still change, and is cached for the usual time"
            )
        }
        let answer = await self.gateway.answer(
            question.request,
            preferences: ClientPreferences(headers: request.headers),
            admitUpstream: context.upstreamAdmission,
            immutable: verdict == .immutable,
            logger: context.logger
        )
        var response = answer.response(
            cacheKey: question.request.key,
            notices: notices,
            conditions: request.method == .get ? request.headers : nil
        )
        Self.addDataVersion(of: answer, pinned: DataVersionPins.pinnedVersion(of: question.request), to: &response)
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
}
