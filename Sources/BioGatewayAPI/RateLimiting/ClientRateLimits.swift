import BioGatewayCore
import BioGatewayPacing
import BioGatewayRateLimit
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Who a request comes from, and their two budgets. A class: the request context that carries it is copied by
/// every middleware layer, and one reference is cheaper to copy than two strings and the limits' references.
public final class RateLimitedClient: Sendable {
    /// The limiter's key: `key:<name>` or `ip:<address>`. Never the API key itself.
    public let id: String
    /// For logs: the key's name, or the address.
    public let name: String
    /// Every request.
    public let requests: GCRA
    /// Requests that go upstream (cache misses).
    public let upstream: GCRA
    /// The limiter, to charge the upstream budget when a request turns out to be a miss.
    let limits: ClientRateLimits
    /// The latest upstream-budget decision made while answering, for the response headers.
    let upstreamDecision = Mutex<GCRA.Decision?>(nil)

    init(id: String, name: String, requests: GCRA, upstream: GCRA, limits: ClientRateLimits) {
        self.id = id
        self.name = name
        self.requests = requests
        self.upstream = upstream
        self.limits = limits
    }

    /// Spends one request of the upstream budget; returns the refusal, or nil when allowed.
    func admitUpstream() -> GCRA.Decision? {
        let decision = self.limits.limiter.attempt(client: self.id, budget: "upstream", self.upstream, at: self.limits.now())
        self.upstreamDecision.withLock { $0 = decision }
        if !decision.allowed { self.limits.metrics.recordRateLimited(budget: "upstream") }
        return decision.allowed ? nil : decision
    }
}

/// A request's spend from its client's general budget (``ClientRateLimits/spendRequest(of:)``).
struct RequestAdmission: Sendable {
    let client: RateLimitedClient
    /// Whether the request may go on, and what is left.
    let decision: GCRA.Decision
    /// The upstream budget as it stood when the request was admitted.
    let upstreamBefore: GCRA.Decision

    /// Appends `RateLimit-Policy` and `RateLimit` for whichever budget has the smaller share left: the
    /// general one after this request, or the upstream one (after this request's own miss, if it made one).
    func addHeaders(to headers: inout HTTPFields) {
        let upstream = self.client.upstreamDecision.withLock { $0 } ?? self.upstreamBefore
        Self.addHeaders(to: &headers, requests: (self.client.requests, self.decision), upstream: (self.client.upstream, upstream))
    }

    /// Sets the headers for whichever budget has the smaller share left.
    static func addHeaders(to headers: inout HTTPFields, requests: (GCRA, GCRA.Decision), upstream: (GCRA, GCRA.Decision)?) {
        var (name, budget, decision) = ("requests", requests.0, requests.1)
        if let upstream, Double(upstream.1.remaining) / Double(upstream.0.burst) < Double(decision.remaining) / Double(budget.burst) {
            (name, budget, decision) = ("upstream", upstream.0, upstream.1)
        }
        let reset = decision.allowed ? decision.resetAfter : decision.retryAfter
        // appended: only the client limits write them, once per answer (a setter would search every field first)
        headers.append(HTTPField(name: .rateLimitPolicy, value: "\"\(name)\";q=\(budget.limit);w=\(Int(budget.window))"))
        headers.append(HTTPField(name: .rateLimit, value: "\"\(name)\";r=\(decision.remaining);t=\(Int(reset.rounded(.up)))"))
    }
}

/// How many gateways share the client budgets (replicas on one PostgreSQL store), as last counted.
final class BudgetShare: Sendable {
    private let count = Atomic<Int>(1)

    /// At least 1.
    var gateways: Int {
        get { self.count.load(ordering: .relaxed) }
        set { self.count.store(max(1, newValue), ordering: .relaxed) }
    }
}

/// The gateway's client limits: who a request is from (API key, or address, believing `X-Forwarded-For`
/// only from trusted proxies) and their two GCRA budgets.
public struct ClientRateLimits: Sendable {
    /// What SIGHUP may change.
    struct Settings: Sendable {
        var keys: APIKeys
        var trustedProxies: TrustedProxies
        var requireKey: Bool
        var requestsPerMinute: Int
        var upstreamPerMinute: Int
    }

