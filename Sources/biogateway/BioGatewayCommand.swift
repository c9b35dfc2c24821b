import ArgumentParser

/// `biogateway`: the gateway, its upstream simulator, and a one-command demo.
@main
struct BioGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "biogateway",
        abstract: "A caching gateway for the NHM Data Portal and VertNet search APIs.",
        subcommands: [ServeCommand.self, SimulateCommand.self, DemoCommand.self, CacheCommand.self, ConfigCommand.self]
    )
}
