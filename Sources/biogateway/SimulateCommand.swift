import ArgumentParser
import BioGatewaySimulator
import Foundation
import Hummingbird

/// `biogateway simulate`: both upstream APIs, offline, with fault injection.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the upstream simulator (NHM datastore_search and VertNet search on one port).",
        discussion: """
            Paths: /api/3/action/datastore_search, /api/action/datastore_search, /api/search, /api/v1/search.
            Control: POST /_simulator/faults {"source":"nhm","kind":"status","status":503,"count":1}, \
            GET|DELETE /_simulator/faults, POST /_simulator/release (answers requests a "hold" fault holds), \
            GET|DELETE /_simulator/requests.
            """
    )

    @OptionGroup var options: SimulatorOptions

    func run() async throws {
        let logger = makeLogger("biogateway.simulator")
        let configuration = self.options.simulatorConfiguration()
        exitIfPortIsTaken(host: configuration.host, port: configuration.port, flag: "--port", command: "simulate")
        let app = UpstreamSimulator(configuration: configuration).makeApplication(logger: logger) { channel in
            logger.info("Upstream simulator listening on http://\(configuration.host):\(channel.localAddress?.port ?? configuration.port)")
        }
        try await app.runService()
    }
}

/// The simulator's flags.
struct SimulatorOptions: ParsableArguments {
    @Option(name: .customLong("simulator-host"), help: "Address the simulator listens on.") var host: String = "127.0.0.1"
    @Option(name: [.customLong("simulator-port"), .customLong("port")], help: "Port the simulator listens on.") var port: Int = 8081
    @Option(help: "Milliseconds of latency added to every upstream answer.") var latencyMs: Int = 0
    @Option(help: "Folder of recorded answers (vertnet/, nhm/); defaults to the bundled copies.") var fixtures: String?

    func simulatorConfiguration() -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(host: self.host, port: self.port, latency: .milliseconds(self.latencyMs))
        if let fixtures { configuration.fixturesDirectory = URL(fileURLWithPath: fixtures) }
        return configuration
    }
}
