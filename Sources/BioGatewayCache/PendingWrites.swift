import Foundation
import Synchronization

/// What hits change in the database, gathered in memory and written in one transaction now and then:
/// last-access times for LRU and counter increments. A hit costs no database write.
package final class PendingWrites: Sendable {
    private struct State {
        var accesses: [String: Date] = [:]
        var counters: [CacheEvent: Int] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// Notes that `key` was read at `date`.
    package func noteAccess(_ key: String, at date: Date) {
        self.state.withLock { state in
            if let previous = state.accesses[key], previous >= date { return }
            state.accesses[key] = date
        }
    }

    /// Counts an event.
    package func count(_ event: CacheEvent, by amount: Int = 1) {
        self.state.withLock { $0.counters[event, default: 0] += amount }
    }

    /// Takes everything pending (the caller writes it, or puts it back with ``restore(_:_:)`` on failure).
    package func take() -> (accesses: [String: Date], counters: [CacheEvent: Int]) {
        self.state.withLock { state in
            defer { state = State() }
            return (state.accesses, state.counters)
        }
    }

    /// Puts back what a failed write took.
    package func restore(_ accesses: [String: Date], _ counters: [CacheEvent: Int]) {
        for (key, date) in accesses { self.noteAccess(key, at: date) }
        for (event, amount) in counters { self.count(event, by: amount) }
    }
}
