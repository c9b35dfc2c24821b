import BioGatewayCache
import BioGatewayCore
import BioGatewayFederation
import BioGatewayJSON
import BioGatewayQuery
import Foundation
import Hummingbird
import Logging

/// Pages of `datastore_search` / `vds_basic_query` by `offset` past the Data Portal's 10,000-record window,
/// answered by walking its `after` cursor, for the clients that page by offset (nhm-pyportal's `all()` stops
/// silently at 9,000 records when the portal refuses the window).
///
/// The page at offset `o` is the upstream's page after the record at `o - 1`, whose sort key (`after`) is
/// remembered per question: each page's `result.after` is the start of the next. A sequential pager therefore
/// costs one upstream request per page: the first page past the window walks the in-window pages by offset
/// (the very requests the pager just made, so cache hits) to read the `after` they end on, and each later page
/// starts from the `after` the previous one ended on. Every step goes through the cache, coalescing and the
/// upstream pacing like any other request.
actor DeepPaging {
    /// Where each question's known offsets start: `after` values by offset, per question (bounded: least
    /// recently used questions are forgotten first, and re-walked from cached pages when asked again).
    private var starts: [String: [Int: [JSONValue]]] = [:]
    private var recency: [String] = []
    /// Questions remembered at once.
    static let maximumQuestions = 256
    /// Starts remembered per question besides the step boundaries (multiples of ``stepSize``, at most
    /// ``maximumOffset`` / ``stepSize``): a pager with an odd page size is remembered up to here, then walked
    /// from the boundaries. Together: at most about 280,000 small `after` values (a few tens of MB).
    static let maximumOtherStarts = 100
    /// Records one walking step asks for (the Data Portal's page cap).
    static let stepSize = NHMSearchQuery.maximumLimit
    /// The farthest a single request may walk (steps), so one request cannot queue an unbounded walk.
    static let maximumSteps = 100

    /// The farthest offset walked to (a page is still at most ``maximumSteps`` steps from a known start).
    static let maximumOffset = 1_000_000

    let gateway: SearchGateway

    init(gateway: SearchGateway) { self.gateway = gateway }

    /// What the answer's `BioGateway-Notice` says.
    static func notice(offset: Int) -> String {
        "offset \(offset) is past the Data Portal's 10,000-record window: answered by walking its after cursor from the previous page"
    }

    /// The response to a walked question: the page, or the portal's 409 envelope saying why not.
    func respond(_ question: DropInQuestion, request: Request, context: GatewayRequestContext, action: String) async -> Response {
        let offset = Int(question.request.parameters["offset"]?.integerValue ?? 0)
        let answer: GatewayAnswer
        do {
            answer = try await self.page(
                question.request,
                preferences: ClientPreferences(headers: request.headers),
                admitUpstream: context.upstreamAdmission,
                logger: context.logger
            )
        } catch {
            switch error {
            case .pastTheEnd(let total):
                let refusal = NHMValidationError(
                    message: "offset \(offset) is past the end of the results" + (total.map { " (\($0) records)" } ?? "")
                )
                return NHMDropInController.rejection(refusal, action: action, request: request)
            case .tooFar(let steps):
                let refusal = NHMValidationError(
                    message:
                        "offset \(offset) is \(steps) pages past the nearest page the gateway knows the start of (at most \(Self.maximumSteps)): page through the results in order, or use after"
                )
                return NHMDropInController.rejection(refusal, action: action, request: request)
            case .answer(let failed):
                return failed.response(cacheKey: question.request.key, notices: question.notices, conditions: nil)
            }
        }
        // the page answered is the after-request's: its key is the one to purge or look up
        var response = answer.response(cacheKey: question.request.key, notices: question.notices, conditions: nil)
        VersionPins.addDataVersion(of: answer, pinned: DataVersionPins.pinnedVersion(of: question.request), to: &response)
        return response
    }

    /// Why a page could not be walked to.
    enum Refusal: Error {
        /// The results end before `offset` (their total).
        case pastTheEnd(total: Int?)
        /// Further than ``maximumSteps`` steps from the nearest known start.
        case tooFar(steps: Int)
        /// A step's answer was not a page (an upstream failure or error): answer with it.
        case answer(GatewayAnswer)
    }

    /// The answer for `request` (a window-refused page: `offset`, `limit` in its parameters), from the page
    /// after the record at `offset - 1`.
    func page(
        _ request: CanonicalRequest,
        preferences: ClientPreferences,
        admitUpstream: @escaping @Sendable () -> UpstreamRefusal?,
        logger: Logger
    ) async throws(Refusal) -> GatewayAnswer {
        let offset = Int(request.parameters["offset"]?.integerValue ?? 0)
        let limit = Int(request.parameters["limit"]?.integerValue ?? Int64(NHMSearchQuery.defaultLimit))
        var family = request.parameters
        family["offset"] = nil
        family["limit"] = nil
        family["after"] = nil
        let question = CanonicalRequest(source: request.source, endpoint: request.endpoint, parameters: family).key

        // walk from the nearest known start at or before the offset
        var (position, after) = self.nearestStart(question, atOrBefore: offset)
        let steps = (offset - position + Self.stepSize - 1) / Self.stepSize
        if steps > Self.maximumSteps { throw .tooFar(steps: steps) }
        while position < offset {
            let size = min(Self.stepSize, offset - position)
            let step = Self.request(family, request, offset: position, limit: size, after: after)
            let answer = await self.gateway.answer(
                step,
                preferences: ClientPreferences(),
                admitUpstream: admitUpstream,
                logger: logger
            )
            guard case .body(let body) = answer, body.status == 200, let result = Self.result(body) else { throw .answer(answer) }
            guard case .array(let next)? = result["after"] else {
                throw .pastTheEnd(total: result["total"]?.integerValue.map { Int($0) })
            }
            position += size
            after = next
            self.remember(question, offset: position, after: next)
        }
        let final = Self.request(family, request, offset: offset, limit: limit, after: after)
        let answer = await self.gateway.answer(final, preferences: preferences, admitUpstream: admitUpstream, logger: logger)
        // where the next page starts: read from this page (its identity bytes: asked again, a hit, when the
        // client took gzip)
        if case .body(let body) = answer, body.status == 200, self.starts[question]?[offset + limit] == nil {
            var identity = body
            if body.coding == .gzip,
                case .body(let plain) = await self.gateway.answer(final, preferences: ClientPreferences(), logger: logger)
            {
                identity = plain
            }
            if case .array(let next)? = Self.result(identity)?["after"] {
                self.remember(question, offset: offset + limit, after: next)
            }
        }
        return answer
    }

    /// The request for `limit` records from `offset`: by offset inside the window (the requests an offset
    /// pager makes itself), by `after` past it.
    static func request(
        _ family: JSONObject,
        _ original: CanonicalRequest,
        offset: Int,
        limit: Int,
        after: [JSONValue]?
    ) -> CanonicalRequest {
        var parameters = family
        parameters["limit"] = .integer(Int64(limit))
        if offset + limit + 1 <= NHMSearchQuery.searchWindow {
            parameters["offset"] = .integer(Int64(offset))
        } else {
            parameters["offset"] = 0
            if let after { parameters["after"] = .array(after) }
        }
        return CanonicalRequest(source: original.source, endpoint: original.endpoint, parameters: parameters)
    }

    /// The `result` object of a page's identity bytes (nil for gzip bytes).
    static func result(_ body: AnswerBody) -> JSONObject? {
        guard body.coding != .gzip else { return nil }
        return (try? JSONParser.parse(body.body.readableBytesView))?["result"]?.objectValue
    }

    private func nearestStart(_ question: String, atOrBefore offset: Int) -> (Int, [JSONValue]?) {
        self.touch(question)
        guard let known = self.starts[question] else { return (0, nil) }
        let best = known.keys.filter { $0 <= offset }.max()
        guard let best else { return (0, nil) }
        return (best, known[best])
    }

    private func remember(_ question: String, offset: Int, after: [JSONValue]) {
        let known = self.starts[question] ?? [:]
        if offset % Self.stepSize != 0, known.count >= Self.maximumOffset / Self.stepSize + Self.maximumOtherStarts {
            return
        }
        if offset % Self.stepSize != 0, known.keys.lazy.filter({ $0 % Self.stepSize != 0 }).count >= Self.maximumOtherStarts {
            return
        }
        self.starts[question, default: [:]][offset] = after
        self.touch(question)
        if self.recency.count > Self.maximumQuestions {
            let forgotten = self.recency.removeFirst()
            self.starts[forgotten] = nil
        }
    }

    private func touch(_ question: String) {
        if let index = self.recency.firstIndex(of: question) { self.recency.remove(at: index) }
        self.recency.append(question)
    }
}
