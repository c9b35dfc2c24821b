import Configuration
import Foundation

/// One setting of the gateway, declared once, where its value is kept: key, format (type, bounds,
/// secrecy), default and help.
///
/// ```swift
/// @Setting("port", .integer(0...65_535), help: "Port to listen on (0 picks a free port)")
/// public var port: Int = 8080
/// ```
///
/// The key gives everything else: the configuration key `biogateway.port`, the environment variable
/// `BIOGATEWAY_PORT`, the flag `--port` and the file key `port:`. `biogateway config check`, `serve --help`,
/// the documentation table and the SIGHUP reload all read these declarations (see ``SettingsRegistry``).
@propertyWrapper
public struct Setting<Value: Sendable>: Sendable {
    /// The value in force.
    public var wrappedValue: Value
    /// The value before any provider is read.
    public let defaultValue: Value
    /// How the value is read from text and shown.
    public let format: SettingFormat<Value>
    /// The configuration key without the `biogateway.` prefix (`cache.max.bytes`).
    public let name: String
    /// One line for `config check`, `--help` and the documentation.
    public let help: String
    /// Whether a command-line flag sets it (secrets are read from the environment or the file only, so that
    /// they never appear in `ps`).
    public let takesFlag: Bool
    /// Whether SIGHUP applies a new value while requests are in flight.
    public let isReloadable: Bool

    public init(
        wrappedValue: Value,
        _ name: String,
        _ format: SettingFormat<Value>,
        help: String,
        flag: Bool = true,
        reloadable: Bool = false
    ) {
        self.wrappedValue = wrappedValue
        self.defaultValue = wrappedValue
        self.format = format
        self.name = name
        self.help = help
        self.takesFlag = flag && !format.isSecret
        self.isReloadable = reloadable
    }
}

/// What the registry needs of a ``Setting`` whatever its value type.
public protocol AnySetting: Sendable {
    /// `biogateway.cache.max.bytes`.
    var key: String { get }
    /// The help line.
    var help: String { get }
    /// Whether a flag sets it.
    var takesFlag: Bool { get }
    /// Whether SIGHUP applies it.
    var isReloadable: Bool { get }
    /// Whether its value is a secret (never printed, never in errors or logs).
    var isSecret: Bool { get }
    /// The value in force as `config check` prints it, secrets redacted.
    var shownValue: String { get }
    /// The default as the documentation prints it.
    var shownDefault: String { get }
    /// A copy holding the value the providers give, or this one's when none does.
    func reading(_ reader: ConfigReader) throws(InvalidSetting) -> Self
}

extension AnySetting {
    /// `BIOGATEWAY_CACHE_MAX_BYTES`.
    public var environmentVariable: String { self.key.uppercased().replacingOccurrences(of: ".", with: "_") }
    /// `--cache-max-bytes`, or nil when no flag sets it.
    public var flag: String? {
        guard self.takesFlag else { return nil }
        return "--" + self.key.dropFirst("biogateway.".count).replacingOccurrences(of: ".", with: "-")
    }
}

extension Setting: AnySetting {
    public var key: String { "biogateway." + self.name }
    public var isSecret: Bool { self.format.isSecret }
    public var shownValue: String { self.format.show(self.wrappedValue) }
    public var shownDefault: String { self.format.show(self.defaultValue) }

    public func reading(_ reader: ConfigReader) throws(InvalidSetting) -> Self {
        guard let text = reader.string(forKey: ConfigKey(self.key), isSecret: self.isSecret) else { return self }
        var copy = self
        do {
            copy.wrappedValue = try self.format.parse(text)
        } catch {
            throw InvalidSetting(key: self.key, value: self.format.showText(text), reason: error.reason)
        }
        return copy
    }
}

/// A setting with a value that cannot be used, in words naming the key and its variable.
public struct InvalidSetting: Error, CustomStringConvertible {
    public var key: String
    /// The value as given, or `(secret)`.
    public var value: String
    public var reason: String

    public init(key: String, value: String, reason: String) {
        self.key = key
        self.value = value
        self.reason = reason
    }

    public var description: String {
        let environment = self.key.uppercased().replacingOccurrences(of: ".", with: "_")
        return "Invalid value '\(self.value)' for \(self.key) (\(environment)): \(self.reason)"
    }
}

// Only for the synthesized `Decodable` of a struct of settings: ``SettingsAssembler`` hands each setting over
// whole, so this initializer is never reached.
extension Setting: Decodable {
    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "settings are assembled, not decoded"))
    }
}
