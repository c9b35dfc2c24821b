import BioGatewayCache
import BioGatewayQuery
import BioGatewayRateLimit
import BioGatewayUpstream
import Foundation

/// Every setting of `biogateway serve`, each declared once: its key (which gives its variable, flag and
/// file key), its format, its default and its help, in the order the documentation lists them.
///
/// Read with ``GatewayConfiguration/load(flags:environment:file:)``: flags first, then `BIOGATEWAY_*`
/// variables, then the configuration file, then these defaults.
public struct GatewayConfiguration: SettingsRegistry {
    @Setting("host", .text(), help: "Address to listen on")
    public var host: String = "127.0.0.1"

    @Setting("port", .integer(0...65_535), help: "Port to listen on (0 picks a free one)")
    public var port: Int = 8080

    @Setting(
        "client.idle.timeout",
        .integer(1...3_600),
        help: "Seconds a client connection may stay silent, between requests or part-way through a request's head, before it is closed"
    )
    public var clientIdleTimeout: Int = 30

    @Setting(
        "max.connections",
        .integer(1...1_000_000),
        help: "Client connections open at once; one more gets a 503 and is closed (each holds a file descriptor: see docs/operations.md)"
    )
    public var maxConnections: Int = 1_000

    @Setting(
        "max.connections.per.client",
        .integer(1...1_000_000),
        help: "Client connections open at once from one address (trusted proxies are exempt); one more gets a 503 and is closed"
    )
    public var maxConnectionsPerClient: Int = 64

    @Setting("cache.path", .text(), help: "The SQLite cache file (created, with its folder, if missing)")
    public var cachePath: String = "./biogateway-cache.sqlite"

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

    @Setting("nhm.url", .url, help: "NHM Data Portal base URL; the gateway calls `<url>/api/3/action/datastore_search`")
    public var nhmURL: String = "https://data.nhm.ac.uk"

    @Setting(
        "nhm.deep.paging",
        .flag,
        help:
            "Answer NHM pages by offset past the 10,000-record window by walking the portal's `after` cursor (off: the portal's 409)"
    )
    public var nhmDeepPaging: Bool = true

    @Setting("vertnet.url", .url, help: "VertNet API base URL; the gateway calls `<url>/api/search?q=…`")
    public var vertnetURL: String = "https://api.vertnet-portal.appspot.com"

    @Setting("cache.ttl", .seconds, help: "Seconds a cached answer is fresh, for both sources unless set per source", reloadable: true)
    public var cacheTTL: Int = 86_400

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
    public var cacheMaxBytes: Int = 1 << 30

    @Setting(
        "memory.cache.max.bytes",
        .bytes(minimum: 0),
        help: "Memory for stored answers ready to send (the memory tier in front of the cache file), least recently used out first; `0` keeps none"
    )
    public var memoryCacheMaxBytes: Int = 256 << 20

    @Setting(
        "page.cache.max.bytes",
        .bytes(minimum: 0),
        help: "Memory for ready-made `/v1/records` pages, sent again as they are while their upstream answers are fresh; `0` keeps none"
    )
    public var pageCacheMaxBytes: Int = 64 << 20

    @Setting(
        "web.leaflet.folder",
        .text(),
        help:
            "Folder of Leaflet and Leaflet.markercluster (Debian's `libjs-leaflet`, `libjs-leaflet.markercluster`), served at `/ui/vendor/leaflet/` for the web page's map"
    )
    public var webLeafletFolder: String = "/usr/share/javascript/leaflet"

    @Setting(
        "web.world.outline",
        .text(),
        help:
            "GeoJSON of the world's land the web page's map draws (Natural Earth, public domain; `scripts/install-web-assets.sh` makes it from a PyPI package), served at `/ui/world.geojson`"
    )
    public var webWorldOutline: String = "/usr/share/biogateway/naturalearth-110m.geojson"

    @Setting(
        "admin.token",
        .optional(.secret(minimumLength: 16), unset: "/admin is off"),
        help: "Enables `/admin/cache`, which then needs `Authorization: Bearer <token>`; at least 16 characters"
    )
    public var adminToken: String? = nil

    @Setting(
        "cursor.secret",
        .optional(.secret(minimumLength: 32), unset: "generated, kept in the cache"),
        help:
            "The key that signs `/v1/records` cursors (HMAC-SHA256), at least 32 characters; when unset, a random one is generated once and kept in the cache's store, so cursors survive restarts and replicas on one PostgreSQL store share it; set it to share cursors between gateways that do not share a store"
    )
    public var cursorSecret: String? = nil

    @Setting(
        "keys.file",
        .optional(.readableFile, unset: "no keys"),
        help: "JSON or YAML file of API keys (see docs/rate-limits.md)",
        reloadable: true
    )
    public var keysFile: String? = nil

    @Setting("trusted.proxies", .trustedProxies, help: "Comma-separated addresses and CIDRs whose `X-Forwarded-For` is believed", reloadable: true)
    public var trustedProxies: String = ""

    @Setting(
        "cors.origins",
        .corsOrigins,
        help:
            "Origins browsers may call the gateway from (notebooks, pages): comma-separated `https://host[:port]`, or `*`; their requests get `Access-Control-Allow-Origin`, their preflights a 204"
    )
    public var corsOrigins: String = ""

    @Setting("require.key", .flag, help: "Refuse requests without an API key (401)", reloadable: true)
    public var requireKey: Bool = false

    @Setting("rate.limit", .integer(1...1_000_000), help: "Requests per minute per client", reloadable: true)
    public var rateLimit: Int = 600

