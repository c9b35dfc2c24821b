import Synchronization

/// The keys the store holds, as far as this process knows, kept in memory as hashes so that a miss need not
/// read the store to learn that a key is absent: a superset (a key it does not know is absent; one it knows
/// may still have been deleted by another process), exact for what this process stores, evicts and purges.
///
/// Filled from the store when the cache opens and again after a purge of many keys (a source's, or another
/// process's); until filled it knows nothing and every key may be present. Only for a store this process
/// alone writes to: with a shared store other processes add keys, and ``mayHold(_:)`` is always true.
/// About 16 bytes a key.
package final class StoredKeys: Sendable {
    private struct State {
        var hashes: Set<Int> = []
        /// Whether ``hashes`` holds every key in the store (false until filled, and while refilled).
        var complete = false
        /// Keys added while a fill reads the store (kept across the fill, which may not see them).
        var addedDuringFill: [Int]?
        /// The latest fill: only its reading is kept.
        var fills = 0
    }

    private let state = Mutex(State())
    /// Whether keys are followed at all (a store this process alone writes to).
    package let isEnabled: Bool

    package init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    /// Whether the store may hold `key`: false only when it certainly does not.
    package func mayHold(_ key: String) -> Bool {
        guard self.isEnabled else { return true }
        let hash = key.hashValue
        return self.state.withLock { !$0.complete || $0.hashes.contains(hash) }
    }

    /// Notes a key stored (before its write is queued or committed).
    package func add(_ key: String) {
        guard self.isEnabled else { return }
        let hash = key.hashValue
        self.state.withLock { state in
            state.hashes.insert(hash)
            state.addedDuringFill?.append(hash)
        }
    }

    /// Notes keys deleted (evicted, or purged one by one).
    package func remove(_ keys: some Sequence<String>) {
        guard self.isEnabled else { return }
        let hashes = keys.map(\.hashValue)
        self.state.withLock { state in
            for hash in hashes { state.hashes.remove(hash) }
        }
    }

    /// Fills the set from the store's keys, read by `readKeys`; meanwhile every key may be present. When fills
    /// overlap, the last one started is kept. A failed read leaves the set incomplete until the next fill.
    package func fill(reading readKeys: () async throws -> [String]) async throws {
        guard self.isEnabled else { return }
        let fill = self.state.withLock { state in
            state.fills += 1
            state.complete = false
            if state.addedDuringFill == nil { state.addedDuringFill = [] }
            return state.fills
        }
        let keys: [String]
        do {
            keys = try await readKeys()
        } catch {
            self.state.withLock { state in
                if state.fills == fill { state.addedDuringFill = nil }
            }
            throw error
        }
        var hashes = Set<Int>(minimumCapacity: keys.count)
        for key in keys { hashes.insert(key.hashValue) }
        self.state.withLock { state in
            guard state.fills == fill else { return }
            for hash in state.addedDuringFill ?? [] { hashes.insert(hash) }
            state.hashes = hashes
            state.addedDuringFill = nil
            state.complete = true
        }
    }
}
