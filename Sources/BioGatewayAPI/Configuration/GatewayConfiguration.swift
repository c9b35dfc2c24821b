import BioGatewayCache
import BioGatewayQuery
import BioGatewayRateLimit
import BioGatewayUpstream
import Configuration
import Foundation

/// Every setting of `biogateway serve`, with its default.
///
/// Read from a `ConfigReader` whose providers the executable orders flags first, then environment
/// variables (`biogateway.cache.path` ↔ `BIOGATEWAY_CACHE_PATH`), then defaults.
public struct GatewayConfiguration: Sendable {
    /// Address to listen on.
    public var host: String = "127.0.0.1"
    /// Port to listen on (0 picks a free port).
    public var port: Int = 8080
    /// The SQLite cache file.
    public var cachePath: String = "./biogateway-cache.sqlite"
    /// The NHM Data Portal base URL.
    public var nhmURL: String = "https://data.nhm.ac.uk"
    /// The VertNet API base URL.
    public var vertnetURL: String = "https://api.vertnet-portal.appspot.com"
    /// Seconds a cached answer is fresh, for both sources unless set per source.
    public var cacheTTL: Int = 86_400
    /// Seconds an NHM answer is fresh (default: ``cacheTTL``).
    public var nhmTTL: Int?
    /// Seconds a VertNet answer is fresh (default: ``cacheTTL``).
    public var vertnetTTL: Int?
    /// Seconds an answer with no records is fresh.
    public var emptyTTL: Int = 300
    /// Seconds past freshness an entry is served while one background fetch refreshes it.
    public var staleWhileRevalidate: Int = 3_600
    /// Seconds past freshness an entry is served when the upstream fails.
    public var staleIfError: Int = 604_800
    /// The bound on the cache's size in bytes (stored bodies, compressed, and their queries).
    public var cacheMaxBytes: Int = 1 << 30
    /// Bound on the memory kept for ready-made `/v1/records` pages (0: none are kept).
    public var pageCacheMaxBytes: Int = 64 << 20
    /// Enables `/admin/cache` behind `Authorization: Bearer <token>` when set.
    public var adminToken: String?
    /// The key that signs `/v1/records` cursors; when unset, one is generated and kept in the cache database.
    public var cursorSecret: String?
    /// A JSON or YAML file of API keys (name and optional limits per key).
    public var keysFile: String?
    /// Comma-separated CIDRs whose `X-Forwarded-For` is believed.
    public var trustedProxies: String = ""
    /// Origins allowed cross-origin access from browsers: comma-separated `https://host[:port]`, or `*`.
    public var corsOrigins: String = ""
    /// Whether every request must carry an API key.
    public var requireKey: Bool = false
    /// Requests per minute per client.
    public var rateLimit: Int = 600
    /// Requests per minute per client that go upstream (cache misses).
    public var upstreamRateLimit: Int = 60
    /// Requests per second sent to NHM.
    public var nhmMaxRPS: Double = 1
    /// Requests per second sent to VertNet.
    public var vertnetMaxRPS: Double = 2
    /// Requests in flight to NHM at once: one, as the NHM's fair-use terms ask ("wait for each response
    /// before sending the next").
    public var nhmMaxConcurrent: Int = 1
    /// Requests in flight to VertNet at once.
    public var vertnetMaxConcurrent: Int = 2
    /// Requests that may wait for an upstream, per upstream.
    public var upstreamQueue: Int = 100
    /// Seconds a request may wait for an upstream.
    public var upstreamQueueTimeout: Int = 30
    /// Further attempts after a connection failure, timeout or 502/503/504.
    public var upstreamRetries: Int = 2
    /// Consecutive failures that open an upstream's circuit breaker.
    public var breakerThreshold: Int = 5
    /// Seconds an open breaker waits before letting one probe through.
    public var breakerCooldown: Int = 30
    /// The longest pause an upstream's `Retry-After` is honoured for, in seconds.
    public var upstreamMaxPause: Int = 300
    /// Seconds the gateway waits for one upstream answer.
    public var upstreamTimeout: Int = 60
    /// A URL or email for the upstreams to reach the team running the gateway, sent in the `User-Agent`.
    public var contact: String?
    /// `trace` … `critical`.
    public var logLevel: String = "info"
    /// `text` or `json`.
    public var logFormat: String = "text"

