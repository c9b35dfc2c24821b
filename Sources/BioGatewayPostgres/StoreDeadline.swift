import PostgresNIO
import Synchronization

/// PostgreSQL did not answer within the store's deadline (unreachable, or too slow): the caller goes on
/// without the store (a miss is answered from upstream and not stored; `/readyz` says not ready).
struct StoreDeadlineExceeded: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "PostgreSQL did not answer within \(self.seconds) s" }
}

/// PostgreSQL failed a moment ago: calls fail at once until the next probe.
struct StoreUnavailable: Error, CustomStringConvertible {
    var description: String { "PostgreSQL is unreachable (a call failed less than a second ago)" }
}

/// Bounds every call to PostgreSQL, and stops calling it for a moment after a failure.
///
/// PostgreSQL's connection pool waits for a connection without a bound of its own while the server is
/// unreachable, so each call is cancelled after its deadline. After a call fails for want of the server
/// (a deadline, a lost connection), calls fail at once for ``retryInterval``; then one call is let through
/// as a probe, and its success lets every call through again. A lost server therefore costs one deadline
/// per second, not one per call.
final class StoreBreaker: Sendable {
    /// How long calls fail at once after a failure.
    static let retryInterval: Duration = .seconds(1)

    private struct State {
        var failedAt: ContinuousClock.Instant?
        var probing = false
    }

    private let state = Mutex(State())

    /// Runs `body` within `seconds`, unless the store failed less than ``retryInterval`` ago.
    func call<T: Sendable>(within seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let allowed = self.state.withLock { state -> Bool in
            guard let failedAt = state.failedAt else { return true }
            guard !state.probing, ContinuousClock.now - failedAt >= Self.retryInterval else { return false }
            state.probing = true
            return true
        }
        guard allowed else { throw StoreUnavailable() }
        do {
            let value = try await withinDeadline(seconds, body)
            self.state.withLock { $0 = State() }
            return value
        } catch {
            if error is CancellationError {
                self.state.withLock { $0.probing = false }
            } else if Self.meansUnreachable(error) {
                self.state.withLock { $0 = State(failedAt: .now, probing: false) }
            } else {
                // PostgreSQL answered (with an error of the query's own): it is reachable
                self.state.withLock { $0 = State() }
            }
            throw error
        }
    }

    /// Whether `error` says the server could not be reached, rather than that it refused a query.
    static func meansUnreachable(_ error: any Error) -> Bool {
        if error is StoreDeadlineExceeded { return true }
        if let error = error as? PSQLError { return error.code != .server }
        return false
    }
}

/// Runs `body`, cancelling it when it takes longer than `seconds`.
func withinDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw StoreDeadlineExceeded(seconds: seconds) }
        return value
    }
}
