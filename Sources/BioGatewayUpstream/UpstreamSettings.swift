import BioGatewayQuery
import BioGatewaySettings

/// The upstreams' settings: where they are, how fast and how many at once the gateway calls them, how long
/// it waits, how often it retries, when a breaker opens, and how much of their answers it reads.
///
/// Part of the gateway's configuration; read with `UpstreamSettings(reader:)` like every ``SettingsRegistry``.
public struct UpstreamSettings: SettingsRegistry {
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
    public var queue: Int = 100

    @Setting("upstream.queue.timeout", .integer(1...3_600), help: "Seconds a request may wait for its turn")
    public var queueTimeout: Int = 30

    @Setting("upstream.retries", .integer(0...10), help: "Retries after connection failures, timeouts and 502/503/504")
    public var retries: Int = 2

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
    public var maxPause: Int = 300

    @Setting("upstream.timeout", .integer(1...3_600), help: "Seconds for an upstream answer, body and retries included (from the first attempt)")
    public var timeout: Int = 60

    @Setting(
        "upstream.max.body.bytes",
        .bytes(),
        help: "The largest upstream answer read, in bytes (`K`, `M`, `G` suffixes); a larger one is a 502 and not stored. 1,000 records are a few MB"
    )
    public var maxBodyBytes: Int = 12 << 20

    @Setting(
        "upstream.max.inflight.bytes",
        .bytes(),
        help: "Bytes of upstream answers being read at once, across all fetches (`K`, `M`, `G` suffixes); a fetch past it is a 503 and not stored"
    )
    public var maxInflightBytes: Int = 64 << 20

    @Setting(
        "contact",
        .optional(.contact, unset: "none; set it before calling the real NHM"),
        help:
            "A URL or email of the team running the gateway, sent upstream as `User-Agent: BioGateway/0.2 (+<contact>)`; the NHM blocks generic User-Agents, so `serve` warns at start-up when it calls the real NHM without one"
    )
    public var contact: String? = nil

    public init() {}
}

extension UpstreamSettings {
    /// The pacing, queue and breaker settings of one upstream.
    public func limits(for source: UpstreamSource) -> UpstreamLimits {
        UpstreamLimits(
            maximumRate: source == .nhm ? self.nhmMaxRPS : self.vertnetMaxRPS,
            burst: 2,
            maximumConcurrent: source == .nhm ? self.nhmMaxConcurrent : self.vertnetMaxConcurrent,
            queueLimit: self.queue,
            queueTimeout: Double(self.queueTimeout),
            breakerThreshold: self.breakerThreshold,
            breakerCooldown: Double(self.breakerCooldown),
            maximumPause: Double(self.maxPause)
        )
    }
}

extension UpstreamConfiguration {
    /// The clients' configuration these settings describe: base URLs, deadline, `User-Agent`, body bounds.
    public init(settings: UpstreamSettings) {
        self.init(nhmBaseURL: settings.nhmURL, vertnetBaseURL: settings.vertnetURL, timeout: .seconds(settings.timeout))
        self.userAgent = Self.userAgent(contact: settings.contact)
        self.maximumBodyBytes = settings.maxBodyBytes
        self.bodyBudget = InFlightBodyBudget(maximumBytes: settings.maxInflightBytes)
    }
}

extension SettingFormat where Value == String {
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
