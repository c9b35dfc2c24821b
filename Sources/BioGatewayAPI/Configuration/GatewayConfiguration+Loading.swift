import BioGatewaySettings
import Configuration
import Foundation
import Synchronization

extension GatewayConfiguration {
    /// A setting with a value that cannot be used.
    public typealias InvalidSetting = BioGatewaySettings.InvalidSetting

    /// Reads the settings in order of precedence: flags (by configuration key, e.g. `biogateway.port`),
    /// then environment variables (`BIOGATEWAY_PORT`), then a configuration file, then the defaults.
    public static func load(
        flags: [String: String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        file: ConfigurationFile? = nil
    ) throws(InvalidSetting) -> GatewayConfiguration {
        try GatewayConfiguration(reader: Self.reader(flags: flags, environment: environment, file: file))
    }

    /// The providers in order of precedence; `reporter` hears which one gave each value.
    public static func reader(
        flags: [String: String],
        environment: [String: String],
        file: ConfigurationFile?,
        reporter: (any AccessReporter)? = nil
    ) -> ConfigReader {
        let secrets = Set(Self.settings.filter(\.isSecret).map(\.key))
        func provider(_ name: String, _ pairs: [String: String]) -> InMemoryProvider {
            var values: [AbsoluteConfigKey: ConfigValue] = [:]
            for (key, value) in pairs {
                values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = .init(.string(value), isSecret: secrets.contains(key))
            }
            return InMemoryProvider(name: name, values: values)
        }
        return ConfigReader(
            providers: [
                provider("flag", flags),
                EnvironmentVariablesProvider(
                    environmentVariables: environment,
                    secretsSpecifier: .specific(Set(Self.settings.filter(\.isSecret).map(\.environmentVariable)))
                ),
                provider("file", file?.values ?? [:]),
            ],
            accessReporter: reporter
        )
    }

    /// Where each setting's value comes from — `flag`, `environment`, `file` or `default` — as the
    /// configuration library reports the lookups.
    public static func sources(
        flags: [String: String],
        environment: [String: String],
        file: ConfigurationFile?
    ) -> [String: String] {
        let recorder = SettingSources()
        _ = try? GatewayConfiguration(reader: Self.reader(flags: flags, environment: environment, file: file, reporter: recorder))
        let found = recorder.sources
        return Dictionary(uniqueKeysWithValues: Self.settings.map { ($0.key, found[$0.key] ?? "default") })
    }

    /// `BIOGATEWAY_*` variables that name no setting (typos, or settings of another version).
    public static func unknownVariables(in environment: [String: String]) -> [String] {
        let known = Set(Self.settings.map(\.environmentVariable) + ["BIOGATEWAY_CONFIG"])
        return environment.keys.filter { $0.hasPrefix("BIOGATEWAY_") && !known.contains($0) }.sorted()
    }

    /// The effective value of every setting as text, secrets redacted.
    public var effectiveValues: [(setting: any AnySetting, value: String)] {
        self.settings.map { ($0, $0.shownValue) }
    }

    /// Flags as given on a command line (`--port 9001`, `--port=9001`), by configuration key.
    /// - Throws: ``InvalidSetting`` naming a flag that is not a setting's, or that has no value.
    public static func flagValues(_ arguments: [String]) throws(InvalidSetting) -> [String: String] {
        let byFlag = Dictionary(uniqueKeysWithValues: Self.settings.compactMap { setting in setting.flag.map { ($0, setting.key) } })
        var values: [String: String] = [:]
        var remaining = arguments[...]
        while let word = remaining.popFirst() {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let key = byFlag[parts[0]] else {
                throw InvalidSetting(key: parts[0], value: word, reason: "no such option; the settings are listed by --help")
            }
            if parts.count == 2 {
                values[key] = parts[1]
            } else if let value = remaining.popFirst() {
                values[key] = value
            } else {
                throw InvalidSetting(key: key, value: "", reason: "\(parts[0]) needs a value")
            }
        }
        return values
    }
}

/// Hears the configuration library's lookups and keeps, for each key, the provider that answered.
final class SettingSources: AccessReporter, Sendable {
    private let found = Mutex<[String: String]>([:])

    var sources: [String: String] { self.found.withLock { $0 } }

    func report(_ event: AccessEvent) {
        let answered = event.providerResults.first { result in
            if case .success(let lookup) = result.result { return lookup.value != nil }
            return false
        }
        guard let answered else { return }
        let source =
            switch answered.providerName {
            case let name where name.contains("[flag]"): "flag"
            case let name where name.contains("[file]"): "file"
            default: "environment"
            }
        self.found.withLock { $0[event.metadata.key.components.joined(separator: ".")] = source }
    }
}
