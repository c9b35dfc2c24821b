import BioGatewayCore
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Foundation
import Logging

/// Fetches one page of one source for a federated search, as the drop-in endpoints would: the translated
/// request goes through the same canonicalisation, enforcement and cache, so it shares cache entries with
/// the equivalent drop-in request.
public struct SourceFetcher: Sendable {
    public let gateway: SearchGateway

    public init(gateway: SearchGateway) { self.gateway = gateway }
    /// The NHM resource `/v1/records` searches: the Data Portal's specimen collection.
    public static let nhmResourceID = NHMResource.specimens

    /// What one fetch came to.
    public enum Outcome: Sendable {
        /// A page, how the cache served it (`hit`, `stale` or `miss`), and until when the answer it was read
        /// from is fresh (nil when it is stale or was not stored).
        case page(SourcePage, cache: CacheStatus.Outcome, freshUntil: Date?)
        /// The source failed; a readable reason.
        case failed(String)
        /// The client's upstream budget is spent: the whole request is answered with this.
        case refused(UpstreamRefusal)
    }

    /// The upstream request for `count` records from `progress`: NHM by offset inside its 10,000 window
    /// and by `after` beyond it; VertNet by its cursor.
    public static func request(
        _ source: UpstreamSource,
        translation: RecordSearch.Translated,
        progress: PagePosition.Progress,
        count: Int
    ) throws -> CanonicalRequest {
        switch translation {
        case .nhm(var query):
            query.setLimit(count)
            if progress.offset + count + 1 <= NHMSearchQuery.searchWindow {
                query.offset = progress.offset
            } else if let after = progress.after {
                query.after = after
            } else {
                throw SourcePage.Unreadable(description: "the NHM Data Portal gave no 'after' to page past record \(progress.offset)")
            }
            try query.enforcePagingRules()
            return query.canonicalRequest
        case .vertnet(let q):
            return VertNetSearchQuery(q: q, limit: count, cursor: progress.cursor).canonicalRequest
        }
    }

    public func fetch(
        _ source: UpstreamSource,
        translation: RecordSearch.Translated,
        progress: PagePosition.Progress,
        count: Int,
        preferences: ClientPreferences,
        admitUpstream: @escaping @Sendable () -> UpstreamRefusal?,
        logger: Logger
    ) async -> Outcome {
        let request: CanonicalRequest
        do {
            request = try Self.request(source, translation: translation, progress: progress, count: count)
        } catch {
            return .failed("the gateway could not build the \(source.displayName) request: \(error)")
        }
        // a page pinned to a past NHM data version never changes: stored without expiry, as on the drop-in path
        let verdict = await DataVersionPins(gateway: self.gateway).verdict(on: request, admitUpstream: admitUpstream, logger: logger)
        let answer = await self.gateway.answer(
            request,
            preferences: preferences,
            admitUpstream: admitUpstream,
            immutable: verdict == .immutable,
            logger: logger
        )
        switch answer {
        case .body(let body):
            guard body.status == 200 else {
                return .failed("\(source.displayName) answered HTTP \(body.status): \(Self.excerpt(String(buffer: body.body)))")
            }
            do {
                let page = try SourcePage.read(body.body.readableBytesView, source: source)
                return .page(page, cache: body.cacheStatus.outcome, freshUntil: body.freshUntil)
            } catch {
                return .failed(error.description)
            }
        case .failure(let error, _):
            return .failed(error.message)
        case .notCached:
            return .failed("not in the cache, and the request said only-if-cached")
        case .refused(let problem):
            return .refused(problem)
        }
    }

    public static func excerpt(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 200 ? String(flat.prefix(200)) + "…" : flat
    }
}
