import BioGatewayQuery
import Foundation

/// How a body is stored: compressed with gzip, or as it came.
public enum ContentCoding: String, Sendable, Hashable {
    case identity
    case gzip
}

/// An upstream answer as the cache keeps it: the exact bytes, compressed once when stored and never
/// re-encoded.
public struct CachedResponse: Sendable, Hashable {
    /// SHA-256 of the canonical query (``CanonicalRequest/key``).
    public var key: String
    /// The upstream that answered.
    public var source: UpstreamSource
    /// The canonical query JSON, kept so an operator can read what an entry answers.
    public var canonicalQuery: String
    /// The upstream's HTTP status.
    public var status: Int
    /// The upstream's `Content-Type`.
    public var contentType: String
    /// How many records the answer holds, when known (zero marks an empty answer, kept briefly).
    public var recordCount: Int?
    /// The body as stored (see ``coding``).
    public var storedBody: Data
    /// How ``storedBody`` is encoded.
    public var coding: ContentCoding
    /// The length of the body as the upstream sent it.
    public var identityLength: Int
    /// When the answer arrived.
    public var storedAt: Date
    /// SHA-256 of ``storedBody`` (hex): checked on every read, and the answer's strong `ETag`.
    public var bodyDigest: String
    /// The answer can never change (a question pinned to a past data version): fresh without expiry.
    public var isImmutable: Bool

    /// - Parameter bodyDigest: the digest of `storedBody` when the caller has it (computed otherwise).
    public init(
        key: String,
        source: UpstreamSource,
        canonicalQuery: String,
        status: Int,
        contentType: String,
        recordCount: Int?,
        storedBody: Data,
        coding: ContentCoding,
        identityLength: Int,
        storedAt: Date,
        bodyDigest: String? = nil,
        isImmutable: Bool = false
    ) {
        self.key = key
        self.source = source
        self.canonicalQuery = canonicalQuery
        self.status = status
        self.contentType = contentType
        self.recordCount = recordCount
        self.storedBody = storedBody
        self.coding = coding
        self.identityLength = identityLength
        self.storedAt = storedAt
        self.bodyDigest = bodyDigest ?? SHA256Hex.digest(storedBody)
        self.isImmutable = isImmutable
    }

    /// An entry for an upstream body, compressed with gzip when that makes it smaller.
    public static func compressing(
        key: String,
        source: UpstreamSource,
        canonicalQuery: String,
        status: Int,
        contentType: String,
        recordCount: Int?,
        body: Data,
        storedAt: Date,
        isImmutable: Bool = false
    ) -> CachedResponse {
        let compressed = try? GzipCodec.compress(body)
        let useGzip = compressed.map { $0.count < body.count } ?? false
        return CachedResponse(
            key: key,
            source: source,
            canonicalQuery: canonicalQuery,
            status: status,
            contentType: contentType,
            recordCount: recordCount,
            storedBody: useGzip ? compressed! : body,
            coding: useGzip ? .gzip : .identity,
            identityLength: body.count,
            storedAt: storedAt,
            isImmutable: isImmutable
        )
    }

    /// The body as the upstream sent it (decompressed if stored with gzip).
    public func identityBody() throws -> Data {
        switch self.coding {
        case .identity: self.storedBody
        case .gzip: try GzipCodec.decompress(self.storedBody, expectedLength: self.identityLength)
        }
    }

    /// What the entry counts for against the cache's byte bound: the stored body and the query text.
    public var entryBytes: Int { self.storedBody.count + self.canonicalQuery.utf8.count }
}
