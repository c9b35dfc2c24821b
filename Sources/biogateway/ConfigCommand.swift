import ArgumentParser
import BioGatewayAPI
import BioGatewayRateLimit
import Foundation

/// `biogateway config check`: the effective configuration, or what is wrong with it.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect the gateway's configuration.",
        subcommands: [Check.self, Docs.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration (secrets redacted) and where each value comes from; exit 78 on any invalid value.",
            discussion: """
                Reads what `serve` would: its flags, BIOGATEWAY_* variables, the --config file, the defaults.

                Settings:
                \(GatewayConfiguration.flagsHelp)
                """
        )

        @OptionGroup var options: GatewayOptions

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let unknown = GatewayConfiguration.unknownVariables(in: environment)
            guard unknown.isEmpty else {
                exitWithConfigurationError("unknown variable\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")): no such setting")
            }
            let file = self.options.configurationFile()
            let configuration = try self.options.gatewayConfiguration()
            if let keysFile = configuration.clients.keysFile {
                do {
                    _ = try APIKeys.load(path: keysFile)
                } catch {
                    exitWithConfigurationError("Invalid value '\(keysFile)' for biogateway.keys.file (BIOGATEWAY_KEYS_FILE): \(error)")
                }
            }
            if let problem = Self.cachePathProblem(configuration.cache.path) {
                exitWithConfigurationError(
                    "Invalid value '\(configuration.cache.path)' for biogateway.cache.path (BIOGATEWAY_CACHE_PATH): \(problem)"
                )
            }
            let sources = GatewayConfiguration.sources(flags: self.options.flagValues, environment: environment, file: file)
            let rows = configuration.effectiveValues.map { row in
                (row.setting.environmentVariable, row.value, sources[row.setting.key] ?? "default")
            }
            let width = rows.map(\.0.count).max() ?? 0
            if let file { print("configuration file: \(file.path)") }
            for (name, value, source) in rows {
                print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "  (\(source))")
            }
            print("configuration ok")
        }

        /// Why the cache file could not be created or written there, or nil.
        static func cachePathProblem(_ path: String) -> String? {
            let manager = FileManager.default
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
                if isDirectory.boolValue { return "it is a directory, not a file" }
                return manager.isWritableFile(atPath: path) ? nil : "the file is not writable"
            }
            // the nearest existing folder must let the gateway create what is missing
            var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            while !manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) { folder.deleteLastPathComponent() }
            guard isDirectory.boolValue else { return "\(folder.path) is a file, not a folder" }
            return manager.isWritableFile(atPath: folder.path) ? nil : "cannot create files in \(folder.path)"
        }
    }

    struct Docs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the settings as the Markdown table of docs/configuration.md.",
            discussion: "Generated from the settings' declarations; a test fails when docs/configuration.md differs."
        )

        func run() async throws {
            print(GatewayConfiguration.documentationTable, terminator: "")
        }
    }
}
