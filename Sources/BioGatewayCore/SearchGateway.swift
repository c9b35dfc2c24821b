import BioGatewayCache
import BioGatewayQuery
import BioGatewayUpstream
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// Cache-first search, as a caching proxy does it (RFC 9111 and RFC 5861):
///
/// - a fresh entry is sent as stored (gzip bytes to a client that takes gzip);
/// - an entry past its freshness but within stale-while-revalidate is sent at once, and one background
///   fetch refreshes it however many clients ask meanwhile;
/// - a miss goes upstream once however many clients ask at the same time, and only a real result is
///   stored (empty answers with a short lifetime, see ``CachePolicy``);
/// - when the upstream fails, an entry within stale-if-error is sent instead of the error;
/// - the client's `no-cache`, `max-age` and `only-if-cached` are honoured.
public struct SearchGateway: Sendable {
    let cache: ResponseCache
    let upstream: ResilientUpstream
    /// The freshness policy in force (SIGHUP replaces it).
    public let livePolicy: Reloadable<CachePolicy>
    /// The freshness policy now (SIGHUP may change it).
    var policy: CachePolicy { self.livePolicy.value }
    let now: @Sendable () -> Date
    private let coalescer = RequestCoalescer<FetchOutcome>()
    /// How long a claim on a question's upstream fetch lasts in a store shared by replicas: at least as long
    /// as a fetch may take (its queue wait and its deadline), so that only a replica killed mid-fetch lets
    /// it expire.
    let fetchClaimSeconds: Double

    /// The result of the one upstream fetch that coalesced callers share.
    enum FetchOutcome: Sendable {
        /// Another request stored a new answer just before this fetch began.
        case cached(ReadyAnswer)
        /// The upstream answered; `entry` is what was made of it for the cache, `stored` whether it was kept.
        case fetched(UpstreamResponse, entry: CachedResponse?, stored: Bool)
        case failed(UpstreamError)
    }

    /// - Parameter fetchClaimSeconds: how long a claim on a fetch lasts in a store replicas share.
    public init(
        cache: ResponseCache,
        upstream: ResilientUpstream,
        policy: CachePolicy,
        now: @escaping @Sendable () -> Date,
        fetchClaimSeconds: Double = 120
    ) {
        self.cache = cache
        self.fetchClaimSeconds = fetchClaimSeconds
        self.upstream = upstream
        self.livePolicy = Reloadable(policy)
        self.now = now
    }

    /// Counts `count` answers sent again from a memory in front of the cache (a kept `/v1/records` page holds
    /// the answers it was made of) as the cache hits they stand for: the saved upstream calls stay honest.
    public func countHitsServedFromMemory(_ count: Int) {
        for _ in 0..<max(0, count) { self.cache.count(.hit) }
    }

    /// Whether the answer stored for `key` is immutable (pinned to a past data version): such a question needs
    /// no check of the data's latest version before it is answered.
    public func holdsImmutableAnswer(_ key: String, logger: Logger) async -> Bool {
        await self.storedAnswer(key, logger: logger)?.isImmutable ?? false
    }

    /// Requests waiting for an upstream fetch that another request started (collapsed into it).
    public var collapsedWaiting: Int { self.coalescer.waitingCount }