    public init() {}

    /// One setting: its configuration key, its environment variable, its flag and its meaning.
    public struct Setting: Sendable {
        public var key: String
        public var flag: String
        public var meaning: String
        /// The environment variable that sets it.
        public var environmentVariable: String {
            self.key.uppercased().replacingOccurrences(of: ".", with: "_")
        }
    }

    /// The settings, in the order README documents them.
    public static let settings: [Setting] = [
        Setting(key: "biogateway.host", flag: "--host", meaning: "Address to listen on"),
        Setting(key: "biogateway.port", flag: "--port", meaning: "Port to listen on"),
        Setting(key: "biogateway.cache.path", flag: "--cache-path", meaning: "SQLite cache file"),
        Setting(key: "biogateway.nhm.url", flag: "--nhm-url", meaning: "NHM Data Portal base URL"),
        Setting(key: "biogateway.vertnet.url", flag: "--vertnet-url", meaning: "VertNet API base URL"),
        Setting(key: "biogateway.cache.ttl", flag: "--cache-ttl", meaning: "Seconds a cached answer is fresh (both sources)"),
        Setting(key: "biogateway.nhm.ttl", flag: "--nhm-ttl", meaning: "Seconds an NHM answer is fresh"),
        Setting(key: "biogateway.vertnet.ttl", flag: "--vertnet-ttl", meaning: "Seconds a VertNet answer is fresh"),
        Setting(key: "biogateway.empty.ttl", flag: "--empty-ttl", meaning: "Seconds an answer with no records is fresh"),
        Setting(
            key: "biogateway.stale.while.revalidate",
            flag: "--stale-while-revalidate",
            meaning: "Seconds past freshness an entry is served while refreshed in the background"
        ),
        Setting(
            key: "biogateway.stale.if.error",
            flag: "--stale-if-error",
            meaning: "Seconds past freshness an entry is served when the upstream fails"
        ),
        Setting(key: "biogateway.cache.max.bytes", flag: "--cache-max-bytes", meaning: "Bound on the cache size (bytes; K, M, G suffixes)"),
        Setting(
            key: "biogateway.page.cache.max.bytes",
            flag: "--page-cache-max-bytes",
            meaning: "Memory kept for ready-made /v1/records pages (bytes; K, M, G suffixes; 0 keeps none)"
        ),
        Setting(key: "biogateway.admin.token", flag: "", meaning: "Bearer token enabling /admin/cache (environment only)"),
        Setting(
            key: "biogateway.cursor.secret",
            flag: "",
            meaning: "Key signing /v1/records cursors (environment only; generated and kept in the cache when unset)"
        ),
        Setting(key: "biogateway.keys.file", flag: "--keys-file", meaning: "JSON or YAML file of API keys"),
        Setting(key: "biogateway.trusted.proxies", flag: "--trusted-proxies", meaning: "CIDRs whose X-Forwarded-For is believed"),
        Setting(
            key: "biogateway.cors.origins",
            flag: "--cors-origins",
            meaning: "Origins browsers may call from (comma-separated https://host[:port], or *)"
        ),
        Setting(key: "biogateway.require.key", flag: "--require-key", meaning: "Refuse requests without an API key"),
        Setting(key: "biogateway.rate.limit", flag: "--rate-limit", meaning: "Requests per minute per client"),
        Setting(key: "biogateway.upstream.rate.limit", flag: "--upstream-rate-limit", meaning: "Cache misses per minute per client"),
        Setting(key: "biogateway.nhm.max.rps", flag: "--nhm-max-rps", meaning: "Requests per second sent to NHM"),
        Setting(key: "biogateway.vertnet.max.rps", flag: "--vertnet-max-rps", meaning: "Requests per second sent to VertNet"),
        Setting(key: "biogateway.nhm.max.concurrent", flag: "--nhm-max-concurrent", meaning: "Requests in flight to NHM"),
        Setting(key: "biogateway.vertnet.max.concurrent", flag: "--vertnet-max-concurrent", meaning: "Requests in flight to VertNet"),
        Setting(key: "biogateway.upstream.queue", flag: "--upstream-queue", meaning: "Requests that may wait per upstream"),
        Setting(key: "biogateway.upstream.queue.timeout", flag: "--upstream-queue-timeout", meaning: "Seconds a request may wait for an upstream"),
        Setting(key: "biogateway.upstream.retries", flag: "--upstream-retries", meaning: "Retries after connection failures, timeouts, 502/503/504"),
        Setting(key: "biogateway.breaker.threshold", flag: "--breaker-threshold", meaning: "Consecutive failures that open a breaker"),
        Setting(key: "biogateway.breaker.cooldown", flag: "--breaker-cooldown", meaning: "Seconds a breaker stays open"),
        Setting(
            key: "biogateway.upstream.max.pause",
            flag: "--upstream-max-pause",
            meaning: "Longest pause an upstream's Retry-After is honoured for (seconds)"
        ),
        Setting(key: "biogateway.log.level", flag: "", meaning: "trace, debug, info, notice, warning, error or critical"),
        Setting(key: "biogateway.log.format", flag: "", meaning: "text or json"),
        Setting(key: "biogateway.upstream.timeout", flag: "--upstream-timeout", meaning: "Seconds to wait for an upstream"),
        Setting(
            key: "biogateway.contact",
            flag: "--contact",
            meaning: "URL or email of the team running the gateway, sent upstream in the User-Agent"
        ),
    ]

