import BioGatewaySettings

/// The settings of client rate limiting: the budgets per client, the API keys, whether a key is required and
/// which proxies' `X-Forwarded-For` is believed. All of them apply on SIGHUP.
///
/// Part of the gateway's configuration; read with `ClientLimitSettings(reader:)` like every ``SettingsRegistry``.
public struct ClientLimitSettings: SettingsRegistry {
    @Setting(
        "keys.file",
        .optional(.readableFile, unset: "no keys"),
        help: "JSON or YAML file of API keys (see docs/rate-limits.md)",
        reloadable: true
    )
    public var keysFile: String? = nil

    @Setting("trusted.proxies", .trustedProxies, help: "Comma-separated addresses and CIDRs whose `X-Forwarded-For` is believed", reloadable: true)
    public var trustedProxies: String = ""

    @Setting("require.key", .flag, help: "Refuse requests without an API key (401)", reloadable: true)
    public var requireKey: Bool = false

    @Setting("rate.limit", .integer(1...1_000_000), help: "Requests per minute per client", reloadable: true)
    public var rateLimit: Int = 600

    @Setting("upstream.rate.limit", .integer(1...1_000_000), help: "Cache misses per minute per client", reloadable: true)
    public var upstreamRateLimit: Int = 60

    public init() {}
}

extension SettingFormat where Value == String {
    /// CIDRs whose `X-Forwarded-For` is believed (empty: none).
    static var trustedProxies: Self {
        .text(empty: "(none)") { text in
            do {
                _ = try TrustedProxies(parsing: text)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }
}