    @Setting("upstream.rate.limit", .integer(1...1_000_000), help: "Cache misses per minute per client", reloadable: true)
    public var upstreamRateLimit: Int = 60

    @Setting("nhm.max.rps", .rate, help: "Requests per second sent to NHM (burst 2)")
    public var nhmMaxRPS: Double = 1

    @Setting("vertnet.max.rps", .rate, help: "Requests per second sent to VertNet (burst 2)")
    public var vertnetMaxRPS: Double = 2

    /// One, as the NHM's fair-use terms ask ("wait for each response before sending the next").
    @Setting("nhm.max.concurrent", .integer(1...1_000), help: "Requests in flight to NHM (its fair-use terms ask for one at a time)")
    public var nhmMaxConcurrent: Int = 1

    @Setting("vertnet.max.concurrent", .integer(1...1_000), help: "Requests in flight to VertNet")
    public var vertnetMaxConcurrent: Int = 2

    @Setting("upstream.queue", .integer(0...100_000), help: "Requests that may wait for each upstream")
    public var upstreamQueue: Int = 100

    @Setting("upstream.queue.timeout", .integer(1...3_600), help: "Seconds a request may wait for its turn")
    public var upstreamQueueTimeout: Int = 30

    @Setting("upstream.retries", .integer(0...10), help: "Retries after connection failures, timeouts and 502/503/504")
    public var upstreamRetries: Int = 2

    @Setting("breaker.threshold", .integer(1...1_000), help: "Failures in a row that open an upstream's circuit breaker")
    public var breakerThreshold: Int = 5

    @Setting("breaker.cooldown", .integer(1...86_400), help: "Seconds an open breaker waits before letting one probe through")
    public var breakerCooldown: Int = 30

    @Setting(
        "upstream.max.pause",
        .integer(1...86_400),
        help:
            "The longest pause an upstream's `429` `Retry-After` (seconds or an HTTP date) is honoured for; longer ones are cut to this, logged, and told to clients as this"
    )
    public var upstreamMaxPause: Int = 300

    @Setting("upstream.timeout", .integer(1...3_600), help: "Seconds for an upstream answer, body and retries included (from the first attempt)")
    public var upstreamTimeout: Int = 60

    @Setting(
        "upstream.max.body.bytes",
        .bytes(),
        help: "The largest upstream answer read, in bytes (`K`, `M`, `G` suffixes); a larger one is a 502 and not stored. 1,000 records are a few MB"
    )
    public var upstreamMaxBodyBytes: Int = 12 << 20

    @Setting(
        "upstream.max.inflight.bytes",
        .bytes(),
        help: "Bytes of upstream answers being read at once, across all fetches (`K`, `M`, `G` suffixes); a fetch past it is a 503 and not stored"
    )
    public var upstreamMaxInflightBytes: Int = 64 << 20

    @Setting(
        "contact",
        .optional(.contact, unset: "none; set it before calling the real NHM"),
        help:
            "A URL or email of the team running the gateway, sent upstream as `User-Agent: BioGateway/0.2 (+<contact>)`; the NHM blocks generic User-Agents, so `serve` warns at start-up when it calls the real NHM without one"
    )
    public var contact: String? = nil

    @Setting(
        "log.level",
        .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]),
        help: "`trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`"
    )
    public var logLevel: String = "info"

    @Setting("log.format", .choice(["text", "json"]), help: "`text`, or `json` for one JSON object per line")
    public var logFormat: String = "text"

    public init() {}
}

extension GatewayConfiguration {
    /// The pacing, queue and breaker settings of one upstream.
    public func upstreamLimits(for source: UpstreamSource) -> UpstreamLimits {
        UpstreamLimits(
            maximumRate: source == .nhm ? self.nhmMaxRPS : self.vertnetMaxRPS,
            burst: 2,
            maximumConcurrent: source == .nhm ? self.nhmMaxConcurrent : self.vertnetMaxConcurrent,
            queueLimit: self.upstreamQueue,
            queueTimeout: Double(self.upstreamQueueTimeout),
            breakerThreshold: self.breakerThreshold,
            breakerCooldown: Double(self.breakerCooldown),
            maximumPause: Double(self.upstreamMaxPause)
        )
    }

    /// The cache policy these settings describe.
    public var cachePolicy: CachePolicy {
        CachePolicy(
            nhmTTL: TimeInterval(self.nhmTTL ?? self.cacheTTL),
            vertnetTTL: TimeInterval(self.vertnetTTL ?? self.cacheTTL),
            emptyTTL: TimeInterval(self.emptyTTL),
            staleWhileRevalidate: TimeInterval(self.staleWhileRevalidate),
            staleIfError: TimeInterval(self.staleIfError)
        )
    }
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

    /// `*`, or comma-separated origins (empty: none).
    static var corsOrigins: Self {
        .text(empty: "(none)") { text in
            CORSOrigins(parsing: text) == nil ? "must be *, or comma-separated origins such as https://notebooks.example.org" : nil
        }
    }

    /// An http(s) URL or an email address that fits in a `User-Agent` comment.
    static var contact: Self {
        .text { contact in
            let isURL = (contact.hasPrefix("https://") || contact.hasPrefix("http://")) && contact.count > 8
            let isEmail = contact.split(separator: "@").count == 2 && !contact.hasPrefix("@") && !contact.hasSuffix("@")
            let fits = contact.count <= 200 && contact.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F } && !contact.contains(")")
            return (isURL || isEmail) && fits ? nil : "must be an http(s) URL or an email address"
        }
    }
}
