import BioGatewayAPI
import BioGatewayPacing
import BioGatewayRateLimit
import BioGatewaySimulator
import Foundation
import Logging
import NIOCore

/// A running upstream simulator.
public struct SimulatorHandle: Sendable {
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    /// Its state: faults and the request log.
    public let state: SimulatorState
}

/// Runs the upstream simulator on a free loopback port.
public func withSimulator<Result: Sendable>(
    latency: Duration = .zero,
    clock: GatewayClock = .system,
    _ body: (SimulatorHandle) async throws -> Result
) async throws -> Result {
    var configuration = SimulatorConfiguration(host: "127.0.0.1", port: 0, latency: latency)
    configuration.clock = clock
    let simulator = UpstreamSimulator(configuration: configuration)
    return try await withRunningApplication(
        { onServerRunning in simulator.makeApplication(logger: quietLogger, onServerRunning: onServerRunning) },
        { port in try await body(SimulatorHandle(baseURL: "http://127.0.0.1:\(port)", state: simulator.state)) }
    )
}

/// The settings of a gateway under test: on loopback, a free port, both upstreams at `upstreamURL`, and
/// generous limits, so that tests about other things are not slowed or refused (the rate-limiting tests
/// set their own).
func testConfiguration(upstreamURL: String, cachePath: String) -> GatewayConfiguration {
    var configuration = GatewayConfiguration()
    configuration.server.host = "127.0.0.1"
    configuration.server.port = 0
    // a SQLite path, or a PostgreSQL database's URL (`withTemporaryStore`)
    configuration.cache.store = cachePath
    configuration.upstream.nhmURL = upstreamURL
    configuration.upstream.vertnetURL = upstreamURL
    configuration.upstream.timeout = 10
    configuration.clients.rateLimit = 1_000_000
    configuration.clients.upstreamRateLimit = 1_000_000
    configuration.upstream.nhmMaxRPS = 10_000
    configuration.upstream.vertnetMaxRPS = 10_000
    configuration.upstream.nhmMaxConcurrent = 256
    configuration.upstream.vertnetMaxConcurrent = 256
    configuration.upstream.queue = 10_000
    return configuration
}

/// Runs a gateway on a free loopback port, pointed at `upstreamURL` for both upstreams, on the cache at
/// `cachePath` (default: a new one, removed afterwards).
public func withGateway<Result: Sendable>(
    upstreamURL: String,
    cachePath: String? = nil,
    configure: (inout GatewayConfiguration) -> Void = { _ in },
    clock: GatewayClock = .system,
    logger: Logger = quietLogger,
    _ body: (GatewayClient) async throws -> Result
) async throws -> Result {
    guard let cachePath else {
        return try await withTemporaryStore { path in
            try await withGateway(
                upstreamURL: upstreamURL,
                cachePath: path,
                configure: configure,
                clock: clock,
                logger: logger,
                body
            )
        }
    }
    var configuration = testConfiguration(upstreamURL: upstreamURL, cachePath: cachePath)
    configure(&configuration)
    let finalConfiguration = configuration
    return try await withRunningApplication(
        { onServerRunning in
            try await buildApplication(
                configuration: finalConfiguration,
                logger: logger,
                clock: clock,
                onServerRunning: onServerRunning
            )
        },
        { port in try await body(GatewayClient(baseURL: "http://127.0.0.1:\(port)")) }
    )
}

/// Runs a simulator and a gateway in front of it (on a new cache, removed afterwards, unless `cachePath`
/// names one).
public func withStack<Result: Sendable>(
    cachePath: String? = nil,
    configure: (inout GatewayConfiguration) -> Void = { _ in },
    clock: GatewayClock = .system,
    logger: Logger = quietLogger,
    _ body: (SimulatorHandle, GatewayClient) async throws -> Result
) async throws -> Result {
    try await withSimulator { simulator in
        try await withGateway(
            upstreamURL: simulator.baseURL,
            cachePath: cachePath,
            configure: configure,
            clock: clock,
            logger: logger
        ) { gateway in
            try await body(simulator, gateway)
        }
    }
}

/// A simulator on loopback, and a gateway in front of it tested through its router, with no socket of its
/// own (HummingbirdTesting's `.router`): for routing, validation and rendering, where the gateway's sockets
/// do not matter. The cache is new and removed afterwards.
public func withRouterStack<Result: Sendable>(
    configure: (inout GatewayConfiguration) -> Void = { _ in },
    clock: GatewayClock = .system,
    _ body: @escaping @Sendable (SimulatorHandle, GatewayClient) async throws -> Result
) async throws -> Result {
    try await withSimulator { simulator in
        try await withTemporaryStore { cachePath in
            var configuration = testConfiguration(upstreamURL: simulator.baseURL, cachePath: cachePath)
            configure(&configuration)
            let app = try await buildApplication(configuration: configuration, logger: quietLogger, clock: clock)
            return try await app.test(.router) { client in try await body(simulator, GatewayClient(router: client)) }
        }
    }
}
