import BioGatewayQuery
import Foundation

/// The validators of a stored answer (RFC 9110 §8.8): a strong entity tag from the stored bytes' digest,
/// and when the answer was stored, with the header values made once (a memory-tier entry keeps its own, so
/// that a hit formats no date and builds no tag). A class, shared by every hit of its entry: one reference
/// count to hand out instead of one per string.
public final class AnswerValidator: Sendable, Hashable {
    /// SHA-256 of the stored bytes (hex).
    public let digest: String
    /// When the answer was stored.
    public let storedAt: Date
    /// `ETag` of the identity form: the digest's first 32 hex digits, quoted.
    public let entityTag: String
    /// `ETag` of the gzip form: a different representation, so a `-gzip` suffix (as nginx and Apache do).
    public let gzipEntityTag: String
    /// `Last-Modified`: ``storedAt`` as an HTTP date.
    public let lastModified: String

    public init(digest: String, storedAt: Date) {
        self.digest = digest
        self.storedAt = storedAt
        let opaque = digest.prefix(32)
        self.entityTag = "\"\(opaque)\""
        self.gzipEntityTag = "\"\(opaque)-gzip\""
        self.lastModified = HTTPDate.format(storedAt)
    }

    public convenience init(_ entry: CachedResponse) {
        self.init(digest: entry.bodyDigest, storedAt: entry.storedAt)
    }

    /// The same validators: the same digest, stored at the same moment (the rest is made from those).
    public static func == (lhs: AnswerValidator, rhs: AnswerValidator) -> Bool {
        lhs.digest == rhs.digest && lhs.storedAt == rhs.storedAt
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.digest)
        hasher.combine(self.storedAt)
    }

    /// The entity tag of the answer as sent with `coding`.
    public func entityTag(coding: ContentCoding) -> String {
        coding == .gzip ? self.gzipEntityTag : self.entityTag
    }
}