    /// Answers a canonical request from the cache or the upstream.
    /// - Parameter admitUpstream: asked before this request makes its own upstream fetch (not when it joins
    ///   one in flight); a problem it returns (the client's upstream budget is spent) is the answer.
    /// - Parameter immutable: the answer can never change (pinned to a past data version): what is fetched
    ///   is stored without expiry.
    public func answer(
        _ request: CanonicalRequest,
        preferences: ClientPreferences,
        admitUpstream: @Sendable () -> UpstreamRefusal? = { nil },
        immutable: Bool = false,
        logger: Logger
    ) async -> GatewayAnswer {
        let stored = await self.storedAnswer(request.key, logger: logger)
        var forwardReason = CacheStatus.ForwardReason.miss
        // the stored entry, if the client's Cache-Control lets it stand in for a failed upstream
        var fallback: ReadyAnswer?
        if let stored {
            let now = self.now()
            let acceptable = !preferences.noCache && preferences.maxAge.map { stored.age(at: now) <= Double($0) } ?? true
            fallback = acceptable ? stored : nil
            switch self.policy.freshness(of: stored, at: now) {
            case .fresh(let remaining):
                let status: CacheStatus = stored.isImmutable ? .immutableHit : .hit(ttl: Int(remaining))
                if acceptable, let body = await self.cachedBody(stored, preferences, status, logger) {
                    return .body(self.countedHit(body, of: stored))
                }
                forwardReason = .request
            case .revalidatable(let staleFor):
                if acceptable, let body = await self.cachedBody(stored, preferences, .staleWhileRevalidating(ttl: -Int(staleFor)), logger) {
                    self.cache.count(.staleServed)
                    if !preferences.onlyIfCached { await self.refreshInBackground(request, replacing: stored, logger: logger) }
                    return .body(body)
                }
                forwardReason = acceptable ? .stale : .request
            case .stale:
                forwardReason = acceptable ? .stale : .request
            }
        }
        if preferences.onlyIfCached { return .notCached }
        if !self.coalescer.isRunning(request.key), let refusal = admitUpstream() { return .refused(refusal) }
        return await self.forward(
            request,
            stored: stored,
            fallback: fallback,
            reason: forwardReason,
            preferences: preferences,
            immutable: immutable,
            logger: logger
        )
    }

    /// A fresh answer the memory tier holds, as ``answer(_:preferences:admitUpstream:immutable:logger:)``
    /// would give it, found by the question's cache key without waiting on anything: for a server that
    /// answers such hits where the request was read. Nothing is counted until the hit is ``serve(_:)``d. Nil whenever the answer needs
    /// more (not in the memory tier, not fresh, not acceptable to the client's `Cache-Control`, or to be
    /// decompressed for this client): then `answer` is asked, and decides as it always does.
    public func freshAnswerInMemory(forKey key: String, preferences: ClientPreferences) -> MemoryHit? {
        guard let stored = self.cache.memoryAnswer(forKey: key) else { return nil }
        let now = self.now()
        guard !preferences.noCache, preferences.maxAge.map({ stored.age(at: now) <= Double($0) }) ?? true,
            case .fresh(let remaining) = self.policy.freshness(of: stored, at: now),
            let body = self.keptBody(stored, preferences, stored.isImmutable ? .immutableHit : .hit(ttl: Int(remaining)), at: now)
        else { return nil }
        return MemoryHit(stored: stored, body: body, at: now)
    }

    /// A fresh answer found in the memory tier (``freshAnswerInMemory(forKey:preferences:)``), not yet sent.
    public struct MemoryHit: Sendable {
        let stored: ReadyAnswer
        let body: AnswerBody
        let at: Date
    }

    /// The answer of a hit found in memory, counted as a hit and its access noted, as sent.
    public func serve(_ hit: MemoryHit) -> AnswerBody {
        self.cache.noteHit(hit.stored.key, at: hit.at)
        return self.freshHit(hit.body, of: hit.stored)
    }

    /// A fresh hit's body, counted, with the date its freshness ends.
    private func countedHit(_ body: AnswerBody, of stored: ReadyAnswer) -> AnswerBody {
        self.cache.count(.hit)
        return self.freshHit(body, of: stored)
    }

    /// A fresh hit's body with the date its freshness ends.
    private func freshHit(_ body: AnswerBody, of stored: ReadyAnswer) -> AnswerBody {
        var body = body
        body.freshUntil = self.freshUntil(stored)
        return body
    }

