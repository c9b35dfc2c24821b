import Foundation
import Yams

/// A configuration file (YAML or JSON): the same settings as the `BIOGATEWAY_*` variables, nested or
/// dotted, with or without the `biogateway` prefix, `_` or `.` between words:
///
/// ```yaml
/// port: 8080
/// cache:
///   path: /var/lib/biogateway/cache.sqlite
///   max_bytes: 2G
/// stale_while_revalidate: 3600
/// nhm:
///   ttl: 604800
/// ```
public struct ConfigurationFile: Sendable {
    /// The settings, by configuration key (`biogateway.cache.max.bytes`), as text.
    public let values: [String: String]
    /// Where it was read from.
    public let path: String

    /// A file that cannot be used, in words.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads and checks a file: every key must be a known setting, every value a scalar.
    public static func load(path: String) throws -> ConfigurationFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Invalid(description: "cannot read the configuration file \(path): \(error.localizedDescription)")
        }
        let document: Any?
        do {
            document = try Yams.load(yaml: text)  // YAML 1.1 reads JSON too
        } catch {
            throw Invalid(description: "the configuration file \(path) is not YAML or JSON: \(error)")
        }
        guard let root = document as? [String: Any] else {
            throw Invalid(description: "the configuration file \(path) must be a mapping of settings (e.g. 'port: 8080')")
        }
        var values: [String: String] = [:]
        try Self.flatten(root, prefix: [], into: &values, path: path)
        let known = Set(GatewayConfiguration.settings.map(\.key))
        var normalized: [String: String] = [:]
        for (key, value) in values {
            var name = key.lowercased().replacingOccurrences(of: "_", with: ".").replacingOccurrences(of: "-", with: ".")
            if !name.hasPrefix("biogateway.") { name = "biogateway." + name }
            guard known.contains(name) else {
                throw Invalid(description: "unknown setting '\(key)' in \(path); the settings are listed by 'biogateway config check'")
            }
            normalized[name] = value
        }
        return ConfigurationFile(values: normalized, path: path)
    }

    private static func flatten(_ node: [String: Any], prefix: [String], into values: inout [String: String], path: String) throws {
        for (key, value) in node {
            let name = prefix + [key]
            switch value {
            case let nested as [String: Any]:
                try self.flatten(nested, prefix: name, into: &values, path: path)
            case let text as String:
                values[name.joined(separator: ".")] = text
            case let number as Int:
                values[name.joined(separator: ".")] = String(number)
            case let number as Double:
                values[name.joined(separator: ".")] = String(number)
            case let flag as Bool:
                values[name.joined(separator: ".")] = String(flag)
            default:
                throw Invalid(description: "the setting '\(name.joined(separator: "."))' in \(path) must be a single value")
            }
        }
    }
}
