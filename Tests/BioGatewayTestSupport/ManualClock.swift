import Foundation
import Synchronization

/// A clock the test moves by hand, injected into the gateway as its `now`.
public final class ManualClock: Sendable {
    private let seconds: Mutex<Double>

    public init(start: Double = 1_800_000_000) { self.seconds = Mutex(start) }

    /// Moves the clock forward.
    public func advance(by interval: TimeInterval) { self.seconds.withLock { $0 += interval } }

    /// The gateway's clock.
    public var now: @Sendable () -> Date { { Date(timeIntervalSince1970: self.seconds.withLock { $0 }) } }
}
