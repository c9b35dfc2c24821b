import Synchronization

/// Single-flight: concurrent callers asking for the same key share one computation.
///
/// The computation runs in its own task, so a caller that goes away (a client that disconnects)
/// does not cancel the work the others are waiting for.
///
/// A lock, not an actor: asking costs no hop to another executor (every miss asks), and the only wait is
/// for the computation's own task.
public final class RequestCoalescer<Value: Sendable>: Sendable {
    private struct State {
        var inFlight: [String: (id: Int, task: Task<Value, any Error>)] = [:]
        var launched = 0
        var joinedWaiting = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The result of `compute` for `key`, started now or joined if already running.
    /// - Returns: the value, and whether this caller joined a computation another caller started.
    public func value(
        forKey key: String,
        compute: @escaping @Sendable () async throws -> Value
    ) async throws -> (value: Value, joined: Bool) {
        let (task, joined) = self.state.withLock { state in
            if let running = state.inFlight[key] {
                state.joinedWaiting += 1
                return (running.task, true)
            }
            return (self.launch(key, compute, in: &state), false)
        }
        guard joined else { return (try await task.value, false) }
        defer { self.state.withLock { $0.joinedWaiting -= 1 } }
        return (try await task.value, true)
    }

    /// Starts `compute` for `key` in the background unless a computation for it is already running.
    /// - Returns: whether this call started one.
    @discardableResult
    public func startIfIdle(forKey key: String, compute: @escaping @Sendable () async throws -> Value) -> Bool {
        self.state.withLock { state in
            guard state.inFlight[key] == nil else { return false }
            _ = self.launch(key, compute, in: &state)
            return true
        }
    }

    /// Whether a computation for `key` is running.
    public func isRunning(_ key: String) -> Bool { self.state.withLock { $0.inFlight[key] != nil } }

    /// How many callers are waiting for a computation another caller started.
    public var waitingCount: Int { self.state.withLock { $0.joinedWaiting } }

    /// How many distinct keys are being computed right now.
    public var inFlightCount: Int { self.state.withLock { $0.inFlight.count } }

    /// Starts the computation and records it, under the lock: the task's own ``finished(_:_:)`` waits for
    /// the lock, so it cannot run before the task is recorded.
    private func launch(_ key: String, _ compute: @escaping @Sendable () async throws -> Value, in state: inout State) -> Task<Value, any Error> {
        state.launched += 1
        let id = state.launched
        let task = Task {
            defer { self.finished(key, id) }
            return try await compute()
        }
        state.inFlight[key] = (id, task)
        return task
    }

    private func finished(_ key: String, _ id: Int) {
        self.state.withLock { state in
            if state.inFlight[key]?.id == id { state.inFlight[key] = nil }
        }
    }
}
