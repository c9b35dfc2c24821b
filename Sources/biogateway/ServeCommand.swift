import ArgumentParser
import BioGatewayAPI
import Configuration
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// `biogateway serve`: the gateway, configured by flags, then `BIOGATEWAY_*` variables, then defaults.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway.",
        discussion: """
            Every flag can also be set with its environment variable (BIOGATEWAY_HOST, BIOGATEWAY_PORT, …) or in a \
            configuration file (--config); flags win over the environment, the environment over the file.
            """
    )

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let configuration = try self.options.gatewayConfiguration()
        let logger = makeLogger("biogateway", configuration)
        for variable in GatewayConfiguration.unknownVariables(in: ProcessInfo.processInfo.environment) {
            logger.warning("ignoring \(variable): no such setting (see biogateway config check)")
        }
        if configuration.contact == nil, URL(string: configuration.nhmURL)?.host?.hasSuffix("nhm.ac.uk") == true {
            logger.warning(
                "no contact for the NHM: its fair-use terms ask for a descriptive User-Agent and it blocks generic ones; set BIOGATEWAY_CONTACT (or --contact) to a URL or email of your team"
            )
        }
        exitIfPortIsTaken(host: configuration.host, port: configuration.port, flag: "--port", command: "serve")
        let app = openOrExit(configuration.cachePath) {
            try buildApplication(
                configuration: configuration,
                logger: logger,
                onServerRunning: { channel in
                    logger.info("BioGateway listening on http://\(configuration.host):\(channel.localAddress?.port ?? configuration.port)")
                },
                reloadConfiguration: { [options] in try options.loadConfiguration() }
            )
        }
        // SIGTERM/SIGINT: stop accepting, let in-flight requests finish for up to 25 s (inside the 30 s that
        // systemd, Docker and Kubernetes give by default), then the cache writes its batched access times and
        // counters and closes the database
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(25)
        group.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: group).run()
    }
}

