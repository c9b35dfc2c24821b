import ArgumentParser
import BioGatewayAPI
import BioGatewayQuery
import BioGatewaySimulator
import Configuration
import Foundation
import Hummingbird
import ServiceLifecycle

/// `biogateway demo`: the simulator and a gateway pointed at it, in one process, offline.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the upstream simulator and a gateway pointed at it, and print commands to try.",
        discussion: "Other settings (rate limits, TTLs, …) are read from BIOGATEWAY_* variables, as for serve."
    )

    @Option(help: "Port of the gateway.") var port: Int = 8080
    @Option(help: "Port of the upstream simulator.") var simulatorPort: Int = 8081
    @Option(help: "SQLite cache file to keep between demos (default: a new one in a temporary folder, removed on exit).")
    var cachePath: String?

    func run() async throws {
        exitIfPortIsTaken(host: "127.0.0.1", port: self.port, flag: "--port", command: "demo")
        exitIfPortIsTaken(host: "127.0.0.1", port: self.simulatorPort, flag: "--simulator-port", command: "demo")
        let simulatorURL = "http://127.0.0.1:\(self.simulatorPort)"
        // a new, empty cache each time unless one is named, so that the banner's "now a cache hit" is true
        let temporaryFolder = self.cachePath == nil ? Self.makeTemporaryFolder() : nil
        defer { if let temporaryFolder { try? FileManager.default.removeItem(at: temporaryFolder) } }
        let cachePath = self.cachePath ?? temporaryFolder!.appendingPathComponent("cache.sqlite").path
        // the gateway's other settings come from BIOGATEWAY_* variables as for `serve`; the simulator is
        // local, so unless told otherwise it is paced gently, not at the real upstreams' 1-2 requests a second
        var flags = [
            "biogateway.port": String(self.port),
            "biogateway.cache.path": cachePath,
            "biogateway.nhm.url": simulatorURL,
            "biogateway.vertnet.url": simulatorURL,
        ]
        let environment = ProcessInfo.processInfo.environment
        let demoPacing = [
            "biogateway.nhm.max.rps": "50", "biogateway.vertnet.max.rps": "50",
            "biogateway.nhm.max.concurrent": "8", "biogateway.vertnet.max.concurrent": "8",
        ]
        for (key, value) in demoPacing where environment[key.uppercased().replacingOccurrences(of: ".", with: "_")] == nil {
            flags[key] = value
        }
        let configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration.load(flags: flags, environment: environment)
        } catch {
            exitWithConfigurationError("\(error)")
        }
        let logger = makeLogger("biogateway", configuration)
        say("Generating the simulator's data (26,000 NHM and 14,500 VertNet records, the same every time)...")
        let started = ContinuousClock.now
        let simulator = UpstreamSimulator(configuration: SimulatorConfiguration(port: self.simulatorPort))
        say(
            "  done in \((ContinuousClock.now - started).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))); starting the servers..."
        )
        let gatewayURL = "http://127.0.0.1:\(self.port)"
        let isTemporary = temporaryFolder != nil
        let gateway = await openOrExit(configuration) {
            try await buildApplication(
                configuration: configuration,
                logger: logger,
                onServerRunning: { _ in
                    say(Self.banner(gatewayURL: gatewayURL, simulatorURL: simulatorURL, cachePath: cachePath, isTemporary: isTemporary))
                }
            )
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [simulator.makeApplication(logger: makeLogger("biogateway.simulator")), gateway],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        say("BioGateway demo stopped.")
    }

    /// A new folder for this demo's cache, in the system's temporary folder.
    static func makeTemporaryFolder() -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("biogateway-demo-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            exitWithConfigurationError("cannot create a folder for the demo's cache at \(folder.path): \(error.localizedDescription)")
        }
        return folder
    }

    static func banner(gatewayURL: String, simulatorURL: String, cachePath: String, isTemporary: Bool) -> String {
        let cacheNote =
            isTemporary ? "(new and empty; removed on exit; --cache-path keeps one)" : "(kept between demos: earlier answers are already hits)"
        return """

            BioGateway demo (offline: the upstreams are the built-in simulator)
              gateway     \(gatewayURL)      API description: \(gatewayURL)/openapi.yaml
              simulator   \(simulatorURL)      (NHM and VertNet, generated data)
              cache       \(cachePath)
                          \(cacheNote)

            Try:
              # NHM datastore_search, as ckanapi/pyportal call it with the gateway as their base URL
              curl '\(gatewayURL)/api/3/action/datastore_search?resource_id=\(NHMResource.specimens)&q=bufo&limit=2'

              # VertNet search, as rvertnet calls it with the gateway as its base URL
              curl -G '\(gatewayURL)/api/search' --data-urlencode 'q={"q":"genus:bufo stateprovince:california","l":2}'

              # the same NHM question again: now a cache hit (see Cache-Status)
              curl -s -D - -o /dev/null '\(gatewayURL)/api/3/action/datastore_search?resource_id=\(NHMResource.specimens)&q=bufo&limit=2'

              # both sources in one Darwin Core shape; CSV, NDJSON and GeoJSON too, and a streamed export
              curl '\(gatewayURL)/v1/records?genus=Bufo&stateProvince=California&limit=5'
              curl '\(gatewayURL)/v1/records?genus=Bufo&limit=5&format=csv'
              curl '\(gatewayURL)/v1/records/export?genus=Bufo&max=2000&format=ndjson' > bufo.ndjson

            Ready. Stop with Ctrl-C.
            """
    }
}

/// Writes a line to standard output at once (not buffered), so progress shows as it happens.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
