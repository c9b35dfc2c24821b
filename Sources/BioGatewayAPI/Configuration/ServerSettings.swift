import BioGatewaySettings

/// The HTTP server's settings: where it listens, how many connections it keeps and for how long, who may
/// call it from a browser, the admin and cursor secrets, the web page's assets and the logs.
///
/// Part of ``GatewayConfiguration``; read with `ServerSettings(reader:)` like every ``SettingsRegistry``.
public struct ServerSettings: SettingsRegistry {
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

    @Setting(
        "cors.origins",
        .corsOrigins,
        help:
            "Origins browsers may call the gateway from (notebooks, pages): comma-separated `https://host[:port]`, or `*`; their requests get `Access-Control-Allow-Origin`, their preflights a 204"
    )
    public var corsOrigins: String = ""

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
        "log.level",
        .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]),
        help: "`trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`"
    )
    public var logLevel: String = "info"

    @Setting("log.format", .choice(["text", "json"]), help: "`text`, or `json` for one JSON object per line")
    public var logFormat: String = "text"

    public init() {}
}

extension SettingFormat where Value == String {
    /// `*`, or comma-separated origins (empty: none).
    static var corsOrigins: Self {
        .text(empty: "(none)") { text in
            CORSOrigins(parsing: text) == nil ? "must be *, or comma-separated origins such as https://notebooks.example.org" : nil
        }
    }
}