/// The gateway's flags. Optional, so that an absent flag falls through to the environment.
struct GatewayOptions: ParsableArguments {
    @Option(help: "A YAML or JSON configuration file (BIOGATEWAY_CONFIG); flags and variables override it.") var config: String?
    @Option(help: "Address to listen on (BIOGATEWAY_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (BIOGATEWAY_PORT, default 8080).") var port: Int?
    @Option(help: "SQLite cache file (BIOGATEWAY_CACHE_PATH, default ./biogateway-cache.sqlite).") var cachePath: String?
    @Option(help: "NHM Data Portal base URL (BIOGATEWAY_NHM_URL, default https://data.nhm.ac.uk).") var nhmUrl: String?
    @Option(help: "VertNet API base URL (BIOGATEWAY_VERTNET_URL, default https://api.vertnet-portal.appspot.com).")
    var vertnetUrl: String?
    @Option(help: "Seconds a cached answer is served (BIOGATEWAY_CACHE_TTL, default 86400).") var cacheTtl: Int?
    @Option(help: "Seconds to wait for an upstream answer (BIOGATEWAY_UPSTREAM_TIMEOUT, default 60).") var upstreamTimeout: Int?
    @Option(help: "Seconds an NHM answer is fresh (BIOGATEWAY_NHM_TTL, default: the cache TTL).") var nhmTtl: Int?
    @Option(help: "Seconds a VertNet answer is fresh (BIOGATEWAY_VERTNET_TTL, default: the cache TTL).") var vertnetTtl: Int?
    @Option(help: "Seconds an answer with no records is fresh (BIOGATEWAY_EMPTY_TTL, default 300).") var emptyTtl: Int?
    @Option(help: "Seconds past freshness an entry is served while refreshed (BIOGATEWAY_STALE_WHILE_REVALIDATE, default 3600).")
    var staleWhileRevalidate: Int?
    @Option(help: "Seconds past freshness an entry is served when the upstream fails (BIOGATEWAY_STALE_IF_ERROR, default 604800).")
    var staleIfError: Int?
    @Option(help: "Bound on the cache size in bytes, K/M/G suffixes allowed (BIOGATEWAY_CACHE_MAX_BYTES, default 1G).")
    var cacheMaxBytes: String?
    @Option(help: "Memory for ready-made /v1/records pages, K/M/G suffixes, 0 keeps none (BIOGATEWAY_PAGE_CACHE_MAX_BYTES, default 64M).")
    var pageCacheMaxBytes: String?
    @Option(help: "JSON or YAML file of API keys (BIOGATEWAY_KEYS_FILE).") var keysFile: String?
    @Option(help: "CIDRs whose X-Forwarded-For is believed, comma-separated (BIOGATEWAY_TRUSTED_PROXIES).") var trustedProxies: String?
    @Option(help: "Refuse requests without an API key: true or false (BIOGATEWAY_REQUIRE_KEY, default false).") var requireKey: String?
    @Option(help: "Requests per minute per client (BIOGATEWAY_RATE_LIMIT, default 600).") var rateLimit: Int?
    @Option(help: "Cache misses per minute per client (BIOGATEWAY_UPSTREAM_RATE_LIMIT, default 60).") var upstreamRateLimit: Int?
    @Option(help: "Requests per second sent to NHM (BIOGATEWAY_NHM_MAX_RPS, default 1).") var nhmMaxRps: Double?
    @Option(help: "Requests per second sent to VertNet (BIOGATEWAY_VERTNET_MAX_RPS, default 2).") var vertnetMaxRps: Double?
    @Option(help: "Requests in flight to NHM (BIOGATEWAY_NHM_MAX_CONCURRENT, default 1, as the NHM asks).") var nhmMaxConcurrent: Int?
    @Option(help: "Requests in flight to VertNet (BIOGATEWAY_VERTNET_MAX_CONCURRENT, default 2).") var vertnetMaxConcurrent: Int?
    @Option(help: "Requests that may wait per upstream (BIOGATEWAY_UPSTREAM_QUEUE, default 100).") var upstreamQueue: Int?
    @Option(help: "Seconds a request may wait for an upstream (BIOGATEWAY_UPSTREAM_QUEUE_TIMEOUT, default 30).")
    var upstreamQueueTimeout: Int?
    @Option(help: "Retries after connection failures, timeouts, 502/503/504 (BIOGATEWAY_UPSTREAM_RETRIES, default 2).")
    var upstreamRetries: Int?
    @Option(help: "Origins browsers may call from: comma-separated https://host[:port], or * (BIOGATEWAY_CORS_ORIGINS).")
    var corsOrigins: String?
    @Option(help: "Longest pause an upstream's Retry-After is honoured for, in seconds (BIOGATEWAY_UPSTREAM_MAX_PAUSE, default 300).")
    var upstreamMaxPause: Int?
    @Option(help: "URL or email of the team running the gateway, sent upstream in the User-Agent (BIOGATEWAY_CONTACT).")
    var contact: String?
    @Option(help: "Consecutive failures that open an upstream's breaker (BIOGATEWAY_BREAKER_THRESHOLD, default 5).")
    var breakerThreshold: Int?
    @Option(help: "Seconds an open breaker waits before one probe (BIOGATEWAY_BREAKER_COOLDOWN, default 30).") var breakerCooldown: Int?

