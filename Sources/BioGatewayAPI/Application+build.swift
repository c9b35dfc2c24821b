import AsyncHTTPClient
import BioGatewayCache
import BioGatewayCore
import BioGatewayFederation
import BioGatewayPacing
import BioGatewayPostgres
import BioGatewayQuery
import BioGatewayRateLimit
import BioGatewayRecords
import BioGatewayUpstream
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the gateway: cache, upstream client, routes. Shared by `biogateway serve`, `biogateway demo`
/// and the tests.
///
/// - Parameters:
///   - configuration: the settings.
///   - logger: the application logger.
///   - clock: the one clock of every time-driven part: the cache's freshness, ages and access times, the
///     client rate limits, the upstream gates' pacing, pauses, queue timeout and breaker cooldown, and the
///     retries' deadline and backoff (default: the system's; tests stop it, move it forward rather than wait
///     out a cooldown, or give it a calendar of their own).
///   - onServerRunning: called with the listening channel (tests read the port from it).
///   - reloadConfiguration: when given, SIGHUP calls it and applies the settings that can change at run time.
public func buildApplication(
    configuration: GatewayConfiguration,
    logger: Logger = Logger(label: "biogateway"),
    clock: GatewayClock = .system,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
    reloadConfiguration: (@Sendable () throws -> GatewayConfiguration)? = nil
) async throws -> some ApplicationProtocol {
    // one bound for the hits answered from memory: the answers, and a share for their questions
    let questionBytes = ParsedQueries.share(ofMemory: configuration.cache.memoryMaxBytes)
    let cache = try await configuration.openCache(
        memoryMaximumBytes: configuration.cache.memoryMaxBytes - questionBytes,
        now: clock.date,
        logger: logger
    )
    var clientConfiguration = HTTPClient.Configuration(
        redirectConfiguration: .disallow,
        timeout: .init(connect: .seconds(10)),
        decompression: .disabled
    )
    // a refused connection fails the request at once, so that the gateway's own retries (bounded, logged,
    // counted) decide what happens next, instead of the pool reconnecting silently until the deadline
    clientConfiguration.connectionPool.retryConnectionEstablishment = false
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    let upstreamClient = UpstreamClient(httpClient: httpClient, configuration: UpstreamConfiguration(settings: configuration.upstream))
    let metrics = GatewayMetrics()
    let upstream = ResilientUpstream(
        client: upstreamClient,
        limits: Dictionary(uniqueKeysWithValues: UpstreamSource.allCases.map { ($0, configuration.upstream.limits(for: $0)) }),
        retries: configuration.upstream.retries,
        clock: clock,
        // replicas on one PostgreSQL store share the upstreams' pace and concurrency
        sharedAdmission: (cache.store as? PostgresCacheStore)?.admission,
        observe: { source, outcome, duration in metrics.recordUpstream(source, outcome: outcome, duration: duration) }
    )
    let gateway = SearchGateway(
        cache: cache,
        upstream: upstream,
        policy: configuration.cache.policy,
        now: clock.date,
        // a fetch waits its turn (in this gateway's queue, then in the cluster's) and then has its deadline
        fetchClaimSeconds: 2 * Double(configuration.upstream.queueTimeout) + Double(configuration.upstream.timeout) + 5
    )
    // replicas on one PostgreSQL store share the client budgets too
    let budgetExchange = (cache.store as? PostgresCacheStore)?.budgets
    let limits = try ClientRateLimits(
        configuration: configuration,
        metrics: metrics,
        clock: clock,
        share: budgetExchange == nil ? nil : BudgetShare()
    )

    // HEAD is answered wherever GET is (uptime monitors use it)
    let router = Router(context: GatewayRequestContext.self, options: .autoGenerateHeadEndpoints)
    let requestLog = RequestLog(metrics: metrics)
    router.add(middleware: RequestLogMiddleware(log: requestLog))
    router.add(middleware: NoSniffMiddleware())
    let corsOrigins = CORSOrigins(parsing: configuration.server.corsOrigins) ?? .none
    router.add(middleware: CORSMiddleware(origins: corsOrigins))
    router.add(middleware: ProblemMiddleware())
    let deepPaging = configuration.upstream.nhmDeepPaging ? DeepPaging(gateway: gateway) : nil
    // the questions of the answers the memory tier holds are kept too, so that hits are not read again
    let questions = ParsedQueries(maximumBytes: questionBytes)
    let datastoreSearch = NHMDropInController(gateway: gateway, deepPaging: deepPaging, parsed: questions)
    datastoreSearch.register(on: router, limits: limits)
    NHMActionController(gateway: gateway, deepPaging: deepPaging, datastoreSearch: datastoreSearch)
        .register(on: router, limits: limits)
    let vertnet = VertNetDropInController(gateway: gateway, parsed: questions)
    vertnet.register(on: router, limits: limits)
    // the gateway's own informational routes count against the client's request budget too; health,
    // metrics and admin routes do not (probes and operators must always get through)
    let limited = router.group().add(middleware: RateLimitMiddleware(limits: limits))
    SourcesController(upstream: upstream).register(on: limited)
    StatusController(upstream: upstream, cache: cache, now: clock.date).register(on: limited)
    WebController(
        leafletFolder: configuration.server.webLeafletFolder,
        worldOutlinePath: configuration.server.webWorldOutline,
        logger: logger
    ).register(on: router)
    let pages = MemoryCache<StoredRecordPage>(maximumBytes: configuration.cache.pageMaxBytes, now: clock.date)
    RecordsController(
        search: RecordSearch(fetcher: SourceFetcher(gateway: gateway)),
        signer: CursorSigner(secret: try await cursorSecret(configuration, cache: cache)),
        pages: pages,
        now: clock.date
    ).register(on: limited)
    HealthController(cache: cache, upstream: upstream).register(on: router)
    router.get("/metrics") { _, _ in
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(
                byteBuffer: ByteBuffer(
                    bytes: await metrics.exposition(
                        cache: cache,
                        pages: pages.counters,
                        upstream: upstream,
                        collapsedWaiting: gateway.collapsedWaiting,
                        gateways: limits.share?.gateways
                    )
                )
            )
        )
    }
    MetaController(adminEnabled: configuration.server.adminToken != nil).register(on: limited)
    if let token = configuration.server.adminToken {
        AdminCacheController(cache: cache, pages: pages, token: token).register(on: router)
    } else {
        AdminCacheController.registerDisabled(on: router)
    }
    AllowedMethods.gateway.register(on: router)

    var services: [any Service] = budgetExchange.map { [SharedClientBudgets(limits: limits, exchange: $0, logger: logger)] } ?? []
    services += [
        HTTPClientService(client: httpClient),
        CacheMaintenance(cache: cache, logger: logger),
        MemoryTierCoherence(cache: cache, pages: pages, logger: logger),
    ]
    if let reloadConfiguration {
        services.append(
            SettingsReloader(load: reloadConfiguration, running: configuration, gateway: gateway, limits: limits, logger: logger)
        )
    }
    let connections = ConnectionLimits(
        maximum: configuration.server.maxConnections,
        maximumPerClient: configuration.server.maxConnectionsPerClient,
        trustedProxies: (try? TrustedProxies(parsing: configuration.clients.trustedProxies)) ?? TrustedProxies()
    )
    // an idle timeout also bounds a request's head: partial head bytes do not make a request, so a client
    // sending its head a byte at a time is as silent as one sending nothing
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [HTTPProtocolProblemHandler()],
        idleTimeout: .seconds(Int64(configuration.server.clientIdleTimeout))
    )
    let serverName = "BioGateway"
    // fresh hits in the memory tier are answered where they are read, with the same duties as the router's
    // (with the tier off there are none: the router answers everything)
    let hits =
        configuration.cache.memoryMaxBytes == 0
        ? nil
        : ReadyHits(
            endpoints: [vertnet, datastoreSearch],
            limits: limits,
            log: requestLog,
            corsOrigins: corsOrigins,
            serverName: serverName,
            logger: logger
        )
    return Application(
        router: router,
        server: HTTPServerBuilder { responder in
            GuardedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: http1), limits: connections, hits: hits)
        },
        configuration: .init(
            address: .hostname(configuration.server.host, port: configuration.server.port),
            serverName: serverName
        ),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}

