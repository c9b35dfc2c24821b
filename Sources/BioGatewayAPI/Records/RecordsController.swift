import BioGatewayCache
import BioGatewayCore
import BioGatewayFederation
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPField.Name {
    /// The `next` cursor of a page, for formats without an envelope (NDJSON, CSV).
    static let nextCursor = HTTPField.Name("BioGateway-Next-Cursor")!
    /// The page's total, `<value>; relation=eq|gte`.
    static let recordTotal = HTTPField.Name("BioGateway-Total")!
    /// Each source's status, `nhm=ok, vertnet=error`.
    static let sourceStatus = HTTPField.Name("BioGateway-Source-Status")!
    static let link = HTTPField.Name("Link")!
}

/// `/v1/records`: one schema for both sources. A federated Darwin Core search with signed cursors, in
/// JSON, NDJSON, CSV or GeoJSON; and `/v1/records/export`, which streams every matching record.
struct RecordsController: Sendable {
    let search: RecordSearch
    let signer: CursorSigner
    /// Pages already made, sent again as they are while their upstream answers are fresh.
    let pages: MemoryCache<StoredRecordPage>
    let now: @Sendable () -> Date

    func register(on router: RouterGroup<GatewayRequestContext>) {
        router.get("/v1/records", use: self.page)
        router.post("/v1/records", use: self.page)
        router.get("/v1/records/export", use: self.export)
    }

    @Sendable func page(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let parsed = try await self.parse(request, context: context, endpoint: .page)
        let format = parsed.query.format ?? request.headers[.accept].flatMap(RecordFormat.init(accept:)) ?? .json
        let preferences = ClientPreferences(headers: request.headers)
        let key = StoredRecordPage.key(parsed.query, fingerprint: parsed.fingerprint, format: format)
        // no-cache and max-age ask for answers fresher than a kept page may be: the page is made again
        let bypassed = preferences.noCache || preferences.maxAge != nil
        if !bypassed, self.pages.isEnabled, let stored = self.pages.value(forKey: key) {
            let ttl = Int(stored.expiresAt.timeIntervalSince(self.now()).rounded(.down))
            self.search.fetcher.gateway.countHitsServedFromMemory(stored.sourceAnswers)
            return Self.response(stored, request: request, gzip: preferences.acceptsGzip, cacheStatus: .pageHit(ttl: ttl))
        }
        let page: RecordSearch.Page
        do {
            page = try await self.search.page(
                plan: parsed.plan,
                from: parsed.position,
                limit: parsed.query.limit,
                preferences: preferences.identity,
                admitUpstream: context.upstreamAdmission,
                logger: context.logger
            )
        } catch .refused(let refusal) {
            return ProblemDetails(refusal).response()
        }
        if page.allFailed {
            // with only-if-cached nothing went upstream: every source failed for want of a stored answer
            return (preferences.onlyIfCached ? ProblemDetails.notCached : Self.sourcesFailed(page)).response()
        }
        let next = page.next.map { self.signer.cursor(for: $0, fingerprint: parsed.fingerprint) }
        let warnings = parsed.query.warnings + page.warnings
        let writer = RecordWriter(format: format, fields: parsed.query.fields)
        var headers: HTTPFields = [.contentType: format.contentType]
        headers[.recordTotal] = Self.totalHeader(page.total)
        headers[.sourceStatus] = Self.statusHeader(page)
        if let next { headers[.nextCursor] = next }
        if !warnings.isEmpty { headers[.notice] = warnings.joined(separator: "; ") }

        var records = writer.head()
        for (index, record) in page.records.enumerated() { writer.write(record, index: index, into: &records) }
        let version = parsed.query.filters.version
        let tail = writer.tail(metadata: Self.metadata(page, next: next, warnings: warnings, nhmVersion: version))
        var made = StoredRecordPage(body: Self.buffer(records, tail), headers: headers, next: next, expiresAt: .distantPast)
        var stored = false
        if self.pages.isEnabled, let freshUntil = page.freshUntil {
            // kept with every asked source's part marked as a hit: that is what it is when sent again
            let keptPage = page.markedAsCacheHits
            let keptTail = writer.tail(metadata: Self.metadata(keptPage, next: next, warnings: warnings, nhmVersion: version))
            var kept = made
            kept.expiresAt = freshUntil
            kept.sourceAnswers = page.reports.values.filter { $0.cache != .none }.count
            if keptTail != tail { kept.body = Self.buffer(records, keptTail) }
            kept.gzipBody = StoredRecordPage.compressed(kept.body)
            kept.validator = AnswerValidator(digest: SHA256Hex.digest(kept.body.readableBytesView), storedAt: self.now())
            if keptTail == tail { made.gzipBody = kept.gzipBody }
            self.pages.store(kept, size: kept.size, forKey: key, expiresAt: freshUntil)
            stored = true
        }
        if preferences.acceptsGzip, made.gzipBody == nil { made.gzipBody = StoredRecordPage.compressed(made.body) }
        let cacheStatus = CacheStatus.pageMade(bypassed: bypassed, stored: stored)
        return Self.response(made, request: request, gzip: preferences.acceptsGzip, cacheStatus: cacheStatus)
    }

