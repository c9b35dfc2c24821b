import Foundation

/// Seconds on the system's monotonic clock (it never jumps with the wall clock), the time base of the
/// client rate limits and of the upstream gates.
public enum MonotonicClock {
    /// Seconds since an arbitrary point in the past (the machine's boot).
    public static let seconds: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// The one clock the time-driven parts read and sleep on: the client limiter, the upstream gates (pacing,
/// pauses, queue timeouts, the breaker's cooldown) and the retries' backoff. Monotonic seconds, so that the
/// system's by default and a test's (stopped, or moved forward at once) interchangeably.
public struct GatewayClock: Sendable {
    /// Seconds since an arbitrary point.
    public let now: @Sendable () -> Double
    /// Returns once `now()` has reached the instant; throws `CancellationError` if the task is cancelled first.
    public let sleepUntil: @Sendable (Double) async throws -> Void

    public init(now: @escaping @Sendable () -> Double, sleepUntil: @escaping @Sendable (Double) async throws -> Void) {
        self.now = now
        self.sleepUntil = sleepUntil
    }

    /// The system's monotonic clock.
    public static let system = GatewayClock(now: MonotonicClock.seconds) { instant in
        let remaining = instant - MonotonicClock.seconds()
        if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
    }

    /// Sleeps for `seconds` on this clock.
    public func sleep(for seconds: Double) async throws {
        try await self.sleepUntil(self.now() + seconds)
    }
}
