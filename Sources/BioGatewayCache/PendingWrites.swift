import Foundation
import Synchronization

/// What hits change in the database, gathered in memory and written in one transaction now and then:
/// last-access times for LRU and counter increments. A hit costs no database write.
package final class PendingWrites: Sendable {
    private struct State {
        var accesses: [String: Date] = [:]
        var counters: [CacheEvent: Int] = [:]

        /// One hash of the key when it is new or later (the usual case), two only when it goes back in time.
        mutating func noteAccess(_ key: String, at date: Date) {
            if let previous = self.accesses.updateValue(date, forKey: key), previous > date {
                self.accesses[key] = previous
            }
        }
    }

    private let state = Mutex(State())

    package init() {}

    /// Notes that `key` was read at `date`.
    package func noteAccess(_ key: String, at date: Date) {
        self.state.withLock { state in state.noteAccess(key, at: date) }
    }

    /// Notes a hit on `key` at `date`: its access and the hit counter, in one look.
    package func noteHit(_ key: String, at date: Date) {
        self.state.withLock { state in
            state.noteAccess(key, at: date)
            state.counters[.hit, default: 0] += 1
        }
    }

    /// Counts an event.
    package func count(_ event: CacheEvent, by amount: Int = 1) {
        self.state.withLock { $0.counters[event, default: 0] += amount }
    }

    /// Takes everything pending (the caller writes it, or puts it back with ``restore(_:_:)`` on failure).
    package func take() -> (accesses: [String: Date], counters: [CacheEvent: Int]) {
        self.state.withLock { state in
            let taken = (state.accesses, state.counters)
            state = State()
            // the next batch is likely as large: room made once rather than by doubling as it fills
            state.accesses.reserveCapacity(taken.0.count)
            return taken
        }
    }

    /// Puts back what a failed write took.
    package func restore(_ accesses: [String: Date], _ counters: [CacheEvent: Int]) {
        for (key, date) in accesses { self.noteAccess(key, at: date) }
        for (event, amount) in counters { self.count(event, by: amount) }
    }
}