    static func buffer(_ head: [UInt8], _ tail: [UInt8]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: head.count + tail.count)
        buffer.writeBytes(head)
        buffer.writeBytes(tail)
        return buffer
    }

    /// A page's response to this request: its headers, `Link` to the next page for GET, `Cache-Status`, and
    /// the gzip body when the client takes gzip and there is one. A kept page carries `ETag` and
    /// `Last-Modified`, and a GET for one the client already has is answered 304 with no body.
    static func response(_ page: StoredRecordPage, request: Request, gzip: Bool, cacheStatus: CacheStatus) -> Response {
        var headers = page.headers
        if let next = page.next, request.method == .get { headers[.link] = "<\(Self.nextURL(request, cursor: next))>; rel=\"next\"" }
        headers[.cacheStatus] = cacheStatus.description
        headers[.vary] = "Accept, Accept-Encoding"
        var body = page.body
        var coding = ContentCoding.identity
        if gzip, let compressed = page.gzipBody {
            headers[.contentEncoding] = "gzip"
            body = compressed
            coding = .gzip
        }
        let conditions = request.method == .get ? request.headers : nil
        if let notModified = page.validator?.addValidators(to: &headers, coding: coding, conditions: conditions) {
            return notModified
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// A validated request: the query, what each source makes of it, and where paging resumes.
    struct Parsed: Sendable {
        var query: RecordQuery
        var plan: RecordSearch.Plan
        var position: PagePosition
        /// The query's fingerprint (sources and filters), which its cursors are tied to.
        var fingerprint: String
    }

    /// Reads and validates a request; a bad one throws a 400 problem naming each bad parameter.
    func parse(_ request: Request, context: GatewayRequestContext, endpoint: RecordQuery.Endpoint) async throws -> Parsed {
        let parameters = try await Self.parameters(of: request, context: context)
        let query: RecordQuery
        let plan: RecordSearch.Plan
        do {
            query = try RecordQuery.parse(parameters, endpoint: endpoint)
            plan = try RecordSearch.plan(query)
        } catch {
            throw ProblemDetails.invalidRequest(error.problems)
        }
        let fingerprint = query.fingerprint
        var position = PagePosition()
        if let cursor = query.cursor {
            do {
                position = try self.signer.position(from: cursor, fingerprint: fingerprint)
            } catch .invalid {
                throw ProblemDetails.invalidRequest([
                    QueryProblem(
                        parameter: "cursor",
                        detail: "is not a cursor this gateway issued, or was altered; pass the 'next' value of a page unchanged"
                    )
                ])
            } catch .otherQuery {
                throw ProblemDetails.invalidRequest([
                    QueryProblem(
                        parameter: "cursor",
                        detail:
                            "belongs to another query; send the same source and filters as the request that returned it (limit, fields and format may change)"
                    )
                ])
            }
        }
        return Parsed(query: query, plan: plan, position: position, fingerprint: fingerprint)
    }

    /// The request's parameters (``RequestParameters``); a body that is not a JSON object is a 400.
    static func parameters(of request: Request, context: GatewayRequestContext) async throws -> JSONObject {
        do {
            return try await RequestParameters.read(request, context: context)
        } catch is RequestParameters.BodyProblem {
            throw ProblemDetails.invalidRequest([
                QueryProblem(parameter: "body", detail: "must be a JSON object of parameters, e.g. {\"genus\": \"Bufo\", \"limit\": 50}")
            ])
        }
    }

    /// The envelope's members after `records` (the NHM's data `version` with its source, when one was asked).
    static func metadata(_ page: RecordSearch.Page, next: String?, warnings: [String], nhmVersion: Int64? = nil) -> JSONObject {
        var sources = JSONObject()
        for (source, report) in page.reports.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            var item = JSONObject()
            item["status"] = .string(report.status)
            item["total"] = report.total?.json ?? .null
            item["returned"] = .integer(Int64(report.returned))
            item["cache"] = .string(report.cache.rawValue)
            switch report.state {
            case .ok: break
            case .error(let message): item["error"] = .string(message)
            case .skipped(let reason): item["reason"] = .string(reason)
            }
            if source == .nhm, let nhmVersion { item["version"] = .integer(nhmVersion) }
            sources[source.rawValue] = .object(item)
        }
        return JSONObject([
            ("total", page.total.json),
            ("sources", .object(sources)),
            ("next", next.map { .string($0) } ?? .null),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
    }

    /// 502: every source asked failed (`lead` says what that means for this request).
    static func sourcesFailed(
        _ page: RecordSearch.Page,
        title: String = "Every source failed",
        lead: String = "No source could answer this page."
    ) -> ProblemDetails {
        let reasons = page.reports.sorted { $0.key.rawValue < $1.key.rawValue }.compactMap { source, report -> String? in
            guard case .error(let message) = report.state else { return nil }
            return "\(source.displayName): \(message)"
        }
        return ProblemDetails(slug: "upstream-failed", title: title, status: 502, detail: ([lead] + reasons).joined(separator: " "))
    }

    static func totalHeader(_ total: RecordTotal) -> String {
        "\(total.value); relation=\(total.isLowerBound ? "gte" : "eq")"
    }

    static func statusHeader(_ page: RecordSearch.Page) -> String {
        page.reports.sorted { $0.key.rawValue < $1.key.rawValue }.map { source, report in "\(source.rawValue)=\(report.status)" }.joined(
            separator: ", "
        )
    }

    /// This request's path and query with `cursor` replaced.
    static func nextURL(_ request: Request, cursor: String) -> String {
        let kept = FormParameters(encoded: request.uri.query ?? "").pairs.filter { $0.key != "cursor" } + [("cursor", cursor)]
        let query = kept.map { "\(FormParameters.encode($0.key))=\(FormParameters.encode($0.value))" }.joined(separator: "&")
        return request.uri.path + "?" + query
    }
}

extension ClientPreferences {
    /// The same preferences, asking for identity bytes (the records are read, not passed through).
    var identity: ClientPreferences {
        var preferences = self
        preferences.acceptsGzip = false
        return preferences
    }
}
