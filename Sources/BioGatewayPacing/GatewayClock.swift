import Foundation

/// Seconds on the system's monotonic clock (it never jumps with the wall clock), the time base of the
/// client rate limits and of the upstream gates.
public enum MonotonicClock {
    /// Seconds since an arbitrary point in the past (the machine's boot).
    public static let seconds: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// The one clock the gateway's time-driven parts are given: the client limiter, the upstream gates (pacing,
/// pauses, queue timeouts, the breaker's cooldown) and the retries' backoff read and sleep on its monotonic
/// seconds; the cache's freshness, ages and access times, the answers' dates and the reported times of
/// upstream errors and pauses read its calendar date. The system's by default; a test's (stopped, moved
/// forward at once, or with a calendar of its own) interchangeably.
public struct GatewayClock: Sendable {
    /// Seconds since an arbitrary point, never jumping with the wall clock.
    public let now: @Sendable () -> Double
    /// Returns once `now()` has reached the instant; throws `CancellationError` if the task is cancelled first.
    public let sleepUntil: @Sendable (Double) async throws -> Void
    /// The calendar date: what HTTP dates, freshness and stored times are measured in.
    public let date: @Sendable () -> Date

    public init(
        now: @escaping @Sendable () -> Double,
        sleepUntil: @escaping @Sendable (Double) async throws -> Void,
        date: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        self.sleepUntil = sleepUntil
        self.date = date
    }

    /// This clock with another calendar (a test moving dates by hand while pacing runs in real time).
    public func withDate(_ date: @escaping @Sendable () -> Date) -> GatewayClock {
        GatewayClock(now: self.now, sleepUntil: self.sleepUntil, date: date)
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

    /// Sleeps for `duration` on this clock.
    public func sleep(for duration: Duration) async throws {
        try await self.sleep(for: duration.inSeconds)
    }
}

extension Duration {
    /// The duration in seconds, as the gateway's clocks count time.
    public var inSeconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
