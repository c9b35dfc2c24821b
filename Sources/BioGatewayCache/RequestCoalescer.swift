/// Single-flight: concurrent callers asking for the same key share one computation.
///
/// The computation runs in its own task, so a caller that goes away (a client that disconnects)
/// does not cancel the work the others are waiting for.
public actor RequestCoalescer<Value: Sendable> {
    private var inFlight: [String: (id: Int, task: Task<Value, any Error>)] = [:]
    private var launched = 0
    private var joinedWaiting = 0

    public init() {}

    /// The result of `compute` for `key`, started now or joined if already running.
    /// - Returns: the value, and whether this caller joined a computation another caller started.
    public func value(
        forKey key: String,
        compute: @escaping @Sendable () async throws -> Value
    ) async throws -> (value: Value, joined: Bool) {
        if let running = self.inFlight[key] {
            self.joinedWaiting += 1
            defer { self.joinedWaiting -= 1 }
            return (try await running.task.value, true)
        }
        return (try await self.launch(key, compute).value, false)
    }

    /// Starts `compute` for `key` in the background unless a computation for it is already running.
    /// - Returns: whether this call started one.
    @discardableResult
    public func startIfIdle(forKey key: String, compute: @escaping @Sendable () async throws -> Value) -> Bool {
        guard self.inFlight[key] == nil else { return false }
        _ = self.launch(key, compute)
        return true
    }

    /// Whether a computation for `key` is running.
    public func isRunning(_ key: String) -> Bool { self.inFlight[key] != nil }

    /// How many callers are waiting for a computation another caller started.
    public var waitingCount: Int { self.joinedWaiting }

    /// How many distinct keys are being computed right now.
    public var inFlightCount: Int { self.inFlight.count }

    private func launch(_ key: String, _ compute: @escaping @Sendable () async throws -> Value) -> Task<Value, any Error> {
        self.launched += 1
        let id = self.launched
        let task = Task {
            do {
                let value = try await compute()
                self.finished(key, id)
                return value
            } catch {
                self.finished(key, id)
                throw error
            }
        }
        self.inFlight[key] = (id, task)
        return task
    }

    private func finished(_ key: String, _ id: Int) {
        if self.inFlight[key]?.id == id { self.inFlight[key] = nil }
    }
}
