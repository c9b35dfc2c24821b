import Synchronization

/// The writes a ``ResponseCache`` has queued to its store without waiting for them (answers sent before
/// their write committed: ``ResponseCache/storeBeforeWritten(_:identity:written:)``), by key, so that what
/// reads the store directly can wait for them first.
final class WritesBehind: Sendable {
    private struct State {
        var queued: [String: Int] = [:]
        var total = 0
        var waiters: [(key: String?, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// Notes a write of `key` queued.
    func begin(_ key: String) {
        self.state.withLock { state in
            state.queued[key, default: 0] += 1
            state.total += 1
        }
    }

    /// Notes a write of `key` committed (or failed), and wakes whoever waited for it.
    func end(_ key: String) {
        let ready = self.state.withLock { state in
            state.queued[key, default: 1] -= 1
            if state.queued[key] == 0 { state.queued[key] = nil }
            state.total -= 1
            var ready: [CheckedContinuation<Void, Never>] = []
            var waiting: [(key: String?, continuation: CheckedContinuation<Void, Never>)] = []
            for waiter in state.waiters {
                if Self.isWritten(waiter.key, in: state) { ready.append(waiter.continuation) } else { waiting.append(waiter) }
            }
            state.waiters = waiting
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once no write of `key` (nil: of any key) is queued; at once when none is.
    func written(_ key: String? = nil) async {
        guard self.state.withLock({ !Self.isWritten(key, in: $0) }) else { return }
        await withCheckedContinuation { continuation in
            let now = self.state.withLock { state in
                if Self.isWritten(key, in: state) { return true }
                state.waiters.append((key, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    private static func isWritten(_ key: String?, in state: State) -> Bool {
        guard let key else { return state.total == 0 }
        return state.queued[key] == nil
    }
}