    /// Goes upstream (or joins the fetch already in flight) and answers with its outcome, or with the
    /// `fallback` entry if the upstream failed and that entry is within stale-if-error.
    private func forward(
        _ request: CanonicalRequest,
        stored: ReadyAnswer?,
        fallback: ReadyAnswer?,
        reason: CacheStatus.ForwardReason,
        preferences: ClientPreferences,
        immutable: Bool = false,
        logger: Logger
    ) async -> GatewayAnswer {
        self.cache.count(.miss)
        let outcome: FetchOutcome
        let joined: Bool
        do {
            (outcome, joined) = try await self.coalescer.value(forKey: request.key) {
                await self.fetch(request, replacing: stored, immutable: immutable, logger: logger)
            }
        } catch {
            return .failure(
                .unreachable(request.source, "\(error)"),
                cacheStatus: .upstreamFailed(reason, status: nil, failure: "internal", collapsed: false)
            )
        }
        if joined { self.cache.count(.coalesced) }
        switch outcome {
        case .cached(let entry):
            let remaining = Int(self.policy.lifetime(of: entry) - entry.age(at: self.now()))
            let status: CacheStatus = entry.isImmutable ? .immutableHit : .hit(ttl: remaining)
            if var body = await self.cachedBody(entry, preferences, status, logger) {
                body.freshUntil = self.freshUntil(entry)
                return .body(body)
            }
            // the entry another request just stored does not decompress (and is now deleted): fetch it anew
            return await self.forward(request, stored: nil, fallback: nil, reason: reason, preferences: preferences, logger: logger)
        case .fetched(let response, let entry, let wasStored):
            let status: CacheStatus =
                wasStored
                ? (entry?.isImmutable == true ? .storedImmutable(reason, collapsed: joined) : .stored(reason, collapsed: joined))
                : .notStored(reason, upstreamStatus: response.isResult ? nil : response.status, collapsed: joined)
            let freshUntil = wasStored ? entry.map(self.freshUntil) : nil
            if preferences.acceptsGzip, let entry, entry.coding == .gzip {
                return .body(
                    AnswerBody(
                        status: response.status,
                        contentType: response.contentType,
                        body: ByteBuffer(data: entry.storedBody),
                        coding: .gzip,
                        cacheStatus: status,
                        freshUntil: freshUntil,
                        validator: wasStored ? AnswerValidator(entry) : nil
                    )
                )
            }
            return .body(
                AnswerBody(
                    status: response.status,
                    contentType: response.contentType,
                    body: response.body,
                    coding: .identity,
                    cacheStatus: status,
                    freshUntil: freshUntil,
                    validator: wasStored ? entry.map(AnswerValidator.init) : nil
                )
            )
        case .failed(let error):
            let failedStatus = error.upstreamStatus ?? error.answerStatus
            if let stored = fallback, self.policy.isUsableOnError(stored, at: self.now()) {
                let staleFor = stored.age(at: self.now()) - self.policy.lifetime(of: stored)
                let cacheStatus = CacheStatus.staleOnError(ttl: -Int(staleFor), status: failedStatus, failure: error.reason, collapsed: joined)
                if var body = await self.cachedBody(stored, preferences, cacheStatus, logger) {
                    self.cache.count(.staleServed)
                    body.notice = "stale answer stored \(Int(stored.age(at: self.now()))) s ago, served because \(error.message)"
                    return .body(body)
                }
            }
            return .failure(error, cacheStatus: .upstreamFailed(reason, status: error.upstreamStatus, failure: error.reason, collapsed: joined))
        }
    }

    /// Starts one background fetch to refresh a stale entry, unless one is already running for its key.
    private func refreshInBackground(_ request: CanonicalRequest, replacing stored: ReadyAnswer, logger: Logger) async {
        let started = self.coalescer.startIfIdle(forKey: request.key) {
            await self.fetch(request, replacing: stored, immutable: stored.isImmutable, logger: logger)
        }
        if started {
            self.cache.count(.backgroundRefresh)
            logger.debug("refreshing a stale entry in the background", metadata: ["cache_key": "\(request.key)"])
        }
    }

