import BioGatewayCore
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Foundation
import Logging

/// A federated search over the sources of a ``RecordQuery``, one page at a time.
///
/// Each page shares its `limit` among the sources that still have records, asks them concurrently, and
/// when one comes up short (exhausted, or failed) asks the others for the rest. The returned
/// ``PagePosition`` records exactly where each source got to, so following it visits every record once.
public struct RecordSearch: Sendable {
    public let fetcher: SourceFetcher

    public init(fetcher: SourceFetcher) { self.fetcher = fetcher }

    /// A source's translated filters.
    public enum Translated: Sendable, Hashable {
        case nhm(NHMSearchQuery)
        case vertnet(String)
    }

    /// What the named sources make of the query's filters.
    public struct Plan: Sendable {
        /// The sources that will be searched, with their requests.
        public var translated: [UpstreamSource: Translated] = [:]
        /// The sources that cannot express the filters exactly, with why.
        public var skipped: [UpstreamSource: [QueryProblem]] = [:]
        /// The named sources in order.
        public var sources: [UpstreamSource] = []
    }

    /// Translates the filters for each named source. With one source named that cannot express them, or
    /// none that can, the request is refused naming the filters.
    public static func plan(_ query: RecordQuery) throws(QueryRejection) -> Plan {
        var plan = Plan(sources: query.sources)
        for source in query.sources {
            switch source {
            case .nhm:
                switch query.filters.nhmQuery(resourceID: SourceFetcher.nhmResourceID) {
                case .request(let search): plan.translated[source] = .nhm(search)
                case .unsupported(let problems): plan.skipped[source] = problems
                }
            case .vertnet:
                switch query.filters.vertnetQuery {
                case .request(let q): plan.translated[source] = .vertnet(q)
                case .unsupported(let problems): plan.skipped[source] = problems
                }
            }
        }
        if plan.translated.isEmpty {
            var problems: [QueryProblem] = []
            for source in query.sources {
                for problem in plan.skipped[source] ?? [] where !problems.contains(problem) { problems.append(problem) }
            }
            throw QueryRejection(problems)
        }
        return plan
    }

    /// One source's part of a page.
    public struct SourceReport: Sendable {
        public enum State: Sendable {
            case ok
            case error(String)
            case skipped(String)
        }

        public var state: State = .ok
        public var total: RecordTotal?
        public var returned = 0
        /// How the cache served the source's answers for this page.
        public var cache = SourceCacheUse.none
    }

    /// A page of a federated search.
    public struct Page: Sendable {
        public var records: [JSONObject] = []
        public var reports: [UpstreamSource: SourceReport] = [:]
        /// Where the next page starts, or nil when every source is exhausted.
        public var next: PagePosition?
        public var warnings: [String] = []
        /// Until when every upstream answer the page was read from stays fresh; nil when one was not fresh
        /// or not stored, or a source failed. Only a page with this date may be kept and sent again.
        public var freshUntil: Date?
        private var madeOfFreshAnswers = true

        /// Notes how fresh one of the upstream answers the page is made of is (nil: not fresh, or none).
        public mutating func noteAnswer(freshUntil: Date?) {
            guard let freshUntil, self.madeOfFreshAnswers else {
                self.madeOfFreshAnswers = false
                self.freshUntil = nil
                return
            }
            self.freshUntil = min(self.freshUntil ?? freshUntil, freshUntil)
        }

        /// The sum of the sources' totals; a lower bound when any is, or when a searched source's is unknown.
        public var total: RecordTotal {
            var total = RecordTotal(value: 0, isLowerBound: false)
            for report in self.reports.values {
                if case .skipped = report.state { continue }
                if let known = report.total {
                    total.value += known.value
                    total.isLowerBound = total.isLowerBound || known.isLowerBound
                } else {
                    total.isLowerBound = true
                }
            }
            return total
        }

        /// The same page with each asked source's `cache` as `hit` (how a kept page is sent again).
        public var markedAsCacheHits: Page {
            var page = self
            for (source, report) in page.reports where report.cache != .none { page.reports[source]?.cache = .hit }
            return page
        }

        /// Every source that was asked for this page failed.
        public var allFailed: Bool {
            let asked = self.reports.values.filter { $0.cache != .none || $0.isError }
            return !asked.isEmpty && asked.allSatisfy(\.isError) && self.records.isEmpty
        }
    }

    /// Why no page could be made.
    public enum Failure: Error {
        /// The client's upstream budget is spent.
        case refused(UpstreamRefusal)
    }

