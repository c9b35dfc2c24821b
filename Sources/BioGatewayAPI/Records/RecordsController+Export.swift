import BioGatewayCore
import BioGatewayFederation
import BioGatewayQuery
import BioGatewayRecords
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension RecordsController {
    /// Why an export stopped before its end.
    struct ExportInterrupted: Error, CustomStringConvertible {
        var description: String
    }

    /// `GET /v1/records/export`: every matching record (up to `max`) as one chunked NDJSON, CSV or GeoJSON
    /// answer, fetched 1,000 records per source and upstream request through the cache while it is written, so memory stays flat
    /// whatever the size. An export is complete or fails: a source failing before the first byte is a
    /// 502; failing later, the connection is closed without the final chunk, which clients report as an
    /// incomplete transfer. A client that disconnects stops the export at its next write.
    @Sendable func export(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let parsed = try await self.parse(request, context: context, endpoint: .export)
        let accepted = request.headers[.accept].flatMap(RecordFormat.init(accept:))
        let format = parsed.query.format ?? (accepted == .json ? nil : accepted) ?? .ndjson
        let preferences = ClientPreferences(headers: request.headers).identity
        let admitUpstream = context.upstreamAdmission
        let logger = context.logger
        let maximum = parsed.query.maximum
        let first: RecordSearch.Page
        do {
            first = try await self.search.page(
                plan: parsed.plan,
                from: parsed.position,
                limit: min(RecordQuery.maximumLimit * parsed.plan.translated.count, maximum),
                preferences: preferences,
                admitUpstream: admitUpstream,
                logger: logger
            )
        } catch .refused(let refusal) {
            return ProblemDetails(refusal).response()
        }
        if first.reports.values.contains(where: \.isError) {
            let lead = "An export must be complete, so nothing was sent."
            return Self.sourcesFailed(first, title: "A source failed", lead: lead).response()
        }
        var headers: HTTPFields = [.contentType: format.contentType]
        headers[.recordTotal] = Self.totalHeader(first.total)
        headers[.sourceStatus] = Self.statusHeader(first)
        let warnings = parsed.query.warnings + first.warnings
        if !warnings.isEmpty { headers[.notice] = warnings.joined(separator: "; ") }
        if format == .csv { headers[.contentDisposition] = "attachment; filename=\"records.csv\"" }
        let export = RecordExport(
            search: self.search,
            signer: self.signer,
            plan: parsed.plan,
            fingerprint: parsed.fingerprint,
            nhmVersion: parsed.query.filters.version,
            writer: RecordWriter(format: format, fields: parsed.query.fields),
            maximum: maximum,
            warnings: warnings,
            preferences: preferences,
            admitUpstream: admitUpstream,
            logger: logger
        )
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await export.write(first, into: &writer) })
    }
}

/// One export being streamed.
struct RecordExport: Sendable {
    let search: RecordSearch
    let signer: CursorSigner
    let plan: RecordSearch.Plan
    let fingerprint: String
    /// The NHM data version asked for, reported in the tail.
    var nhmVersion: Int64? = nil
    let writer: RecordWriter
    let maximum: Int
    let warnings: [String]
    let preferences: ClientPreferences
    let admitUpstream: @Sendable () -> UpstreamRefusal?
    let logger: Logger

    /// Writes `first` and every following page until the records or `maximum` run out.
    func write(_ first: RecordSearch.Page, into body: inout any ResponseBodyWriter) async throws {
        var page = first
        var written = 0
        var pages = 1
        try await body.write(ByteBuffer(bytes: self.writer.head()))
        while true {
            var chunk: [UInt8] = []
            for record in page.records.prefix(self.maximum - written) {
                self.writer.write(record, index: written, into: &chunk)
                written += 1
            }
            if !chunk.isEmpty { try await body.write(ByteBuffer(bytes: chunk)) }
            guard written < self.maximum, let position = page.next else { break }
            try Task.checkCancellation()
            page = try await self.nextPage(from: position, limit: min(RecordQuery.maximumLimit * self.plan.translated.count, self.maximum - written))
            pages += 1
            if let failed = page.reports.first(where: { $0.value.isError }) {
                throw RecordsController.ExportInterrupted(description: "\(failed.key.displayName) failed after \(written) records")
            }
        }
        let next = page.next.map { self.signer.cursor(for: $0, fingerprint: self.fingerprint) }
        let metadata = RecordsController.metadata(page, next: next, warnings: self.warnings, nhmVersion: self.nhmVersion)
        try await body.write(ByteBuffer(bytes: self.writer.tail(metadata: metadata)))
        self.logger.info("export finished", metadata: ["records": "\(written)", "pages": "\(pages)"])
        try await body.finish(nil)
    }

    private func nextPage(from position: PagePosition, limit: Int) async throws -> RecordSearch.Page {
        do {
            return try await self.search.page(
                plan: self.plan,
                from: position,
                limit: limit,
                preferences: self.preferences,
                admitUpstream: self.admitUpstream,
                logger: self.logger
            )
        } catch .refused(let refusal) {
            throw RecordsController.ExportInterrupted(description: ProblemDetails(refusal).detail)
        }
    }
}
