import BioGatewaySettings
import Foundation

/// The cache's settings: where it is kept, how long answers stay fresh and may be served stale, and the
/// bounds on the store and on the memory tiers.
///
/// Part of the gateway's configuration; read with `CacheSettings(reader:)` like every ``SettingsRegistry``.
public struct CacheSettings: SettingsRegistry {
    @Setting("cache.path", .text(), help: "The SQLite cache file (created, with its folder, if missing)")
    public var path: String = "./biogateway-cache.sqlite"

    @Setting(
        "store",
        .optional(.storeLocation, unset: "the SQLite file at cache.path"),
        help:
            "Where the cache is kept: a `postgres://user@host:port/database` URL (PostgreSQL, shared by every gateway given the same URL: replicas), or the path of a SQLite file (one gateway); unset: the SQLite file at `cache.path`. A password in the URL is never shown"
    )
    public var store: String? = nil

    @Setting(
        "store.password",
        .optional(.secret(minimumLength: 1), unset: "from the URL or store.password.file"),
        help: "The PostgreSQL password, kept out of the URL"
    )
    public var storePassword: String? = nil

    @Setting(
        "store.password.file",
        .optional(.readableFile, unset: "none"),
        help: "A file holding the PostgreSQL password (a Kubernetes or Docker secret); its first line is used"
    )
    public var storePasswordFile: String? = nil

    @Setting("cache.ttl", .seconds, help: "Seconds a cached answer is fresh, for both sources unless set per source", reloadable: true)
    public var ttl: Int = 86_400

    @Setting("nhm.ttl", .optional(.seconds, unset: "the cache TTL"), help: "Seconds an NHM answer is fresh", reloadable: true)
    public var nhmTTL: Int? = nil

    @Setting("vertnet.ttl", .optional(.seconds, unset: "the cache TTL"), help: "Seconds a VertNet answer is fresh", reloadable: true)
    public var vertnetTTL: Int? = nil

    @Setting("empty.ttl", .seconds, help: "Seconds an answer with no records is fresh (never longer than its source's TTL)", reloadable: true)
    public var emptyTTL: Int = 300

    @Setting(
        "stale.while.revalidate",
        .seconds,
        help: "Seconds past freshness an entry is still served at once while one background fetch refreshes it",
        reloadable: true
    )
    public var staleWhileRevalidate: Int = 3_600

    @Setting(
        "stale.if.error",
        .seconds,
        help: "Seconds past freshness an entry is served when the upstream fails, times out or rate-limits",
        reloadable: true
    )
    public var staleIfError: Int = 604_800

    @Setting(
        "cache.max.bytes",
        .bytes(),
        help: "Bound on the cache (compressed bodies and their queries), in bytes; `K`, `M`, `G` suffixes (binary) allowed"
    )
    public var maxBytes: Int = 1 << 30

    @Setting(
        "memory.cache.max.bytes",
        .bytes(minimum: 0),
        help:
            "Memory for stored answers ready to send (the memory tier in front of the cache file), least recently used out first; `0` keeps none. A fifth of it keeps the questions of the drop-in GETs answered from it (their cache keys), so that a repeated question is not read again; the answers get the rest. Counted as allocated (buffers, objects, map entries), so the process holds about this much for them"
    )
    public var memoryMaxBytes: Int = 256 << 20

    @Setting(
        "page.cache.max.bytes",
        .bytes(minimum: 0),
        help: "Memory for ready-made `/v1/records` pages, sent again as they are while their upstream answers are fresh; `0` keeps none"
    )
    public var pageMaxBytes: Int = 64 << 20

    public init() {}
}

extension CacheSettings {
    /// The cache policy these settings describe.
    public var policy: CachePolicy {
        CachePolicy(
            nhmTTL: TimeInterval(self.nhmTTL ?? self.ttl),
            vertnetTTL: TimeInterval(self.vertnetTTL ?? self.ttl),
            emptyTTL: TimeInterval(self.emptyTTL),
            staleWhileRevalidate: TimeInterval(self.staleWhileRevalidate),
            staleIfError: TimeInterval(self.staleIfError)
        )
    }
}

extension SettingFormat where Value == String {
    /// Where the cache is kept: a `postgres://` or `postgresql://` URL with a host, or a file path; user
    /// information in a URL is redacted wherever it is shown.
    static var storeLocation: Self {
        Self(
            parse: { text throws(SettingRefusal) in
                guard !text.isEmpty else { throw SettingRefusal("must not be empty") }
                let lowered = text.lowercased()
                guard lowered.hasPrefix("postgres:") || lowered.hasPrefix("postgresql:") else { return text }
                guard let components = URLComponents(string: text),
                    components.host?.isEmpty == false
                        || components.queryItems?.contains(where: { $0.name == "host" }) == true
                else { throw SettingRefusal("must be a postgres://user@host:port/database URL (or a file path)") }
                return text
            },
            show: Redaction.url,
            showText: Redaction.url
        )
    }
}
