import BioGatewayCache
import BioGatewayRateLimit
import BioGatewaySettings
import BioGatewayUpstream
import Configuration

/// Every setting of `biogateway serve`, as the components that use them declare them: each component's
/// settings are a ``SettingsRegistry`` in its own module (``ServerSettings`` here, `CacheSettings`,
/// `UpstreamSettings`, `ClientLimitSettings`), each setting declared once there with its key (which gives its
/// variable, flag and file key), format, default and help.
///
/// Read with ``GatewayConfiguration/load(flags:environment:file:)``: flags first, then `BIOGATEWAY_*`
/// variables, then the configuration file, then the defaults. The documentation lists the settings in the
/// order of the parts here, then of their declarations.
public struct GatewayConfiguration: Sendable {
    /// Listening, connections, browsers, secrets, web assets, logs.
    public var server = ServerSettings()
    /// The cache: where, how fresh, how big.
    public var cache = CacheSettings()
    /// The upstreams: where, how fast, how patient.
    public var upstream = UpstreamSettings()
    /// Client rate limits and API keys.
    public var clients = ClientLimitSettings()

    /// Every setting at its default.
    public init() {}

    /// Each part reads its own settings from `reader`; a value that is present but unusable is reported.
    public init(reader: ConfigReader) throws(InvalidSetting) {
        self.server = try ServerSettings(reader: reader)
        self.cache = try CacheSettings(reader: reader)
        self.upstream = try UpstreamSettings(reader: reader)
        self.clients = try ClientLimitSettings(reader: reader)
    }

    /// The settings, in documentation order, with the values of this instance.
    public var settings: [any AnySetting] {
        self.server.settings + self.cache.settings + self.upstream.settings + self.clients.settings
    }

    /// The settings, in documentation order, at their defaults.
    public static var settings: [any AnySetting] { Self().settings }

    /// This configuration with the settings `keys` names taken from `other`.
    public func taking(_ keys: Set<String>, from other: Self) -> Self {
        var mixed = self
        mixed.server = self.server.taking(keys, from: other.server)
        mixed.cache = self.cache.taking(keys, from: other.cache)
        mixed.upstream = self.upstream.taking(keys, from: other.upstream)
        mixed.clients = self.clients.taking(keys, from: other.clients)
        return mixed
    }
}
