import Foundation
import Synchronization

/// Requests waiting for another process to finish fetching a key: each is woken when that key's change is
/// announced (stored, or its claim given up), when entries are purged, or when its own bound passes.
final class ChangeWaiters: Sendable {
    private enum Waiter {
        case waiting(key: String, CheckedContinuation<Void, Never>)
        /// Woken before it began to wait: it returns at once.
        case woken
    }

    private let waiters = Mutex<[UInt64: Waiter]>([:])
    private let nextID = Atomic<UInt64>(0)

    /// Waits until `key` changes or `bound` passes (real time), whichever comes first.
    func wait(for key: String, upTo bound: Duration) async {
        let id = self.nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let timer = Task {
            do { try await Task.sleep(for: bound) } catch { return }
            self.wake(id)
        }
        await withCheckedContinuation { continuation in
            let wokenAlready = self.waiters.withLock { waiters in
                if case .woken = waiters[id] {
                    waiters[id] = nil
                    return true
                }
                waiters[id] = .waiting(key: key, continuation)
                return false
            }
            if wokenAlready { continuation.resume() }
        }
        timer.cancel()
    }

    /// Wakes every request waiting for `key`.
    func wake(_ key: String) {
        self.wake { $0 == key }
    }

    /// Wakes every waiting request.
    func wakeAll() {
        self.wake { _ in true }
    }

    private func wake(where matches: (String) -> Bool) {
        let woken = self.waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in waiters {
                if case .waiting(let key, let continuation) = waiter, matches(key) {
                    woken.append(continuation)
                    waiters[id] = nil
                }
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    private func wake(_ id: UInt64) {
        let continuation = self.waiters.withLock { waiters -> CheckedContinuation<Void, Never>? in
            switch waiters[id] {
            case .waiting(_, let continuation):
                waiters[id] = nil
                return continuation
            case .woken:
                return nil
            case nil:
                waiters[id] = .woken
                return nil
            }
        }
        continuation?.resume()
    }
}
