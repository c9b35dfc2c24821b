import BioGatewayCache
import BioGatewayQuery
import BioGatewayUpstream
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// What the gateway answers a canonical request with.
public enum GatewayAnswer: Sendable {
    /// Bytes to send as they are (from the cache or the upstream), with their cache status.
    case body(status: Int, contentType: String, body: ByteBuffer, cacheStatus: CacheStatus, age: Int?)
    /// The upstream failed; the client gets a problem document.
    case failure(UpstreamError, cacheStatus: CacheStatus)
}

/// Cache-first search: a fresh entry is sent as stored; a miss goes upstream once however many
/// clients ask at the same time, and only a real result is stored.
public struct SearchGateway: Sendable {
    let cache: any ResponseCache
    let upstream: UpstreamClient
    let ttl: TimeInterval
    let now: @Sendable () -> Date
    private let coalescer = RequestCoalescer<FetchOutcome>()

    /// The result of the one upstream fetch that coalesced callers share.
    enum FetchOutcome: Sendable {
        case cached(CachedResponse)
        case fetched(UpstreamResponse, stored: Bool)
        case failed(UpstreamError)
    }

    public init(cache: any ResponseCache, upstream: UpstreamClient, ttl: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.cache = cache
        self.upstream = upstream
        self.ttl = ttl
        self.now = now
    }

    /// Answers a canonical request from the cache or the upstream.
    public func answer(_ request: CanonicalRequest, logger: Logger) async -> GatewayAnswer {
        if let entry = await self.freshEntry(request.key, logger: logger) {
            return self.hit(entry)
        }
        let outcome: FetchOutcome
        let joined: Bool
        do {
            (outcome, joined) = try await self.coalescer.value(forKey: request.key) {
                await self.fetch(request, logger: logger)
            }
        } catch {
            return .failure(.unreachable(request.source, "\(error)"), cacheStatus: .upstreamFailed(status: nil, reason: "internal", collapsed: false))
        }
        switch outcome {
        case .cached(let entry):
            return self.hit(entry)
        case .fetched(let response, let stored):
            let status: CacheStatus =
                stored
                ? .stored(collapsed: joined)
                : .notStored(upstreamStatus: response.isResult ? nil : response.status, collapsed: joined)
            return .body(status: response.status, contentType: response.contentType, body: response.body, cacheStatus: status, age: nil)
        case .failed(let error):
            return .failure(error, cacheStatus: .upstreamFailed(status: error.upstreamStatus, reason: error.reason, collapsed: joined))
        }
    }

    private func hit(_ entry: CachedResponse) -> GatewayAnswer {
        let age = entry.age(at: self.now())
        return .body(
            status: entry.status,
            contentType: entry.contentType,
            body: ByteBuffer(data: entry.body),
            cacheStatus: .hit(ttl: max(0, Int(self.ttl - age))),
            age: Int(age)
        )
    }

    private func freshEntry(_ key: String, logger: Logger) async -> CachedResponse? {
        do {
            guard let entry = try await self.cache.entry(forKey: key), entry.isFresh(at: self.now(), ttl: self.ttl) else { return nil }
            return entry
        } catch {
            logger.error("cache read failed; answering from upstream", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The single upstream fetch for a key. Re-checks the cache first: a caller that missed just before
    /// another caller's fetch finished must not fetch again.
    private func fetch(_ request: CanonicalRequest, logger: Logger) async -> FetchOutcome {
        if let entry = await self.freshEntry(request.key, logger: logger) { return .cached(entry) }
        let response: UpstreamResponse
        do {
            response = try await self.upstream.send(request, logger: logger)
        } catch {
            logger.warning("upstream failed", metadata: ["upstream": "\(request.source.rawValue)", "error": "\(error)"])
            return .failed(error)
        }
        guard response.isResult, response.status == 200 else { return .fetched(response, stored: false) }
        let entry = CachedResponse(
            key: request.key,
            source: request.source,
            canonicalQuery: request.canonicalJSON,
            status: response.status,
            contentType: response.contentType,
            body: Data(buffer: response.body),
            storedAt: self.now()
        )
        do {
            try await self.cache.store(entry)
            return .fetched(response, stored: true)
        } catch {
            logger.error("cache write failed; answer sent but not stored", metadata: ["error": "\(error)"])
            return .fetched(response, stored: false)
        }
    }
}
