import BioGatewayRateLimit
import Synchronization

/// The bound on client connections: in total, and per client address (a proxy the gateway trusts is
/// exempt from the per-address bound, since every client behind it shares its address).
///
/// Each open connection holds a file descriptor; without a bound, a few hundred silent connections can
/// exhaust the process's descriptors and stall everything, `/healthz` included.
public final class ConnectionLimits: Sendable {
    /// Connections open at once, in total.
    public let maximum: Int
    /// Connections open at once from one address.
    public let maximumPerClient: Int
    private let trustedProxies: TrustedProxies
    private let open = Mutex<(total: Int, byClient: [String: Int])>((0, [:]))

    public init(maximum: Int, maximumPerClient: Int, trustedProxies: TrustedProxies) {
        self.maximum = maximum
        self.maximumPerClient = maximumPerClient
        self.trustedProxies = trustedProxies
    }

    /// Connections open now.
    public var openConnections: Int { self.open.withLock { $0.total } }

    /// Admits a new connection from `address`, or says why not; an admitted one must be ``release(_:)``d.
    func admit(_ address: String) -> Refusal? {
        let perClient = self.trustedProxies.contains(address) ? Int.max : self.maximumPerClient
        return self.open.withLock { open in
            if open.total >= self.maximum { return .total }
            if open.byClient[address, default: 0] >= perClient { return .perClient }
            open.total += 1
            open.byClient[address, default: 0] += 1
            return nil
        }
    }

    /// Forgets a connection ``admit(_:)`` let in.
    func release(_ address: String) {
        self.open.withLock { open in
            open.total -= 1
            let left = open.byClient[address, default: 1] - 1
            open.byClient[address] = left > 0 ? left : nil
        }
    }

    /// Why a connection was refused.
    enum Refusal {
        case total
        case perClient
    }
}
