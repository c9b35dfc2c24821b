import BioGatewayPacing
import Foundation
import Synchronization

/// A calendar the test moves by hand: the gateway's dates (freshness, ages) stand still until it does,
/// while pacing and sleeps run in real time (``gatewayClock``).
public final class ManualClock: Sendable {
    private let seconds: Mutex<Double>

    public init(start: Double = 1_800_000_000) { self.seconds = Mutex(start) }

    /// Moves the clock forward.
    public func advance(by interval: TimeInterval) { self.seconds.withLock { $0 += interval } }

    /// The date now, on this calendar.
    public var now: @Sendable () -> Date { { Date(timeIntervalSince1970: self.seconds.withLock { $0 }) } }

    /// The clock to inject: the system's monotonic seconds with this calendar.
    public var gatewayClock: GatewayClock { GatewayClock.system.withDate(self.now) }
}
