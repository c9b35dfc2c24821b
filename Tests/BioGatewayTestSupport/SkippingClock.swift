import BioGatewayRateLimit
import Synchronization

/// A monotonic clock that runs at the system's pace and that a test can move forward at once, injected into
/// the gateway's upstream gates: pacing and queues keep working in real time, while a cooldown or a pause
/// ends when the test says so rather than after a sleep.
public final class SkippingClock: Sendable {
    private let skipped = Mutex<Double>(0)

    public init() {}

    /// Moves the clock forward by `interval` seconds.
    public func advance(by interval: Double) { self.skipped.withLock { $0 += interval } }

    /// Seconds: the system's monotonic clock plus everything skipped so far.
    public var seconds: @Sendable () -> Double { { MonotonicClock.seconds() + self.skipped.withLock { $0 } } }
}
