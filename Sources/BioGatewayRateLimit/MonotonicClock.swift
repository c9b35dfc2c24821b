import Foundation

/// Seconds on the system's monotonic clock (it never jumps with the wall clock), the time base of the
/// client rate limits and of the upstream gates. Components take it as a `@Sendable () -> Double` so that
/// tests can stop it or move it forward.
public enum MonotonicClock {
    /// Seconds since an arbitrary point in the past (the machine's boot).
    public static let seconds: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
