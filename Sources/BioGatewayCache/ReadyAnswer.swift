import BioGatewayQuery
import Foundation
import NIOCore
import NIOFoundationCompat

/// What freshness is computed from: which upstream answered, how many records, and when.
public protocol FreshnessSubject: Sendable {
    /// The upstream that answered.
    var source: UpstreamSource { get }
    /// How many records the answer holds, when known (zero marks an empty answer, kept briefly).
    var recordCount: Int? { get }
    /// When the answer arrived.
    var storedAt: Date { get }
    /// The answer can never change: fresh without expiry (``CachePolicy/lifetime(of:)``).
    var isImmutable: Bool { get }
}

extension FreshnessSubject {
    /// Seconds since the answer arrived.
    public func age(at now: Date) -> TimeInterval {
        max(0, now.timeIntervalSince(self.storedAt))
    }
}

extension CachedResponse: FreshnessSubject {}

/// A stored answer as the memory tier keeps it, ready to write: the stored bytes (gzip when that is smaller)
/// and, for answers up to ``identityLimit``, the identity bytes too, as `ByteBuffer`s that every hit sends as
/// they are (no copy, no decompression, no digest).
///
/// Made once per entry, when the answer is stored or first read from SQLite (its digest checked then).
/// A class: every hit of an entry, on every thread, shares this one immutable object, so handing it out
/// costs one reference count rather than one per string and buffer it holds.
public final class ReadyAnswer: FreshnessSubject {
    /// The identity body is kept beside the gzip one for answers up to this many bytes (larger ones are
    /// decompressed per identity hit: rare clients, large answers).
    public static let identityLimit = 256 * 1024
    /// What a kept answer costs beside its buffers: this object, its key and digest, its content type, its
    /// validator (an object and three strings), and its slot and index entry in the memory tier: 1,100 bytes,
    /// measured on Linux with glibc's malloc (docs/performance.md, "what a kept answer costs").
    static let overheadBytes = 1_100

    /// SHA-256 of the canonical query (``CanonicalRequest/key``).
    public let key: String
    public let source: UpstreamSource
    /// The upstream's HTTP status.
    public let status: Int
    /// The upstream's `Content-Type`.
    public let contentType: String
    public let recordCount: Int?
    public let storedAt: Date
    /// SHA-256 of the stored bytes (hex), for the entity tag.
    public let bodyDigest: String
    /// How ``stored`` is encoded.
    public let coding: ContentCoding
    /// The body as stored.
    public let stored: ByteBuffer
    /// The body as the upstream sent it: ``stored`` itself when stored as it came, nil when it is gzip and
    /// larger than ``identityLimit``.
    public let identity: ByteBuffer?
    /// The length of the body as the upstream sent it.
    public let identityLength: Int
    public let isImmutable: Bool
    /// `ETag` and `Last-Modified`, made once.
    public let validator: AnswerValidator
    /// What the buffers of ``stored`` and ``identity`` allocate.
    let allocatedBytes: Int

    /// Makes the ready form of a checked entry; nil when its gzip body does not decompress.
    /// - Parameter identity: the body as the upstream sent it, when the caller has it at hand (an answer
    ///   just fetched): copied rather than decompressed from the entry.
    public init?(_ entry: CachedResponse, identity known: ByteBuffer? = nil) {
        self.key = entry.key
        self.source = entry.source
        self.status = entry.status
        self.contentType = entry.contentType
        self.recordCount = entry.recordCount
        self.storedAt = entry.storedAt
        self.bodyDigest = entry.bodyDigest
        self.coding = entry.coding
        self.identityLength = entry.identityLength
        self.isImmutable = entry.isImmutable
        self.validator = AnswerValidator(entry)
        switch entry.coding {
        case .identity:
            self.stored = ByteBuffer(data: entry.storedBody)
            self.identity = self.stored
            self.allocatedBytes = MemorySize.allocation(self.stored)
        case .gzip where entry.identityLength <= Self.identityLimit:
            let (storedLength, identityLength) = (entry.storedBody.count, entry.identityLength)
            // NIO rounds every buffer up to a power of two: both forms in one when that allocates less
            let together = MemorySize.allocation(bytes: storedLength + identityLength)
            let apart = MemorySize.allocation(bytes: storedLength) + MemorySize.allocation(bytes: identityLength)
            if together <= apart {
                var both = ByteBufferAllocator().buffer(capacity: storedLength + identityLength)
                both.writeBytes(entry.storedBody)
                guard Self.writeIdentity(of: entry, known: known, to: &both) else { return nil }
                self.stored = both.getSlice(at: 0, length: storedLength)!
                self.identity = both.getSlice(at: storedLength, length: identityLength)!
                self.allocatedBytes = together
            } else {
                var identity = ByteBufferAllocator().buffer(capacity: identityLength)
                guard Self.writeIdentity(of: entry, known: known, to: &identity) else { return nil }
                self.stored = ByteBuffer(data: entry.storedBody)
                self.identity = identity
                self.allocatedBytes = apart
            }
        case .gzip:
            self.stored = ByteBuffer(data: entry.storedBody)
            self.identity = nil
            self.allocatedBytes = MemorySize.allocation(self.stored)
        }
    }

    /// Writes the identity body of a gzip entry to `buffer`: a copy of `known` (the buffer read from the upstream
    /// may hold more than the answer), or the entry decompressed; false when it does not decompress.
    private static func writeIdentity(of entry: CachedResponse, known: ByteBuffer?, to buffer: inout ByteBuffer) -> Bool {
        if let known, known.readableBytes == entry.identityLength {
            buffer.writeImmutableBuffer(known)
            return true
        }
        guard let body = try? entry.identityBody() else { return false }
        buffer.writeBytes(body)
        return true
    }

    /// The identity body: kept, or decompressed now.
    public func identityBody() throws -> ByteBuffer {
        if let identity = self.identity { return identity }
        return ByteBuffer(data: try GzipCodec.decompress(Data(buffer: self.stored), expectedLength: self.identityLength))
    }

    /// What the answer counts for against the memory tier's bound: what its buffers allocate and what the
    /// rest of it costs (``overheadBytes``).
    public var memoryBytes: Int { self.allocatedBytes + Self.overheadBytes }
}