    /// The page of up to `limit` records from `position` (`limit` may exceed one upstream page: an export
    /// asks for 1,000 per source).
    public func page(
        plan: Plan,
        from position: PagePosition,
        limit: Int,
        preferences: ClientPreferences,
        admitUpstream: @escaping @Sendable () -> UpstreamRefusal?,
        logger: Logger
    ) async throws(Failure) -> Page {
        var position = position
        var page = Page()
        for source in plan.sources {
            if let problems = plan.skipped[source] {
                let reasons = problems.map { "\($0.parameter): \($0.detail)" }.joined(separator: "; ")
                page.reports[source] = SourceReport(state: .skipped("not searched, it cannot express this query exactly (\(reasons))"))
            } else {
                let progress = position.progress[source] ?? PagePosition.Progress()
                position.progress[source] = progress
                page.reports[source] = SourceReport(total: progress.total)
            }
        }
        var active = plan.sources.filter { plan.translated[$0] != nil && position.progress[$0]?.done == false }
        var remaining = limit
        var rounds = 0
        while remaining > 0, !active.isEmpty, rounds < 8 {
            rounds += 1
            let shares = Self.shares(of: remaining, among: active)
            let outcomes = await self.fetch(
                shares,
                plan: plan,
                position: position,
                preferences: preferences,
                admitUpstream: admitUpstream,
                logger: logger
            )
            var stillActive: [UpstreamSource] = []
            for source in active {
                guard let (count, outcome) = outcomes[source] else { continue }
                var progress = position.progress[source] ?? PagePosition.Progress()
                var report = page.reports[source] ?? SourceReport()
                switch outcome {
                case .refused(let problem):
                    throw .refused(problem)
                case .failed(let reason):
                    page.noteAnswer(freshUntil: nil)
                    logger.warning("source failed in a federated search", metadata: ["source": "\(source.rawValue)", "error": "\(reason)"])
                    report.state = .error(reason)
                    progress.failures += 1
                    if progress.failures >= PagePosition.maximumFailures {
                        progress.done = true
                        page.warnings.append(
                            "\(source.displayName) failed \(progress.failures) pages in a row and was given up: "
                                + "its records after the first \(progress.offset) are missing from this result"
                        )
                    }
                case .page(let fetched, let cache, let freshUntil):
                    page.noteAnswer(freshUntil: freshUntil)
                    page.records += fetched.records
                    report.returned += fetched.records.count
                    report.total = fetched.total
                    report.cache = report.cache.adding(cache)
                    if case .error = report.state {} else { report.state = .ok }
                    progress.advance(past: fetched, requested: count, from: source)
                    remaining -= fetched.records.count
                    if !progress.done && fetched.records.count == count { stillActive.append(source) }
                }
                position.progress[source] = progress
                page.reports[source] = report
            }
            active = stillActive
        }
        let unfinished = plan.sources.contains { plan.translated[$0] != nil && position.progress[$0]?.done == false }
        page.next = unfinished ? position : nil
        return page
    }

    /// Asks each source for its share at the same time.
    private func fetch(
        _ shares: [(UpstreamSource, Int)],
        plan: Plan,
        position: PagePosition,
        preferences: ClientPreferences,
        admitUpstream: @escaping @Sendable () -> UpstreamRefusal?,
        logger: Logger
    ) async -> [UpstreamSource: (Int, SourceFetcher.Outcome)] {
        await withTaskGroup(of: (UpstreamSource, Int, SourceFetcher.Outcome).self) { group in
            for (source, count) in shares {
                guard let translation = plan.translated[source] else { continue }
                let progress = position.progress[source] ?? PagePosition.Progress()
                group.addTask {
                    let outcome = await self.fetcher.fetch(
                        source,
                        translation: translation,
                        progress: progress,
                        count: count,
                        preferences: preferences,
                        admitUpstream: admitUpstream,
                        logger: logger
                    )
                    return (source, count, outcome)
                }
            }
            var outcomes: [UpstreamSource: (Int, SourceFetcher.Outcome)] = [:]
            for await (source, count, outcome) in group { outcomes[source] = (count, outcome) }
            return outcomes
        }
    }

    /// `total` shared as evenly as possible among `sources` (the first ones get the remainder), each share at
    /// most one upstream page (1,000); a source whose share would be 0 is left out.
    public static func shares(of total: Int, among sources: [UpstreamSource]) -> [(UpstreamSource, Int)] {
        let base = total / sources.count
        let extra = total % sources.count
        return sources.enumerated().compactMap { index, source in
            let share = min(base + (index < extra ? 1 : 0), RecordQuery.maximumLimit)
            return share > 0 ? (source, share) : nil
        }
    }
}

extension RecordSearch.SourceReport {
    /// `ok`, `error` or `skipped`, as the envelope and `BioGateway-Source-Status` say it.
    public var status: String {
        switch self.state {
        case .ok: "ok"
        case .error: "error"
        case .skipped: "skipped"
        }
    }

    public var isError: Bool {
        if case .error = self.state { return true }
        return false
    }
}

/// How the cache served one source's answers for a `/v1/records` page, as its envelope reports it.
public enum SourceCacheUse: String, Sendable {
    /// Every answer read for the page was a fresh stored one.
    case hit
    /// Every answer was a stored one served past its freshness.
    case stale
    /// Every answer came from the upstream.
    case miss
    /// Some of each.
    case mixed
    /// The source was not asked (already exhausted, or skipped).
    case none

    /// The use after one more answer served as `outcome`.
    public func adding(_ outcome: CacheStatus.Outcome) -> Self {
        let added = Self(rawValue: outcome.rawValue)!
        return self == .none || self == added ? added : .mixed
    }
}