    let limiter: ClientRateLimiter
    let settings: Reloadable<Settings>
    /// When replicas share the budgets: how many gateways there are (each lets a client burst only its share).
    let share: BudgetShare?
    let now: @Sendable () -> Double
    /// Where refusals are counted.
    let metrics: GatewayMetrics

    init(settings: Settings, metrics: GatewayMetrics, clock: GatewayClock, share: BudgetShare? = nil) {
        self.limiter = ClientRateLimiter(recordsUsage: share != nil)
        self.share = share
        self.settings = Reloadable(settings)
        self.metrics = metrics
        self.now = clock.now
    }

    /// Why a request cannot be attributed to a client.
    enum Refusal: Error {
        case missingKey
        case unknownKey
    }

    /// The client a request comes from.
    func identify(_ headers: HTTPFields, peer: String) throws(Refusal) -> RateLimitedClient {
        let settings = self.settings.value
        if let presented = headers[.xAPIKey] ?? Credentials.bearerToken(headers[.authorization]) {
            guard let holder = settings.keys.holder(of: presented) else { throw .unknownKey }
            return self.client(
                id: "key:\(holder.name)",
                name: holder.name,
                requests: holder.rateLimit ?? settings.requestsPerMinute,
                upstream: holder.upstreamRateLimit ?? settings.upstreamPerMinute
            )
        }
        if settings.requireKey { throw .missingKey }
        let address = settings.trustedProxies.client(peer: peer, forwardedFor: headers[values: .xForwardedFor])
        return self.client(id: "ip:\(address)", name: address, requests: settings.requestsPerMinute, upstream: settings.upstreamPerMinute)
    }

    /// Spends one request of the client's general budget, and reads where its upstream budget stands in the
    /// same look (a hit does not change it; a miss's own decision, made while answering, replaces it).
    func spendRequest(of client: RateLimitedClient) -> RequestAdmission {
        let (decision, upstream) = self.limiter.attempt(
            client: client.id,
            budget: "requests",
            client.requests,
            peeking: "upstream",
            client.upstream,
            at: self.now()
        )
        return RequestAdmission(client: client, decision: decision, upstreamBefore: upstream)
    }

    private func client(id: String, name: String, requests: Int, upstream: Int) -> RateLimitedClient {
        // with N gateways sharing the budgets, each lets a burst of 1/N of the budget through before it hears
        // from the others: a client spreading a burst over all of them still gets one budget's burst
        let gateways = self.share?.gateways ?? 1
        return RateLimitedClient(
            id: id,
            name: name,
            requests: GCRA(limit: requests, window: 60, burst: max(1, requests / gateways)),
            upstream: GCRA(limit: upstream, window: 60, burst: max(1, upstream / gateways)),
            limits: self
        )
    }
}

extension ClientRateLimits {
    /// The limits the settings describe; an unusable keys file or proxy list is reported as an invalid setting.
    init(configuration: GatewayConfiguration, metrics: GatewayMetrics, clock: GatewayClock = .system, share: BudgetShare? = nil) throws {
        self.init(settings: try Self.settings(for: configuration), metrics: metrics, clock: clock, share: share)
    }

    /// The reloadable settings a configuration describes (reading the keys file).
    static func settings(for configuration: GatewayConfiguration) throws -> Settings {
        let keys: APIKeys
        do {
            keys = try configuration.clients.keysFile.map { try APIKeys.load(path: $0) } ?? APIKeys()
        } catch {
            throw GatewayConfiguration.InvalidSetting(key: "biogateway.keys.file", value: configuration.clients.keysFile ?? "", reason: "\(error)")
        }
        let proxies: TrustedProxies
        do {
            proxies = try TrustedProxies(parsing: configuration.clients.trustedProxies)
        } catch {
            throw GatewayConfiguration.InvalidSetting(
                key: "biogateway.trusted.proxies",
                value: configuration.clients.trustedProxies,
                reason: "\(error)"
            )
        }
        return Settings(
            keys: keys,
            trustedProxies: proxies,
            requireKey: configuration.clients.requireKey,
            requestsPerMinute: configuration.clients.rateLimit,
            upstreamPerMinute: configuration.clients.upstreamRateLimit
        )
    }
}

extension HTTPField.Name {
    /// The API key header (also accepted: `Authorization: Bearer`).
    static let xAPIKey = HTTPField.Name("X-API-Key")!
    /// The client chain a proxy reports.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
