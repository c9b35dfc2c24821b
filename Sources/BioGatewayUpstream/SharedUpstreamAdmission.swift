import BioGatewayQuery

/// Admission to an upstream shared by every gateway of a cluster (replicas sharing one PostgreSQL store):
/// the upstream's pace and concurrency then hold for the cluster, not for each gateway. A gateway's own
/// ``UpstreamGate`` still comes first (its queue, pause and breaker); this is the cluster's turn after it.
public protocol SharedUpstreamAdmission: Sendable {
    /// Waits until this gateway may send one request to `source` under the cluster's `limits`, waiting at
    /// most `waitingAtMost` seconds for a free slot (then throws ``SharedAdmissionTimeout``). The slot is
    /// held until ``release(_:pauseFor:)``, or at most `holdingAtMost` seconds (a gateway killed mid-request
    /// loses it then).
    func admit(
        _ source: UpstreamSource,
        limits: UpstreamLimits,
        waitingAtMost: Double,
        holdingAtMost: Double
    ) async throws
        -> SharedAdmissionTicket

    /// The request is done. `pause`, when the upstream asked for one (429 with Retry-After), holds every
    /// gateway back that long.
    func release(_ ticket: SharedAdmissionTicket, pauseFor pause: Double?) async
}

/// One admitted request: the cluster slot it holds (nil when admitted by this gateway alone, the shared
/// state being unreachable).
public struct SharedAdmissionTicket: Sendable, Hashable {
    public var source: UpstreamSource
    public var slot: Int?

    public init(source: UpstreamSource, slot: Int?) {
        self.source = source
        self.slot = slot
    }
}

/// The cluster's turn did not come in time.
public struct SharedAdmissionTimeout: Error, Sendable {
    public var source: UpstreamSource
    public init(source: UpstreamSource) { self.source = source }
}