    /// The flags given on the command line, by configuration key.
    var flagValues: [String: String] {
        var values: [String: String] = [:]
        values["biogateway.host"] = self.host
        values["biogateway.port"] = self.port.map(String.init)
        values["biogateway.cache.path"] = self.cachePath
        values["biogateway.nhm.url"] = self.nhmUrl
        values["biogateway.vertnet.url"] = self.vertnetUrl
        values["biogateway.cache.ttl"] = self.cacheTtl.map(String.init)
        values["biogateway.upstream.timeout"] = self.upstreamTimeout.map(String.init)
        values["biogateway.nhm.ttl"] = self.nhmTtl.map(String.init)
        values["biogateway.vertnet.ttl"] = self.vertnetTtl.map(String.init)
        values["biogateway.empty.ttl"] = self.emptyTtl.map(String.init)
        values["biogateway.stale.while.revalidate"] = self.staleWhileRevalidate.map(String.init)
        values["biogateway.stale.if.error"] = self.staleIfError.map(String.init)
        values["biogateway.cache.max.bytes"] = self.cacheMaxBytes
        values["biogateway.page.cache.max.bytes"] = self.pageCacheMaxBytes
        values["biogateway.keys.file"] = self.keysFile
        values["biogateway.trusted.proxies"] = self.trustedProxies
        values["biogateway.require.key"] = self.requireKey
        values["biogateway.rate.limit"] = self.rateLimit.map(String.init)
        values["biogateway.upstream.rate.limit"] = self.upstreamRateLimit.map(String.init)
        values["biogateway.nhm.max.rps"] = self.nhmMaxRps.map { String($0) }
        values["biogateway.vertnet.max.rps"] = self.vertnetMaxRps.map { String($0) }
        values["biogateway.nhm.max.concurrent"] = self.nhmMaxConcurrent.map(String.init)
        values["biogateway.vertnet.max.concurrent"] = self.vertnetMaxConcurrent.map(String.init)
        values["biogateway.upstream.queue"] = self.upstreamQueue.map(String.init)
        values["biogateway.upstream.queue.timeout"] = self.upstreamQueueTimeout.map(String.init)
        values["biogateway.upstream.retries"] = self.upstreamRetries.map(String.init)
        values["biogateway.breaker.threshold"] = self.breakerThreshold.map(String.init)
        values["biogateway.breaker.cooldown"] = self.breakerCooldown.map(String.init)
        values["biogateway.contact"] = self.contact
        values["biogateway.cors.origins"] = self.corsOrigins
        values["biogateway.upstream.max.pause"] = self.upstreamMaxPause.map(String.init)
        return values
    }

    /// Flags, then environment, then defaults; an unusable value stops the command with a readable message.
    func gatewayConfiguration() throws -> GatewayConfiguration {
        let environment = ProcessInfo.processInfo.environment
        do {
            return try GatewayConfiguration.load(flags: self.flagValues, environment: environment, file: self.configurationFile())
        } catch let error as GatewayConfiguration.InvalidSetting {
            exitWithConfigurationError(error.description)
        }
    }

    /// Flags, environment and file as they are now; throws what is wrong (for SIGHUP).
    func loadConfiguration() throws -> GatewayConfiguration {
        let path = self.config ?? ProcessInfo.processInfo.environment["BIOGATEWAY_CONFIG"]
        return try GatewayConfiguration.load(
            flags: self.flagValues,
            environment: ProcessInfo.processInfo.environment,
            file: try path.map { try ConfigurationFile.load(path: $0) }
        )
    }

    /// The configuration file named by `--config` or `BIOGATEWAY_CONFIG`, read and checked.
    func configurationFile() -> ConfigurationFile? {
        guard let path = self.config ?? ProcessInfo.processInfo.environment["BIOGATEWAY_CONFIG"] else { return nil }
        do {
            return try ConfigurationFile.load(path: path)
        } catch {
            exitWithConfigurationError("\(error)")
        }
    }
}

/// Prints a configuration problem and exits with `EX_CONFIG` (78).
func exitWithConfigurationError(_ message: String) -> Never {
    FileHandle.standardError.write(Data("biogateway: \(message)\n".utf8))
    exit(78)
}

/// Builds the application; a cache database that cannot be created or opened stops the command with a
/// message naming the file, not a stack of framework errors.
func openOrExit<App>(_ cachePath: String, _ build: () throws -> App) -> App {
    do {
        return try build()
    } catch let error as GatewayConfiguration.InvalidSetting {
        exitWithConfigurationError(error.description)
    } catch let error as DatabaseError {
        exitWithConfigurationError("cannot open the cache database at \(cachePath): \(error.message ?? error.description)")
    } catch {
        exitWithConfigurationError("cannot create the cache database at \(cachePath): \(error.localizedDescription)")
    }
}

/// A logger writing to standard error at the configured level, as text or, with
/// `BIOGATEWAY_LOG_FORMAT=json`, as one JSON object per line.
func makeLogger(_ label: String, _ configuration: GatewayConfiguration) -> Logger {
    var logger =
        configuration.logFormat == "json" ? Logger(label: label) { label in JSONLogHandler(label: label) } : Logger(label: label)
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    return logger
}

/// A logger for commands without gateway settings (the simulator), from the environment alone.
func makeLogger(_ label: String) -> Logger {
    do {
        return makeLogger(label, try GatewayConfiguration.load(flags: [:]))
    } catch {
        exitWithConfigurationError("\(error)")
    }
}
