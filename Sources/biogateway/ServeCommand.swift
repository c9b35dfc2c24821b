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

            Settings:
            \(GatewayConfiguration.flagsHelp)
            """
    )

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let configuration = try self.options.gatewayConfiguration()
        let logger = makeLogger("biogateway", configuration)
        for variable in GatewayConfiguration.unknownVariables(in: ProcessInfo.processInfo.environment) {
            logger.warning("ignoring \(variable): no such setting (see biogateway config check)")
        }
        if configuration.upstream.contact == nil, URL(string: configuration.upstream.nhmURL)?.host?.hasSuffix("nhm.ac.uk") == true {
            logger.warning(
                "no contact for the NHM: its fair-use terms ask for a descriptive User-Agent and it blocks generic ones; set BIOGATEWAY_CONTACT (or --contact) to a URL or email of your team"
            )
        }
        exitIfPortIsTaken(host: configuration.server.host, port: configuration.server.port, flag: "--port", command: "serve")
        logger.info("opening the cache", metadata: ["store": "\(configuration.storeDescription)"])
        let app = await openOrExit(configuration) {
            try await buildApplication(
                configuration: configuration,
                logger: logger,
                onServerRunning: { channel in
                    logger.info(
                        "BioGateway listening on http://\(configuration.server.host):\(channel.localAddress?.port ?? configuration.server.port)"
                    )
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

/// The gateway's flags: `--config`, and one flag per setting that takes one, read from the settings'
/// declarations (``GatewayConfiguration``) rather than declared again here.
struct GatewayOptions: ParsableArguments {
    @Option(help: "A YAML or JSON configuration file (BIOGATEWAY_CONFIG); flags and variables override it.") var config: String?
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("A setting's flag and value: --port 9001 (listed below).", visibility: .hidden))
    var settingArguments: [String] = []

    func validate() throws {
        do {
            _ = try GatewayConfiguration.flagValues(self.settingArguments)
        } catch {
            throw ValidationError(
                error.reason == "no such option; the settings are listed by --help" ? "Unknown option '\(error.key)'" : error.reason
            )
        }
    }

    /// The flags given on the command line, by configuration key.
    var flagValues: [String: String] {
        (try? GatewayConfiguration.flagValues(self.settingArguments)) ?? [:]
    }

    /// Flags, then environment, then defaults; an unusable value stops the command with a readable message.
    func gatewayConfiguration() throws -> GatewayConfiguration {
        let environment = ProcessInfo.processInfo.environment
        do {
            return try GatewayConfiguration.load(flags: self.flagValues, environment: environment, file: self.configurationFile())
        } catch {
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
func openOrExit<App>(_ configuration: GatewayConfiguration, _ build: () async throws -> App) async -> App {
    do {
        return try await build()
    } catch let error as GatewayConfiguration.InvalidSetting {
        exitWithConfigurationError(error.description)
    } catch let error as DatabaseError {
        exitWithConfigurationError("cannot open the cache database at \(configuration.cache.path): \(error.message ?? error.description)")
    } catch {
        exitWithConfigurationError("cannot open the cache (\(configuration.storeDescription)): \(String(reflecting: error))")
    }
}

/// A logger writing to standard error at the configured level, as text or, with
/// `BIOGATEWAY_LOG_FORMAT=json`, as one JSON object per line.
func makeLogger(_ label: String, _ configuration: GatewayConfiguration) -> Logger {
    var logger =
        configuration.server.logFormat == "json"
        ? Logger(label: label) { label in JSONLogHandler(label: label) } : Logger(label: label) { label in TextLogHandler(label: label) }
    logger.logLevel = Logger.Level(rawValue: configuration.server.logLevel) ?? .info
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
