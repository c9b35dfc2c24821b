import BioGatewayCore
import HTTPTypes
import Hummingbird
import NIOCore

/// The gateway's request context.
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address (a proxy's, when behind one).
    public let remoteAddress: SocketAddress?
    /// The client, once the rate limiter has identified it.
    public var client: RateLimitedClient?
    /// What inner middleware tells the request log.
    let facts = RequestFacts()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// NHM POST bodies are small JSON objects; anything larger is refused with 413.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// Asked before a request makes its own upstream fetch: charges the client's upstream budget, and
    /// returns the 429 problem when it is spent.
    var upstreamAdmission: @Sendable () -> UpstreamRefusal? {
        let client = self.client
        return {
            guard let client, let refusal = client.admitUpstream() else { return nil }
            return UpstreamRefusal(limit: client.upstream.limit, window: client.upstream.window, retryAfter: refusal.retryAfter)
        }
    }
}
