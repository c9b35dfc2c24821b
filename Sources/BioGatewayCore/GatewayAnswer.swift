import BioGatewayCache
import BioGatewayUpstream
import Foundation
import NIOCore

/// What the gateway answers a canonical request with.
public enum GatewayAnswer: Sendable {
    /// Bytes to send as they are (from the cache or the upstream).
    case body(AnswerBody)
    /// The upstream failed and nothing stored could stand in; the client gets a problem document.
    case failure(UpstreamError, cacheStatus: CacheStatus)
    /// `only-if-cached` and nothing usable stored.
    case notCached
    /// Not answered: the gateway refused to go upstream for this client (its upstream budget is spent).
    case refused(UpstreamRefusal)
}

/// An answer's bytes and how to describe them.
public struct AnswerBody: Sendable {
    /// The upstream's HTTP status.
    public var status: Int
    /// The upstream's `Content-Type`.
    public var contentType: String
    /// The bytes to send.
    public var body: ByteBuffer
    /// `gzip` when ``body`` is the stored compressed form (sent with `Content-Encoding: gzip`).
    public var coding: ContentCoding
    /// The `Cache-Status` value.
    public var cacheStatus: CacheStatus
    /// Seconds since the answer was fetched, for a stored answer.
    public var age: Int?
    /// Something the client should know (a stale answer and why), sent as `BioGateway-Notice`.
    public var notice: String?
    /// Until when the answer is fresh under the cache policy: set for a fresh hit and for an answer just
    /// stored; nil for stale answers and answers that were not stored. What is derived from the answer
    /// (a `/v1/records` page) may be kept until then.
    public var freshUntil: Date?
    /// What identifies the stored answer, for `ETag`, `Last-Modified` and conditional requests; nil for an
    /// answer that was not stored.
    public var validator: AnswerValidator?
}