    /// The bytes of a stored answer for this client, as kept: the stored gzip, or the identity bytes (kept,
    /// or decompressed for a large answer). An entry that cannot be decompressed is deleted and nil returned
    /// (the caller goes upstream).
    private func cachedBody(
        _ entry: ReadyAnswer,
        _ preferences: ClientPreferences,
        _ cacheStatus: CacheStatus,
        _ logger: Logger
    ) async -> AnswerBody? {
        let now = self.now()
        if let body = self.keptBody(entry, preferences, cacheStatus, at: now) {
            self.cache.noteAccess(entry.key, at: now)
            return body
        }
        let identity: ByteBuffer
        do {
            identity = try entry.identityBody()
        } catch {
            logger.error("dropping a cache entry that does not decompress", metadata: ["cache_key": "\(entry.key)", "error": "\(error)"])
            try? await self.cache.remove(key: entry.key)
            return nil
        }
        self.cache.noteAccess(entry.key, at: now)
        return self.body(entry, identity, coding: .identity, cacheStatus, at: now)
    }

    /// The bytes of a stored answer for this client when they are kept as they are to be sent (the stored
    /// coding, or the identity bytes kept beside gzip); nil when they must be decompressed.
    private func keptBody(_ entry: ReadyAnswer, _ preferences: ClientPreferences, _ cacheStatus: CacheStatus, at now: Date) -> AnswerBody? {
        let bytes: ByteBuffer
        let coding: ContentCoding
        if entry.coding == .identity || preferences.acceptsGzip {
            (bytes, coding) = (entry.stored, entry.coding)
        } else if let identity = entry.identity {
            (bytes, coding) = (identity, .identity)
        } else {
            return nil
        }
        return self.body(entry, bytes, coding: coding, cacheStatus, at: now)
    }

    private func body(_ entry: ReadyAnswer, _ bytes: ByteBuffer, coding: ContentCoding, _ cacheStatus: CacheStatus, at now: Date) -> AnswerBody {
        AnswerBody(
            status: entry.status,
            contentType: entry.contentType,
            body: bytes,
            coding: coding,
            cacheStatus: cacheStatus,
            age: Int(entry.age(at: now)),
            validator: entry.validator
        )
    }

    /// When a stored entry stops being fresh under the current policy.
    private func freshUntil(_ entry: some FreshnessSubject) -> Date {
        entry.storedAt.addingTimeInterval(self.policy.lifetime(of: entry))
    }

