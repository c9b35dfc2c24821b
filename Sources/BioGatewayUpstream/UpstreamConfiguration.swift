import BioGatewayQuery

/// Where the upstreams are and how long the gateway waits for them.
public struct UpstreamConfiguration: Sendable {
    /// The Data Portal's base URL; the gateway calls `<url>/api/3/action/datastore_search`.
    public var nhmBaseURL: String = "https://data.nhm.ac.uk"
    /// VertNet's base URL; the gateway calls `<url>/api/search?q=…`.
    public var vertnetBaseURL: String = "https://api.vertnet-portal.appspot.com"
    /// Overall deadline for one upstream request, body included.
    public var timeout: Duration = .seconds(60)
    /// Bodies larger than this are refused: the largest answers the upstreams give, 1,000 records, are a
    /// few MB (about 1 MB for VertNet's 400-record recorded answer, 4 MB for the NHM's old record shape).
    public var maximumBodyBytes: Int = 12 * 1024 * 1024
    /// The bound on body bytes being read from the upstreams at once, across all fetches.
    public var bodyBudget = InFlightBodyBudget(maximumBytes: 64 * 1024 * 1024)
    /// The `User-Agent` sent upstream, so the museums can see who is calling (see ``userAgent(contact:)``).
    public var userAgent: String = Self.userAgent(contact: nil)

    /// The gateway's version, as it introduces itself upstream.
    public static let version = "0.2"

    /// `BioGateway/<version> (+<contact>)`: the NHM's fair-use terms ask for a descriptive `User-Agent` and
    /// block generic ones; the contact (a URL or an email of the team running the gateway) says who to ask.
    public static func userAgent(contact: String?) -> String {
        "BioGateway/\(Self.version) (+\(contact ?? "https://github.com/biogateway"))"
    }

    public init() {}

    public init(nhmBaseURL: String, vertnetBaseURL: String, timeout: Duration = .seconds(60)) {
        self.nhmBaseURL = nhmBaseURL
        self.vertnetBaseURL = vertnetBaseURL
        self.timeout = timeout
    }

    /// The base URL of one upstream, without a trailing slash.
    public func baseURL(for source: UpstreamSource) -> String {
        let url =
            switch source {
            case .nhm: self.nhmBaseURL
            case .vertnet: self.vertnetBaseURL
            }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
