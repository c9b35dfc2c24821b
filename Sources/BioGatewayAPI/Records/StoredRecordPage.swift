import BioGatewayCache
import BioGatewayCore
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A `/v1/records` page as it was sent, kept in memory so the same request is answered with the same bytes
/// (not parsed, mapped and encoded again) while every upstream answer it was made from is fresh.
///
/// The envelope of a kept page says `"cache": "hit"` for each source asked: when it is sent again, that is
/// what each source's part of it is.
struct StoredRecordPage: Sendable {
    /// The body, as sent.
    var body: ByteBuffer
    /// The body compressed with gzip, for clients that take it; nil when that would not be smaller.
    var gzipBody: ByteBuffer?
    /// Every header but `Link` and `Cache-Status` (those depend on the request and the moment).
    var headers: HTTPFields
    /// The `next` cursor, for `Link`.
    var next: String?
    /// When the earliest of the upstream answers it was made from stops being fresh.
    var expiresAt: Date
    /// The kept page's validators (`ETag` from its bytes, `Last-Modified` when it was kept); nil for a page
    /// made and sent once.
    var validator: AnswerValidator?
    /// The upstream answers (one per source asked) the page was made of: each re-send saves that many.
    var sourceAnswers = 0

    /// What the page costs in memory: what its buffers allocate, its headers, and the rest (its validator, key
    /// and slot in the kept pages: ``overheadBytes``).
    var size: Int {
        MemorySize.allocation(self.body) + (self.gzipBody.map(MemorySize.allocation) ?? 0)
            + self.headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + Self.fieldOverheadBytes }
            + Self.overheadBytes
    }

    /// What a kept page costs beside its buffers and headers: the validator, the key, the `next` cursor and
    /// the slot in the kept pages (as ``ReadyAnswer``'s, measured).
    static let overheadBytes = 1_100
    /// What a header costs beside its name and value: the field and its strings' storage.
    static let fieldOverheadBytes = 64

    /// Bodies smaller than this are sent as they are (gzip would save next to nothing).
    static let smallestCompressed = 1_024

    /// `body` compressed with gzip, if that is worth it.
    static func compressed(_ body: ByteBuffer) -> ByteBuffer? {
        guard body.readableBytes >= Self.smallestCompressed, let gzip = try? GzipCodec.compress(body),
            gzip.readableBytes < body.readableBytes
        else { return nil }
        return gzip
    }

    /// The key of a page: everything that decides its bytes: the sources and filters (the cursor
    /// fingerprint), the position (the cursor), `limit`, `fields`, the format and the query's warnings.
    static func key(_ query: RecordQuery, fingerprint: String, format: RecordFormat) -> String {
        let object = JSONObject([
            ("query", .string(fingerprint)),
            ("cursor", query.cursor.map { .string($0) } ?? .null),
            ("limit", .integer(Int64(query.limit))),
            ("fields", query.fields.map { .array($0.map { .string($0) }) } ?? .null),
            ("format", .string(format.rawValue)),
            ("warnings", .array(query.warnings.map { .string($0) })),
        ])
        return SHA256Hex.digest(Array(JSONValue.object(object).canonicalString.utf8))
    }
}
