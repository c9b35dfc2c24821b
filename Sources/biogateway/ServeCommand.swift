import ArgumentParser
import BioGatewayAPI
import Configuration
import Foundation
import GRDB
import Logging

/// `biogateway serve`: the gateway, configured by flags, then `BIOGATEWAY_*` variables, then defaults.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway.",
        discussion: "Every flag can also be set with its environment variable (BIOGATEWAY_HOST, BIOGATEWAY_PORT, …); flags win."
    )

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let logger = makeLogger("biogateway")
        let configuration = try self.options.gatewayConfiguration()
        let app = openOrExit(configuration.cachePath) {
            try buildApplication(
                configuration: configuration,
                logger: logger,
                onServerRunning: { channel in
                    logger.info("BioGateway listening on http://\(configuration.host):\(channel.localAddress?.port ?? configuration.port)")
                }
            )
        }
        try await app.runService()
    }
}

/// The gateway's flags. Optional, so that an absent flag falls through to the environment.
struct GatewayOptions: ParsableArguments {
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
        return values
    }

    /// Flags, then environment, then defaults; an unusable value stops the command with a readable message.
    func gatewayConfiguration() throws -> GatewayConfiguration {
        do {
            return try GatewayConfiguration.load(flags: self.flagValues)
        } catch let error as GatewayConfiguration.InvalidSetting {
            exitWithConfigurationError(error.description)
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
    } catch let error as DatabaseError {
        exitWithConfigurationError("cannot open the cache database at \(cachePath): \(error.message ?? error.description)")
    } catch {
        exitWithConfigurationError("cannot create the cache database at \(cachePath): \(error.localizedDescription)")
    }
}

/// A logger writing to standard error at `BIOGATEWAY_LOG_LEVEL` (default `info`).
func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel =
        ConfigReader(provider: EnvironmentVariablesProvider()).string(forKey: "biogateway.log.level")
        .flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    return logger
}
