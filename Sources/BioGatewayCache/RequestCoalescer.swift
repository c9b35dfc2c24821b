/// Single-flight: concurrent callers asking for the same key share one computation.
///
/// The computation runs in its own task, so a caller that goes away (a client that disconnects)
/// does not cancel the work the others are waiting for.
public actor RequestCoalescer<Value: Sendable> {
    private var inFlight: [String: Task<Value, any Error>] = [:]

    public init() {}

    /// The result of `compute` for `key`, started now or joined if already running.
    /// - Returns: the value, and whether this caller joined a computation another caller started.
    public func value(
        forKey key: String,
        compute: @escaping @Sendable () async throws -> Value
    ) async throws -> (value: Value, joined: Bool) {
        if let running = self.inFlight[key] {
            return (try await running.value, true)
        }
        let task = Task { try await compute() }
        self.inFlight[key] = task
        defer { self.inFlight[key] = nil }
        return (try await task.value, false)
    }

    /// How many distinct keys are being computed right now.
    public var inFlightCount: Int { self.inFlight.count }
}