    /// A setting with a value that cannot be used.
    public struct InvalidSetting: Error, CustomStringConvertible {
        public var key: String
        public var value: String
        public var reason: String
        public var description: String {
            let environment = self.key.uppercased().replacingOccurrences(of: ".", with: "_")
            return "Invalid value '\(self.value)' for \(self.key) (\(environment)): \(self.reason)"
        }
    }

    /// Reads the settings in order of precedence: flags (by configuration key, e.g. `biogateway.port`),
    /// then environment variables (`BIOGATEWAY_PORT`), then a configuration file, then the defaults.
    public static func load(
        flags: [String: String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        file: ConfigurationFile? = nil
    ) throws -> GatewayConfiguration {
        try GatewayConfiguration(reader: Self.reader(flags: flags, environment: environment, file: file))
    }

    /// The providers in order of precedence.
    public static func reader(flags: [String: String], environment: [String: String], file: ConfigurationFile?) -> ConfigReader {
        func provider(_ name: String, _ pairs: [String: String]) -> InMemoryProvider {
            var values: [AbsoluteConfigKey: ConfigValue] = [:]
            for (key, value) in pairs {
                values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = .init(
                    .string(value),
                    isSecret: key == "biogateway.admin.token" || key == "biogateway.cursor.secret"
                )
            }
            return InMemoryProvider(name: name, values: values)
        }
        return ConfigReader(providers: [
            provider("flags", flags),
            EnvironmentVariablesProvider(
                environmentVariables: environment,
                secretsSpecifier: .specific(["BIOGATEWAY_ADMIN_TOKEN", "BIOGATEWAY_CURSOR_SECRET"])
            ),
            provider("file", file?.values ?? [:]),
        ])
    }

    /// Where each setting's value comes from: `flag`, `environment`, `file` or `default`.
    public static func sources(
        flags: [String: String],
        environment: [String: String],
        file: ConfigurationFile?
    ) -> [String: String] {
        var sources: [String: String] = [:]
        for setting in Self.settings {
            if flags[setting.key] != nil {
                sources[setting.key] = "flag"
            } else if environment[setting.environmentVariable] != nil {
                sources[setting.key] = "environment"
            } else if file?.values[setting.key] != nil {
                sources[setting.key] = "file"
            } else {
                sources[setting.key] = "default"
            }
        }
        return sources
    }

    /// `BIOGATEWAY_*` variables that name no setting (typos, or settings of another version).
    public static func unknownVariables(in environment: [String: String]) -> [String] {
        let known = Set(Self.settings.map(\.environmentVariable) + ["BIOGATEWAY_CONFIG"])
        return environment.keys.filter { $0.hasPrefix("BIOGATEWAY_") && !known.contains($0) }.sorted()
    }

    /// The effective value of every setting as text, secrets redacted.
    public var effectiveValues: [(setting: Setting, value: String)] {
        let values: [String: String] = [
            "biogateway.host": self.host, "biogateway.port": String(self.port), "biogateway.cache.path": self.cachePath,
            "biogateway.nhm.url": UpstreamConfiguration.redacted(self.nhmURL),
            "biogateway.vertnet.url": UpstreamConfiguration.redacted(self.vertnetURL),
            "biogateway.cache.ttl": String(self.cacheTTL), "biogateway.nhm.ttl": String(self.nhmTTL ?? self.cacheTTL),
            "biogateway.vertnet.ttl": String(self.vertnetTTL ?? self.cacheTTL), "biogateway.empty.ttl": String(self.emptyTTL),
            "biogateway.stale.while.revalidate": String(self.staleWhileRevalidate),
            "biogateway.stale.if.error": String(self.staleIfError), "biogateway.cache.max.bytes": String(self.cacheMaxBytes),
            "biogateway.page.cache.max.bytes": String(self.pageCacheMaxBytes),
            "biogateway.admin.token": self.adminToken == nil ? "(unset)" : "(secret, set)",
            "biogateway.cursor.secret": self.cursorSecret == nil ? "(unset: generated, kept in the cache)" : "(secret, set)",
            "biogateway.keys.file": self.keysFile ?? "(unset)",
            "biogateway.trusted.proxies": self.trustedProxies.isEmpty ? "(none)" : self.trustedProxies,
            "biogateway.cors.origins": self.corsOrigins.isEmpty ? "(none)" : self.corsOrigins,
            "biogateway.require.key": String(self.requireKey), "biogateway.rate.limit": String(self.rateLimit),
            "biogateway.upstream.rate.limit": String(self.upstreamRateLimit), "biogateway.nhm.max.rps": String(self.nhmMaxRPS),
            "biogateway.vertnet.max.rps": String(self.vertnetMaxRPS),
            "biogateway.nhm.max.concurrent": String(self.nhmMaxConcurrent),
            "biogateway.vertnet.max.concurrent": String(self.vertnetMaxConcurrent),
            "biogateway.upstream.queue": String(self.upstreamQueue),
            "biogateway.upstream.queue.timeout": String(self.upstreamQueueTimeout),
            "biogateway.upstream.retries": String(self.upstreamRetries),
            "biogateway.breaker.threshold": String(self.breakerThreshold),
            "biogateway.breaker.cooldown": String(self.breakerCooldown),
            "biogateway.upstream.max.pause": String(self.upstreamMaxPause),
            "biogateway.upstream.timeout": String(self.upstreamTimeout),
            "biogateway.log.level": self.logLevel, "biogateway.log.format": self.logFormat,
            "biogateway.contact": self.contact ?? "(unset)",
        ]
        return Self.settings.map { ($0, values[$0.key] ?? "") }
    }

    /// Reads every setting; values that are present but unusable are reported, not ignored.
    public init(reader: ConfigReader) throws {
        self.init()
        if let host = reader.string(forKey: "biogateway.host") {
            guard !host.isEmpty else { throw InvalidSetting(key: "biogateway.host", value: host, reason: "must not be empty") }
            self.host = host
        }
        self.port = try Self.integer(reader, "biogateway.port", default: self.port, range: 0...65_535)
        if let path = reader.string(forKey: "biogateway.cache.path") {
            guard !path.isEmpty else { throw InvalidSetting(key: "biogateway.cache.path", value: path, reason: "must not be empty") }
            self.cachePath = path
        }
        self.nhmURL = try Self.url(reader, "biogateway.nhm.url", default: self.nhmURL)
        self.vertnetURL = try Self.url(reader, "biogateway.vertnet.url", default: self.vertnetURL)
        let seconds = 0...Int(Int32.max)
        self.cacheTTL = try Self.integer(reader, "biogateway.cache.ttl", default: self.cacheTTL, range: seconds)
        self.nhmTTL = try Self.optionalInteger(reader, "biogateway.nhm.ttl", range: seconds)
        self.vertnetTTL = try Self.optionalInteger(reader, "biogateway.vertnet.ttl", range: seconds)
        self.emptyTTL = try Self.integer(reader, "biogateway.empty.ttl", default: self.emptyTTL, range: seconds)
        self.staleWhileRevalidate = try Self.integer(
            reader,
            "biogateway.stale.while.revalidate",
            default: self.staleWhileRevalidate,
            range: seconds
        )
        self.staleIfError = try Self.integer(reader, "biogateway.stale.if.error", default: self.staleIfError, range: seconds)
        self.cacheMaxBytes = try Self.byteSize(reader, "biogateway.cache.max.bytes", default: self.cacheMaxBytes)
        self.pageCacheMaxBytes = try Self.byteSize(reader, "biogateway.page.cache.max.bytes", default: self.pageCacheMaxBytes, minimum: 0)
        if let path = reader.string(forKey: "biogateway.keys.file"), !path.isEmpty {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw InvalidSetting(key: "biogateway.keys.file", value: path, reason: "no readable file there")
            }
            self.keysFile = path
        }
        if let proxies = reader.string(forKey: "biogateway.trusted.proxies") {
            do {
                _ = try TrustedProxies(parsing: proxies)
            } catch {
                throw InvalidSetting(key: "biogateway.trusted.proxies", value: proxies, reason: "\(error)")
            }
            self.trustedProxies = proxies
        }
        if let origins = reader.string(forKey: "biogateway.cors.origins") {
            guard CORSOrigins(parsing: origins) != nil else {
                throw InvalidSetting(
                    key: "biogateway.cors.origins",
                    value: origins,
                    reason: "must be *, or comma-separated origins such as https://notebooks.example.org"
                )
            }
            self.corsOrigins = origins
        }
        if let text = reader.string(forKey: "biogateway.require.key") {
            switch text.lowercased().trimmingCharacters(in: .whitespaces) {
            case "true", "1", "yes", "on": self.requireKey = true
            case "false", "0", "no", "off", "": self.requireKey = false
            default: throw InvalidSetting(key: "biogateway.require.key", value: text, reason: "must be true or false")
            }
        }
        let perMinute = 1...1_000_000
        self.rateLimit = try Self.integer(reader, "biogateway.rate.limit", default: self.rateLimit, range: perMinute)
        self.upstreamRateLimit = try Self.integer(reader, "biogateway.upstream.rate.limit", default: self.upstreamRateLimit, range: perMinute)
        self.nhmMaxRPS = try Self.rate(reader, "biogateway.nhm.max.rps", default: self.nhmMaxRPS)
        self.vertnetMaxRPS = try Self.rate(reader, "biogateway.vertnet.max.rps", default: self.vertnetMaxRPS)
        self.nhmMaxConcurrent = try Self.integer(reader, "biogateway.nhm.max.concurrent", default: self.nhmMaxConcurrent, range: 1...1_000)
        self.vertnetMaxConcurrent = try Self.integer(
            reader,
            "biogateway.vertnet.max.concurrent",
            default: self.vertnetMaxConcurrent,
            range: 1...1_000
        )
        self.upstreamQueue = try Self.integer(reader, "biogateway.upstream.queue", default: self.upstreamQueue, range: 0...100_000)
        self.upstreamQueueTimeout = try Self.integer(
            reader,
            "biogateway.upstream.queue.timeout",
            default: self.upstreamQueueTimeout,
            range: 1...3_600
        )
        self.upstreamRetries = try Self.integer(reader, "biogateway.upstream.retries", default: self.upstreamRetries, range: 0...10)
        self.breakerThreshold = try Self.integer(reader, "biogateway.breaker.threshold", default: self.breakerThreshold, range: 1...1_000)
        self.breakerCooldown = try Self.integer(reader, "biogateway.breaker.cooldown", default: self.breakerCooldown, range: 1...86_400)
        self.upstreamMaxPause = try Self.integer(reader, "biogateway.upstream.max.pause", default: self.upstreamMaxPause, range: 1...86_400)
        if let contact = reader.string(forKey: "biogateway.contact"), !contact.isEmpty {
            let isURL = (contact.hasPrefix("https://") || contact.hasPrefix("http://")) && contact.count > 8
            let isEmail = contact.split(separator: "@").count == 2 && !contact.hasPrefix("@") && !contact.hasSuffix("@")
            guard isURL || isEmail, contact.count <= 200, contact.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
                !contact.contains(")")
            else {
                throw InvalidSetting(key: "biogateway.contact", value: contact, reason: "must be an http(s) URL or an email address")
            }
            self.contact = contact
        }
        if let level = reader.string(forKey: "biogateway.log.level") {
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(level.lowercased()) else {
                throw InvalidSetting(key: "biogateway.log.level", value: level, reason: "must be one of \(levels.joined(separator: ", "))")
            }
            self.logLevel = level.lowercased()
        }
        if let format = reader.string(forKey: "biogateway.log.format") {
            guard ["text", "json"].contains(format.lowercased()) else {
                throw InvalidSetting(key: "biogateway.log.format", value: format, reason: "must be text or json")
            }
            self.logFormat = format.lowercased()
        }
        if let token = reader.string(forKey: "biogateway.admin.token", isSecret: true) {
            guard token.count >= 16 else {
                throw InvalidSetting(key: "biogateway.admin.token", value: "(secret)", reason: "must be at least 16 characters")
            }
            self.adminToken = token
        }
        if let secret = reader.string(forKey: "biogateway.cursor.secret", isSecret: true) {
            guard secret.utf8.count >= 32 else {
                throw InvalidSetting(key: "biogateway.cursor.secret", value: "(secret)", reason: "must be at least 32 characters")
            }
            self.cursorSecret = secret
        }
        self.upstreamTimeout = try Self.integer(reader, "biogateway.upstream.timeout", default: self.upstreamTimeout, range: 1...3_600)
    }

