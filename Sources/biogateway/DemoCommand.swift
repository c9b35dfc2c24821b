import ArgumentParser
import BioGatewayAPI
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
    @Option(help: "SQLite cache file.") var cachePath: String = "./biogateway-demo-cache.sqlite"

    func run() async throws {
        let simulatorURL = "http://127.0.0.1:\(self.simulatorPort)"
        // the gateway's other settings come from BIOGATEWAY_* variables as for `serve`; the simulator is
        // local, so unless told otherwise it is paced gently, not at the real upstreams' 1-2 requests a second
        var flags = [
            "biogateway.port": String(self.port),
            "biogateway.cache.path": self.cachePath,
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
        let simulator = UpstreamSimulator(configuration: SimulatorConfiguration(port: self.simulatorPort))
            .makeApplication(logger: makeLogger("biogateway.simulator"))
        let gatewayURL = "http://127.0.0.1:\(self.port)"
        let cachePath = self.cachePath
        let gateway = openOrExit(configuration.cachePath) {
            try buildApplication(
                configuration: configuration,
                logger: logger,
                onServerRunning: { _ in
                    let banner = Self.banner(gatewayURL: gatewayURL, simulatorURL: simulatorURL, cachePath: cachePath)
                    FileHandle.standardOutput.write(Data((banner + "\n").utf8))
                }
            )
        }
        let group = ServiceGroup(
            configuration: .init(services: [simulator, gateway], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }

    static func banner(gatewayURL: String, simulatorURL: String, cachePath: String) -> String {
        """

        BioGateway demo (offline: the upstreams are the built-in simulator)
          gateway     \(gatewayURL)      API description: \(gatewayURL)/openapi.yaml
          simulator   \(simulatorURL)      (NHM and VertNet, generated data)
          cache       \(cachePath)

        Try:
          # NHM datastore_search, as ckanapi/pyportal would call it
          curl '\(gatewayURL)/nhm/api/3/action/datastore_search?resource_id=05ff2255-c38a-40c9-b657-4ccb55ab2feb&q=bufo&limit=2'

          # VertNet search, as rvertnet would call it
          curl -G '\(gatewayURL)/vertnet/api/search' --data-urlencode 'q={"q":"genus:bufo stateprovince:california","l":2}'

          # the same NHM question again: now a cache hit (see Cache-Status)
          curl -s -D - -o /dev/null '\(gatewayURL)/nhm/api/3/action/datastore_search?resource_id=05ff2255-c38a-40c9-b657-4ccb55ab2feb&q=bufo&limit=2'

          # both sources in one Darwin Core shape; CSV, NDJSON and GeoJSON too, and a streamed export
          curl '\(gatewayURL)/v1/records?genus=Bufo&stateProvince=California&limit=5'
          curl '\(gatewayURL)/v1/records?genus=Bufo&limit=5&format=csv'
          curl '\(gatewayURL)/v1/records/export?genus=Bufo&max=2000&format=ndjson' > bufo.ndjson

        Stop with Ctrl-C.
        """
    }
}