    private func storedAnswer(_ key: String, logger: Logger) async -> ReadyAnswer? {
        do {
            return try await self.cache.answer(forKey: key)
        } catch {
            logger.error("cache read failed; answering from upstream", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The single upstream fetch for a key. Re-checks the cache first: if another request stored a newer,
    /// fresh answer since this caller looked (`replacing`), that answer is used and nothing is fetched (for a
    /// key the store does not hold, the memory tier and the keys kept in memory answer without reading it).
    /// With a store that replicas share, the fetch is claimed first, so that one replica fetches and the
    /// others wait for its answer (see ``claimFetch(_:replacing:logger:)``).
    private func fetch(_ request: CanonicalRequest, replacing seen: ReadyAnswer?, immutable: Bool, logger: Logger) async -> FetchOutcome {
        if let current = await self.freshAnswer(request.key, newerThan: seen, logger: logger) { return .cached(current) }
        let claim = await self.claimFetch(request, replacing: seen, logger: logger)
        if case .answered(let current) = claim { return .cached(current) }
        let outcome = await self.fetchFromUpstream(request, immutable: immutable, logger: logger)
        if case .held = claim {
            do {
                try await self.cache.releaseFetch(of: request.key)
            } catch {
                logger.warning("could not release the claim on a fetch; it expires by itself", metadata: ["error": "\(error)"])
            }
        }
        return outcome
    }

    /// The stored answer for `key` if it is newer than `seen` and fresh.
    private func freshAnswer(_ key: String, newerThan seen: ReadyAnswer?, logger: Logger) async -> ReadyAnswer? {
        guard let current = await self.storedAnswer(key, logger: logger), current.storedAt > (seen?.storedAt ?? .distantPast),
            case .fresh = self.policy.freshness(of: current, at: self.now())
        else { return nil }
        return current
    }

    /// What claiming a fetch in a shared store came to.
    enum FetchClaim {
        /// This process fetches, and releases the claim after.
        case held
        /// Another process fetched and stored a fresh answer meanwhile.
        case answered(ReadyAnswer)
        /// Fetch without a claim: the store could not be asked, or the wait outlasted the claim's lifetime.
        case unshared
    }

    /// Claims the upstream fetch of a question across the processes that share the store. While another
    /// holds the claim, waits for it to announce a change to the key (woken at once by PostgreSQL's
    /// `NOTIFY`, and at least every second to look again), then uses the answer it stored, or claims the
    /// fetch if it gave up. A single SQLite process is always granted its claim at once.
    private func claimFetch(_ request: CanonicalRequest, replacing seen: ReadyAnswer?, logger: Logger) async -> FetchClaim {
        let giveUpAt = ContinuousClock.now + .seconds(self.fetchClaimSeconds)
        while true {
            do {
                if try await self.cache.claimFetch(of: request.key, for: self.fetchClaimSeconds) { return .held }
            } catch {
                logger.warning("could not claim the fetch in the shared store; fetching without a claim", metadata: ["error": "\(error)"])
                return .unshared
            }
            logger.debug("another gateway is fetching this question; waiting for its answer", metadata: ["cache_key": "\(request.key)"])
            await self.cache.waitForChange(of: request.key, upTo: .seconds(1))
            if let current = await self.freshAnswer(request.key, newerThan: seen, logger: logger) { return .answered(current) }
            if ContinuousClock.now >= giveUpAt || Task.isCancelled { return .unshared }
        }
    }

    /// Asks the upstream and stores a real result.
    private func fetchFromUpstream(_ request: CanonicalRequest, immutable: Bool, logger: Logger) async -> FetchOutcome {
        var response: UpstreamResponse
        do {
            response = try await self.upstream.send(request, logger: logger)
        } catch {
            logger.warning("upstream failed", metadata: ["upstream": "\(request.source.rawValue)", "error": "\(error)"])
            return .failed(error)
        }
        // VertNet reports its own backend failures as an empty result: ask once more (through the gate, so
        // paced) before an empty answer is stored and served as "no records" for the empty TTL
        if request.source == .vertnet, response.isResult, response.status == 200, response.recordCount == 0 {
            logger.info("VertNet answered no records; asking once more, as it reports its failures that way")
            if let second = try? await self.upstream.send(request, logger: logger), second.isResult, second.status == 200 {
                response = second
            }
        }
        guard response.isResult, response.status == 200 else { return .fetched(response, entry: nil, stored: false) }
        let entry = CachedResponse.compressing(
            key: request.key,
            source: request.source,
            canonicalQuery: request.canonicalJSON,
            status: response.status,
            contentType: response.contentType,
            recordCount: response.recordCount,
            body: Data(buffer: response.body),
            storedAt: self.now(),
            isImmutable: immutable
        )
        do {
            // answered once the memory tier holds it and its write is queued: the disk is not waited for
            let stored = try await self.cache.storeBeforeWritten(entry, identity: response.body) { written in
                switch written {
                case .success(let outcome) where outcome.evicted > 0:
                    logger.info("evicted least recently used entries", metadata: ["count": "\(outcome.evicted)"])
                case .success(let outcome) where !outcome.stored:
                    logger.warning(
                        "answer larger than the whole cache; not stored",
                        metadata: ["bytes": "\(entry.entryBytes)", "maximum_bytes": "\(self.cache.maximumBytes)"]
                    )
                case .success:
                    break
                case .failure(let error):
                    logger.error("cache write failed; the answer is sent but not kept", metadata: ["error": "\(error)"])
                }
            }
            return .fetched(response, entry: entry, stored: stored)
        } catch {
            return .fetched(response, entry: entry, stored: false)
        }
    }
}