/// The key that signs `/v1/records` cursors: the configured one, or one generated the first time and kept
/// in the cache database (so cursors survive restarts).
func cursorSecret(_ configuration: GatewayConfiguration, cache: ResponseCache) async throws -> [UInt8] {
    if let secret = configuration.server.cursorSecret { return Array(secret.utf8) }
    let stored = try await cache.secret(named: "cursor") {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
    return Array(stored)
}

/// Shuts the upstream HTTP client down when the application stops.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await self.client.shutdown()
    }
}

/// Follows changes made by other processes (`biogateway cache purge`, other replicas):
/// - every second, compares the store's purge generation with the one the memory tier last saw, and on a
///   change empties the memory tier and the kept `/v1/records` pages;
/// - with a store that announces changes (PostgreSQL), forgets each replaced or purged entry as soon as it
///   is announced (the kept pages too, on a purge); while the announcements are down (the store is
///   unreachable), it keeps answering from memory and tries again every second, and once they resume it
///   empties the memory tier, since changes may have been missed.
struct MemoryTierCoherence: Service {
    let cache: ResponseCache
    let pages: MemoryCache<StoredRecordPage>
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.followAnnouncements() }
                group.addTask { await self.followGeneration() }
                await group.waitForAll()
            }
        }
    }

    private func followAnnouncements() async {
        while !Task.isCancelled {
            do {
                // on (re)connecting: what was missed meanwhile is unknown, and the memory tier is emptied too
                try await self.cache.followChangesByOtherProcesses(
                    onListening: { self.pages.removeAll() },
                    onChange: { change in
                        if case .purged = change { self.pages.removeAll() }
                    }
                )
            } catch is CancellationError {
                return
            } catch {
                self.logger.warning(
                    "lost the cache store's change announcements; answering from memory meanwhile, emptied when they resume",
                    metadata: ["error": "\(error)"]
                )
            }
            try? await Task.sleep(for: ResponseCache.memoryCoherenceInterval)
        }
    }

    private func followGeneration() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: ResponseCache.memoryCoherenceInterval)
            if Task.isCancelled { break }
            do {
                if try await self.cache.followPurgesByOtherProcesses() {
                    self.pages.removeAll()
                    self.logger.info("another process purged the cache; memory tier emptied")
                }
            } catch {
                self.logger.warning("could not read the cache's purge generation", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// Writes the cache's batched access times and counters every few seconds; on shutdown, after the server
/// has drained, writes them a last time and closes the database (checkpointing the WAL).
struct CacheMaintenance: Service {
    let cache: ResponseCache
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                if Task.isCancelled { break }
                await self.flush()
            }
        }
        // the last write must happen even when the service's task was cancelled rather than shut down
        // gracefully, so it runs in a task of its own that does not inherit the cancellation
        await Task { await self.flush() }.value
        do {
            try await self.cache.close()
        } catch {
            self.logger.error("could not checkpoint and close the cache database", metadata: ["error": "\(error)"])
            throw error
        }
    }

    private func flush() async {
        do {
            try await self.cache.flush()
        } catch is CancellationError {
            // shutting down: the last flush, which is not cancelled, writes what this one did not
            self.logger.debug("cache access times and counters left for the last flush")
        } catch {
            self.logger.error("could not write cache access times and counters", metadata: ["error": "\(error)"])
        }
    }
}