    static func integer(_ reader: ConfigReader, _ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw InvalidSetting(key: key, value: text, reason: "must be a whole number")
        }
        guard range.contains(number) else {
            throw InvalidSetting(key: key, value: text, reason: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    static func optionalInteger(_ reader: ConfigReader, _ key: String, range: ClosedRange<Int>) throws -> Int? {
        guard reader.string(forKey: ConfigKey(key)) != nil else { return nil }
        return try self.integer(reader, key, default: 0, range: range)
    }

    /// A size in bytes: a whole number, optionally with a binary suffix (`512M`, `1GiB`, `64k`).
    static func byteSize(_ reader: ConfigReader, _ key: String, default value: Int, minimum: Int = 1) throws -> Int {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return value }
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let multipliers: [(String, Int)] = [("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30)]
        var digits = trimmed
        var multiplier = 1
        for (suffix, factor) in multipliers where trimmed.hasSuffix(suffix) {
            digits = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            multiplier = factor
            break
        }
        guard let number = Int(digits), number >= minimum, number <= Int(Int64.max) / multiplier / 2 else {
            throw InvalidSetting(
                key: key,
                value: text,
                reason: "must be a \(minimum == 0 ? "" : "positive ")number of bytes, optionally with K, M or G (e.g. 1073741824 or 1G)"
            )
        }
        return number * multiplier
    }

    static func rate(_ reader: ConfigReader, _ key: String, default value: Double) throws -> Double {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return value }
        guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number > 0, number <= 10_000 else {
            throw InvalidSetting(key: key, value: text, reason: "must be a number of requests per second above 0 (e.g. 1 or 0.5)")
        }
        return number
    }

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

    static func url(_ reader: ConfigReader, _ key: String, default value: String) throws -> String {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return value }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw InvalidSetting(key: key, value: UpstreamConfiguration.redacted(text), reason: "must be an http:// or https:// URL")
        }
        return text
    }
}
